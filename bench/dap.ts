// Debug sessions driven over DAP with pdap's own client, for pdap and debugpy alike: the same
// client code measures both, so neither gets a cheaper path.
import { type ChildProcess, spawn } from "node:child_process";
import { delimiter } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import { DapConnection } from "../src/dap/connection.js";
import type { Debugpy } from "./debugpy.js";
import { killIfAlive, tail, withTimeout } from "./processes.js";

export interface BreakpointSpec {
  file: string;
  line: number;
  condition?: string;
}

/** How to start one debugger's adapter and what its launch request says. */
export interface DapFlavor {
  name: string;
  spawnAdapter(): ChildProcess;
  launchArguments(program: string, args: string[]): Record<string, unknown>;
}

export function pdapFlavor(python: string, backend: "monitoring" | "settrace"): DapFlavor {
  return {
    name: `pdap ${backend}`,
    // what DapClient.spawnAdapter() does, keeping the process handle so a timeout can end it
    spawnAdapter: () => spawn(process.execPath, [PDAP_BIN, "adapter"], { stdio: ["pipe", "pipe", "pipe"] }),
    launchArguments: (program, args) => ({ program, args, python, backend, justMyCode: true }),
  };
}

/** debugpy's own adapter (`python -m debugpy.adapter`, DAP on stdio) run by `adapterPython`. */
export function debugpyFlavor(python: string, adapterPython: string, debugpy: Debugpy): DapFlavor {
  const pythonPath = [debugpy.root, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return {
    name: `debugpy ${debugpy.version}`,
    spawnAdapter: () =>
      spawn(adapterPython, ["-m", "debugpy.adapter"], {
        env: { ...process.env, PYTHONPATH: pythonPath },
        stdio: ["pipe", "pipe", "pipe"],
      }),
    launchArguments: (program, args) => ({
      type: "python",
      request: "launch",
      program,
      args,
      python: [python],
      justMyCode: true,
      console: "internalConsole",
    }),
  };
}

/** One launched program under one debugger, with the cleanup a timed-out benchmark needs. */
export class BenchSession {
  private debuggeePid: number | undefined;
  private readonly adapterStderr: string[] = [];
  private ended: Promise<void> | undefined;

  private constructor(
    readonly client: DapClient,
    private readonly adapter: ChildProcess,
  ) {
    adapter.stderr?.on("data", (chunk: Buffer) => this.adapterStderr.push(chunk.toString()));
    client.connection.on("event", (event) => {
      if (event.event === "process") this.debuggeePid = event.body?.systemProcessId;
    });
  }

  /** Starts the adapter, and sends initialize, launch, the breakpoints and configurationDone. */
  static async launch(
    flavor: DapFlavor,
    program: string,
    args: string[],
    breakpoints: BreakpointSpec[],
    timeoutMs: number,
  ): Promise<BenchSession> {
    const adapter = flavor.spawnAdapter();
    const client = new DapClient(
      new DapConnection(adapter.stdout as never, adapter.stdin as never, flavor.name),
    );
    const session = new BenchSession(client, adapter);
    const byFile: Record<string, DebugProtocol.SourceBreakpoint[]> = {};
    for (const { file, line, condition } of breakpoints) {
      byFile[file] = [...(byFile[file] ?? []), condition ? { line, condition } : { line }];
    }
    try {
      const placed = await withTimeout(
        client.start("launch", flavor.launchArguments(program, args), byFile),
        timeoutMs,
        `${flavor.name} launch`,
      );
      const unverified = Object.values(placed)
        .flat()
        .find((bp) => !bp.verified);
      if (unverified) throw new Error(`breakpoint not verified: ${unverified.message ?? "no reason given"}`);
    } catch (error) {
      await session.close();
      throw session.explain(error as Error);
    }
    return session;
  }

  stdout(): string {
    return this.client.output("stdout");
  }

  /** The next `stopped` event; fails at once if the program ends or the adapter goes away first. */
  async nextStop(timeoutMs: number): Promise<DebugProtocol.StoppedEvent> {
    const stop = this.client.nextStop(timeoutMs);
    const ended = this.sessionEnd().then(() => {
      throw new Error("the program ended before it stopped");
    });
    try {
      return await Promise.race([stop, ended]);
    } catch (error) {
      throw this.explain(error as Error);
    }
  }

  /** Waits for the program to end on its own. */
  async waitForEnd(timeoutMs: number): Promise<void> {
    try {
      await withTimeout(this.sessionEnd(), timeoutMs, "waiting for the program to end");
    } catch (error) {
      throw this.explain(error as Error);
    }
  }

  /**
   * Resolves on `terminated`, rejects if the adapter closes the link first: one promise per
   * session, watching the raw connection (waitFor would consume the event a later wait needs).
   */
  private sessionEnd(): Promise<void> {
    this.ended ??= new Promise<void>((resolve, reject) => {
      const connection = this.client.connection;
      if (this.client.events.some((event) => event.event === "terminated")) resolve();
      connection.on("event", (event) => {
        if (event.event === "terminated") resolve();
      });
      connection.once("close", () => reject(new Error("the adapter closed the connection")));
    });
    this.ended.catch(() => {}); // a race loser must not become an unhandled rejection
    return this.ended;
  }

  /** Disconnects (ending the debuggee), then makes sure no process of this session is left. */
  async close(): Promise<void> {
    await withTimeout(this.client.disconnect(true), 3_000, "disconnect").catch(() => {});
    this.client.connection.close();
    if (this.adapter.exitCode === null && this.adapter.signalCode === null) this.adapter.kill("SIGKILL");
    killIfAlive(this.debuggeePid);
  }

  /** Adds what the debuggee and adapter said on stderr to an error, so the table shows why. */
  explain(error: Error): Error {
    const said = tail(this.client.output("stderr") || this.adapterStderr.join(""), 300);
    return said ? new Error(`${error.message}; stderr: ${said}`) : error;
  }
}
