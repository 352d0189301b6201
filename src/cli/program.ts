// The debuggee when the adapter asks the CLI to start it (DAP runInTerminal): a child on the
// CLI's own terminal, so the program reads the keyboard and writes the screen directly. It runs
// in a session of its own: the terminal's Ctrl-C reaches the debugger (which pauses the program,
// as pdb does) and not the program; and no launcher can take the terminal's foreground from the
// debugger (debugpy's tries to, and the prompt could then no longer read the keyboard).
import { type ChildProcess, spawn } from "node:child_process";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapError } from "../dap/connection.js";

const END_GRACE_MS = 1_500;

export class TerminalProgram {
  private child: ChildProcess | undefined;

  /** stdin is shared only with a terminal; from a pipe the debugger's commands would be eaten. */
  constructor(private readonly shareStdin: boolean) {}

  async start(
    args: DebugProtocol.RunInTerminalRequestArguments,
  ): Promise<DebugProtocol.RunInTerminalResponse["body"]> {
    const [command, ...rest] = args.args;
    if (!command) throw new DapError("runInTerminal: no command to run");
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, value] of Object.entries(args.env ?? {})) {
      if (value === null || value === undefined) delete env[name];
      else env[name] = String(value);
    }
    const child = spawn(command, rest, {
      cwd: args.cwd || undefined,
      env,
      stdio: [this.shareStdin ? "inherit" : "ignore", "inherit", "inherit"],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error: NodeJS.ErrnoException) =>
        reject(new DapError(`cannot start ${command}: ${error.code ?? error.message}`)),
      );
    });
    this.child = child;
    return { processId: child.pid };
  }

  get alive(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** When the debugger itself goes (a closed terminal, a crash), the program it started goes too. */
  killNow(): void {
    if (this.alive) this.child?.kill("SIGKILL");
  }

  /** After a disconnect: the adapter ends the program; if it has not within a moment, we do. */
  async end(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const timer = setTimeout(() => child.kill("SIGKILL"), END_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
