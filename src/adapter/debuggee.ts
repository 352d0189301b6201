// The program a session debugs, as one interface with three kinds: launched by the adapter (it
// owns the process tree and its pipes), launched in the client's terminal (a pid, nothing more),
// and attached (only the agent can end it). The session asks; each kind knows how.
import type { AgentLink } from "./agentLink.js";
import type { LaunchedProgram } from "./launcher.js";

export interface Debuggee {
  readonly kind: "launched" | "terminal" | "attached";
  /**
   * Whether the program's end is seen from its process (exit code from the process, after its
   * output): else the agent's `exited` event and the agent link's close are all there is.
   */
  readonly reportsOwnExit: boolean;
  /** DAP terminate: ask the program to end its own way (SIGTERM, or the agent's terminate). */
  terminate(agent: AgentLink | undefined): Promise<void>;
  /**
   * DAP disconnect: end the program now (kill) or leave it running. Resolves whether the agent
   * must end it (an attached program: only its agent can).
   */
  disconnect(kill: boolean): Promise<{ agentEnds: boolean }>;
  /** restart: the program is left (attach) or ended at once (launch), silently. */
  leaveForRestart(): Promise<void>;
  /** The client vanished without a disconnect: nobody could end the program later. */
  clientGone(): void;
}

/** A program started by the adapter itself (console internalConsole): its tree is ours. */
export class LaunchedDebuggee implements Debuggee {
  readonly kind = "launched";
  readonly reportsOwnExit = true;
  /** disconnect with terminateDebuggee false: the program runs on while the adapter does */
  private leftRunning = false;

  constructor(readonly program: LaunchedProgram) {}

  async terminate(): Promise<void> {
    this.program.terminate(); // SIGTERM to its whole tree
  }

  async disconnect(kill: boolean): Promise<{ agentEnds: boolean }> {
    // killed first: closing the agent link resumes every thread, and a stopped program would
    // otherwise run on (and print) before the signal lands
    if (kill) await this.program.end();
    else this.leftRunning = true;
    return { agentEnds: false };
  }

  async leaveForRestart(): Promise<void> {
    await this.program.kill();
  }

  clientGone(): void {
    if (!this.leftRunning) void this.program.end();
  }
}

/** A program the client started in its terminal (runInTerminal): a pid, and signals to it. */
export class TerminalDebuggee implements Debuggee {
  readonly kind = "terminal";
  readonly reportsOwnExit = false;

  constructor(readonly pid: number) {}

  async terminate(): Promise<void> {
    signalPid(this.pid, "SIGTERM");
  }

  async disconnect(kill: boolean): Promise<{ agentEnds: boolean }> {
    if (kill) signalPid(this.pid, "SIGKILL");
    return { agentEnds: false };
  }

  async leaveForRestart(): Promise<void> {
    signalPid(this.pid, "SIGKILL");
  }

  clientGone(): void {
    // the terminal is the client's: the program there is the user's to end
  }
}

/** A program that was running already (attach): only its agent can end it. */
export class AttachedDebuggee implements Debuggee {
  readonly kind = "attached";
  readonly reportsOwnExit = false;

  async terminate(agent: AgentLink | undefined): Promise<void> {
    await agent?.request("terminate");
  }

  async disconnect(kill: boolean): Promise<{ agentEnds: boolean }> {
    return { agentEnds: kill };
  }

  async leaveForRestart(): Promise<void> {
    // detached by the session; the program runs on, and restart connects to it again
  }

  clientGone(): void {
    // an attached program runs on: closing the link lets it go
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
