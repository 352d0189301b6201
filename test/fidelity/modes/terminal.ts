// `pdap run`, the terminal debugger, driven as a script would drive it: stdin is a pipe of commands
// (so the program itself gets no input), `-c continue` leaves the entry stop, and a `continue`
// is waiting for each further stop.
import { PDAP_BIN } from "../../../src/client/client.js";
import { type Mode, NEVER_RUNS, NEVER_RUNS_LINE, type RunOutcome, type RunSpec } from "./mode.js";
import { runCommand } from "./process.js";

/** Enough `continue`s for any stop a run can make; the rest stay unread. */
const SPARE_CONTINUES = 500;

/** How the terminal debugger announces a child process it debugs. */
const CHILD_STARTED = /^process \d+ \(pid \d+\) started/;

/** The stop lines of the terminal debugger's transcript ("> name() at file:line …"). */
function stopLines(transcript: string): string[] {
  return transcript.split("\n").filter((line) => line.startsWith("> "));
}

export const terminal: Mode = {
  name: "run",
  title: "pdap run -b elsewhere -c continue (commands piped)",
  debugged: true,
  async run(spec: RunSpec): Promise<RunOutcome> {
    const argv = [PDAP_BIN, "run", "--python", spec.target.python, "--backend", spec.target.backend];
    argv.push("-b", `${NEVER_RUNS}:${NEVER_RUNS_LINE}`, "-c", "continue", ...spec.args);
    const done = await runCommand(process.execPath, argv, {
      cwd: spec.cwd,
      timeoutMs: spec.timeoutMs,
      input: "continue\n".repeat(SPARE_CONTINUES),
      env: { ...process.env, PDAP_HISTORY: "" },
    });
    const stops = stopLines(done.stdout);
    return {
      exitCode: done.code,
      signal: done.signal,
      stderr: done.stderr,
      stdout: done.stdout,
      wallMs: done.wallMs,
      stops,
      childSessions: done.stdout.split("\n").filter((line) => CHILD_STARTED.test(line)).length,
      fault: done.timedOut ? `no end within ${spec.timeoutMs / 1000} s` : undefined,
    };
  },
};
