// A way of running a program: plainly, or under pdap as a user would start it. Every mode runs the
// same Python arguments and reports the same facts, so the runs compare result by result.
import { fileURLToPath } from "node:url";
import type { PythonTarget } from "../../support/pythons.js";

export type ModeName = "plain" | "launch" | "launch-nochild" | "listen" | "run";

export interface RunSpec {
  target: PythonTarget;
  /** what follows the interpreter on its command line, e.g. ["-m", "test", "test_gc", …] */
  args: string[];
  cwd: string;
  /** the whole run, session included, ends as a fault past this */
  timeoutMs: number;
}

export interface RunOutcome {
  exitCode: number | null;
  /** the signal that ended the program, when one did */
  signal: string | null;
  /** the program's own stderr, as it reached the user */
  stderr: string;
  /** its stdout (with `pdap run`, the debugger's transcript too): kept for reading, not compared */
  stdout: string;
  wallMs: number;
  /** debugger stops the client resumed, as "reason at name file:line" */
  stops: string[];
  /** sessions started for child processes (startDebugging) */
  childSessions: number;
  /** the session failed (a DAP error, no end within the deadline): the run says nothing then */
  fault?: string;
}

export interface Mode {
  name: ModeName;
  /** one line for the report */
  title: string;
  /** whether it runs under pdap's tracer, so a backend applies */
  debugged: boolean;
  run(spec: RunSpec): Promise<RunOutcome>;
}

/** The file every debugged run has a breakpoint in; no test ever runs it. */
export const NEVER_RUNS = fileURLToPath(new URL("../../../../test/fidelity/never_runs.py", import.meta.url));
export const NEVER_RUNS_LINE = 5;

/** A deadline as a promise that rejects; `clear` when the work finished first. */
export function deadline(ms: number, what: string): { expired: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no end within ${ms / 1000} s`)), ms);
  });
  expired.catch(() => {});
  return { expired, clear: () => clearTimeout(timer) };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
