// One test module run plainly and under pdap, compared result by result: each test's outcome, the
// exit status, and what reached stderr that plain Python did not write.
import {
  declaredStderrFor,
  exceptionFor,
  knownDefectFor,
  knownStderrFor,
  type RunContext,
} from "./exceptions.js";
import type { Outcome, TestResults } from "./junit.js";
import type { RunOutcome } from "./modes/mode.js";

export interface ModuleRun {
  outcome: RunOutcome;
  /** undefined when the run wrote no JUnit XML (it crashed or was killed) */
  results: TestResults | undefined;
  /** the run's own directory, which appears in paths it prints */
  directory: string;
}

/** extra stderr lines listed per module; the rest are counted */
const MAX_STDERR_LINES = 6;

export type Seen = Outcome | "absent";

export interface TestDifference {
  id: string;
  plain: Seen;
  debugged: Seen;
  /** the declared exception's reason, when one covers it */
  excepted?: string;
}

export interface Comparison {
  /** tests plain Python ran */
  ran: number;
  matched: number;
  /** tests plain Python ran that a debugged run which wrote no results never reported */
  lost: number;
  differences: TestDifference[];
  /** differences that did not happen again when both runs were repeated */
  flaky: TestDifference[];
  /** what is wrong beyond single tests: no results, exit status, stderr lines, a failed session */
  problems: string[];
  /** differences and stderr lines that known pdap defects explain (printed, not failed on) */
  known: string[];
}

export function unexplained(comparison: Comparison): TestDifference[] {
  return comparison.differences.filter((difference) => !difference.excepted);
}

/** Test ids whose outcome differs between the two runs (tests absent from a run count as such). */
export function differingTests(plain: TestResults, debugged: TestResults | undefined): TestDifference[] {
  const ids = new Set([...plain.outcomes.keys(), ...(debugged?.outcomes.keys() ?? [])]);
  const differences: TestDifference[] = [];
  for (const id of ids) {
    const before = plain.outcomes.get(id) ?? "absent";
    const after = debugged?.outcomes.get(id) ?? "absent";
    if (before !== after) differences.push({ id, plain: before, debugged: after });
  }
  return differences.sort((a, b) => a.id.localeCompare(b.id));
}

const REGRTEST_FAILED = /^test \S+ failed\b/;
/** `python -m pdap --listen` says where it listens: what the user asked that command for, not the program's */
const PDAP_LISTENING = /^pdap: listening on \S+$/;

/** A stderr line with what changes from run to run (numbers, addresses, directories) taken out. */
export function normalise(line: string, directory: string): string {
  return line
    .split(directory)
    .join("<dir>")
    .replace(/0x[0-9a-f]+/gi, "0x?")
    .replace(/\d+(\.\d+)?/g, "N")
    .trim();
}

/**
 * stderr lines of the debugged run that plain Python did not write. regrtest prints each failing
 * test's traceback there too; those lines are already in the test's difference and are left out.
 */
export function extraStderr(plain: ModuleRun, debugged: ModuleRun): string[] {
  const known = new Set<string>();
  for (const line of plain.outcome.stderr.split("\n")) known.add(normalise(line, plain.directory));
  for (const line of (debugged.results?.failureText ?? "").split("\n")) {
    known.add(normalise(line, debugged.directory));
  }
  const extra: string[] = [];
  for (const raw of debugged.outcome.stderr.split("\n")) {
    // regrtest's own line for a failed test module: the failing tests are reported one by one
    if (REGRTEST_FAILED.test(raw) || PDAP_LISTENING.test(raw.trim())) continue;
    const line = normalise(raw, debugged.directory);
    if (line && !known.has(line) && !extra.includes(raw.trim())) extra.push(raw.trim());
  }
  return extra;
}

function tail(text: string, lines = 6): string {
  return text.trim().split("\n").slice(-lines).join(" | ");
}

export function compare(plain: ModuleRun, debugged: ModuleRun, context: RunContext): Comparison {
  const problems: string[] = [];
  if (plain.outcome.fault || !plain.results) {
    problems.push(`the plain run itself failed: ${plain.outcome.fault ?? tail(plain.outcome.stderr)}`);
    return { ran: 0, matched: 0, lost: 0, differences: [], flaky: [], problems, known: [] };
  }
  if (debugged.outcome.fault) problems.push(`session: ${debugged.outcome.fault}`);
  if (!debugged.results) {
    // every test is missing then; the one line that says why is the difference worth reading
    problems.push(
      `no test results (exit status ${debugged.outcome.exitCode}, signal ${debugged.outcome.signal}); stderr: ${tail(debugged.outcome.stderr)}`,
    );
    const ran = plain.results.outcomes.size;
    return { ran, matched: 0, lost: ran, differences: [], flaky: [], problems, known: [] };
  }
  const known: string[] = [];
  const differences = differingTests(plain.results, debugged.results).map((difference) => {
    const defect = knownDefectFor(difference.id, context);
    if (defect) known.push(`${difference.id}: ${defect.reason}`);
    return { ...difference, excepted: exceptionFor(difference.id, context)?.reason ?? defect?.reason };
  });
  const ran = plain.results.outcomes.size;
  const matched = [...plain.results.outcomes.keys()].filter(
    (id) => !differences.some((difference) => difference.id === id),
  ).length;
  const sameEnd =
    plain.outcome.exitCode === debugged.outcome.exitCode && plain.outcome.signal === debugged.outcome.signal;
  // a failing test changes regrtest's status too; only a status the tests do not explain is reported
  if (!sameEnd && differences.length === 0 && debugged.results) {
    problems.push(
      `exit status ${debugged.outcome.exitCode ?? debugged.outcome.signal}, plain ${plain.outcome.exitCode ?? plain.outcome.signal}`,
    );
  }
  const extra: string[] = [];
  for (const line of extraStderr(plain, debugged)) {
    const normalised = normalise(line, debugged.directory);
    const defect = knownStderrFor(normalised, context);
    if (defect) known.push(`stderr: ${line}: ${defect.reason}`);
    else if (!declaredStderrFor(normalised, context)) extra.push(line);
  }
  for (const line of extra.slice(0, MAX_STDERR_LINES)) problems.push(`stderr: ${line}`);
  if (extra.length > MAX_STDERR_LINES)
    problems.push(`stderr: … ${extra.length - MAX_STDERR_LINES} more lines`);
  return { ran, matched, lost: 0, differences, flaky: [], problems, known };
}

/**
 * After both runs were repeated with only the differing tests: a difference that did not happen
 * again is flaky (reported, not failed on); one that did stands.
 */
export function withRetry(first: Comparison, retried: TestDifference[]): Comparison {
  const again = new Set(retried.map((difference) => difference.id));
  const stands = first.differences.filter((difference) => difference.excepted || again.has(difference.id));
  const flaky = first.differences.filter((difference) => !difference.excepted && !again.has(difference.id));
  return { ...first, differences: stands, flaky, matched: first.matched + flaky.length };
}
