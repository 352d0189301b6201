// The debuggee when the adapter asks the CLI to start it (DAP runInTerminal): a child writing to
// the CLI's own terminal, reading its keys from a pty the debugger feeds only while it runs
// (ProgramKeyboard). It runs in a session of its own: the terminal's Ctrl-C reaches the debugger
// (which pauses the program, as pdb does) and not the program; and no launcher can take the
// terminal's foreground from the debugger (debugpy's tries to).
import { type ChildProcess, spawn } from "node:child_process";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapError } from "../dap/connection.js";
import type { ProgramKeyboard } from "./programKeyboard.js";

const END_GRACE_MS = 1_500;

export class TerminalProgram {
  private child: ChildProcess | undefined;

  /**
   * stdin: the keyboard's pty; without one (no pty support here) this terminal itself, shared;
   * none when the debugger's commands come from a pipe (the program would eat them).
   */
  constructor(private readonly stdin: { keyboard: ProgramKeyboard } | "terminal" | "none") {}

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
      stdio: [this.stdinFor(), "inherit", "inherit"],
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

  private stdinFor(): number | "inherit" | "ignore" {
    if (this.stdin === "terminal") return "inherit";
    if (this.stdin === "none") return "ignore";
    return this.stdin.keyboard.programFd;
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
