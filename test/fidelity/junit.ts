// Reading regrtest's --junit-xml: one outcome per test id, and the text of each failure (which
// regrtest also prints on stderr, so stderr comparisons can set it aside).
import { existsSync, readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";

export type Outcome = "passed" | "failed" | "error" | "skipped";

export interface TestResults {
  outcomes: Map<string, Outcome>;
  /** failure and error messages and tracebacks, as written in the XML */
  failureText: string;
}

interface TestCase {
  name?: string;
  failure?: unknown;
  error?: unknown;
  skipped?: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => name === "testsuite" || name === "testcase" || name === "failure" || name === "error",
});

function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("\n");
  if (typeof value === "object")
    return Object.values(value as Record<string, unknown>)
      .map(textOf)
      .join("\n");
  return String(value);
}

function outcomeOf(test: TestCase): Outcome {
  if (test.error !== undefined) return "error";
  if (test.failure !== undefined) return "failed";
  if (test.skipped !== undefined) return "skipped";
  return "passed";
}

/** The results in `file`, or undefined when the run never wrote it (a crash, a kill). */
export function readJunit(file: string): TestResults | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  if (!text.trim()) return undefined;
  const document = parser.parse(text) as { testsuites?: { testsuite?: Array<{ testcase?: TestCase[] }> } };
  const outcomes = new Map<string, Outcome>();
  const failures: string[] = [];
  for (const suite of document.testsuites?.testsuite ?? []) {
    for (const test of suite.testcase ?? []) {
      if (!test.name) continue;
      outcomes.set(test.name, outcomeOf(test));
      failures.push(textOf(test.failure), textOf(test.error));
    }
  }
  return { outcomes, failureText: failures.join("\n") };
}
