// The reference: the interpreter alone, as a user runs it at a shell with no input.
import type { Mode, RunOutcome, RunSpec } from "./mode.js";
import { runCommand } from "./process.js";

export const plain: Mode = {
  name: "plain",
  title: "python -m test … (no debugger)",
  debugged: false,
  async run(spec: RunSpec): Promise<RunOutcome> {
    const done = await runCommand(spec.target.python, spec.args, {
      cwd: spec.cwd,
      timeoutMs: spec.timeoutMs,
    });
    return {
      exitCode: done.code,
      signal: done.signal,
      stderr: done.stderr,
      stdout: done.stdout,
      wallMs: done.wallMs,
      stops: [],
      childSessions: 0,
      fault: done.timedOut ? `no end within ${spec.timeoutMs / 1000} s` : undefined,
    };
  },
};
