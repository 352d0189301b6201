// The debuggee when the adapter asks the CLI to start it (DAP runInTerminal): a child on a pty
// whose output the debugger shows and which gets the keys only while it runs (ProgramKeyboard). It runs in a session of its own: the terminal's Ctrl-C reaches the debugger
// (which pauses the program, as pdb does) and not the program; and no launcher can take the
// terminal's foreground from the debugger (debugpy's tries to).

import { type ChildProcess, spawn } from "node:child_process";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapError } from "../dap/connection.js";
import { ErrorId } from "../protocol/errors.js";
import type { ProgramKeyboard } from "./programKeyboard.js";

const END_GRACE_MS = 1_500;
/** How long the end of the session waits for the program's process to be gone (its output shown). */
const SETTLE_WAIT_MS = 1_000;

export class TerminalProgram {
  private child: ChildProcess | undefined;

  /**
   * The program's terminal: the keyboard's pty; without one (no pty support here) this terminal
   * itself, shared; with the debugger's commands from a pipe, no stdin (it would eat them).
   */
  constructor(private readonly stdin: { keyboard: ProgramKeyboard } | "terminal" | "none") {}

  async start(
    args: DebugProtocol.RunInTerminalRequestArguments,
  ): Promise<DebugProtocol.RunInTerminalResponse["body"]> {
    const [command, ...rest] = args.args;
    if (!command) throw new DapError("runInTerminal: no command to run", { id: ErrorId.startFailed });
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, value] of Object.entries(args.env ?? {})) {
      if (value === null || value === undefined) delete env[name];
      else env[name] = String(value);
    }
    const child = spawn(command, rest, {
      cwd: args.cwd || undefined,
      env,
      stdio: this.stdio(),
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new DapError(`cannot start ${command}: ${error.code ?? error.message}`, {
            id: ErrorId.startFailed,
          }),
        ),
      );
    });
    this.child = child;
    return { processId: child.pid };
  }

  private stdio(): Array<number | "inherit" | "ignore"> {
    if (this.stdin === "terminal") return ["inherit", "inherit", "inherit"];
    if (this.stdin === "none") return ["ignore", "inherit", "inherit"];
    const fd = this.stdin.keyboard.programFd;
    return [fd, fd, fd];
  }

  get alive(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /**
   * The program has ended: its process finishes as without the debugger (atexit handlers, the
   * flush of its buffered output: the agent reports the end before those) and its last output is
   * on the screen before the debugger's last words.
   */
  async settle(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.alive) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise((resolve) => child.once("exit", resolve)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, SETTLE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    if (typeof this.stdin !== "string") await this.stdin.keyboard.drained();
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
