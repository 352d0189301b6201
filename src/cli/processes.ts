// The processes a terminal session debugs, numbered as gdb numbers its inferiors: 1 is the program
// the session launched (or attached to), and each child Python process it starts becomes one more,
// with a DAP session of its own (the adapter asks for it with the reverse request startDebugging).
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DapClient } from "../client/client.js";
import { UsageError } from "./commands.js";
import type { CommandHandler } from "./debugger.js";
import type { SourceFile } from "./listing.js";

export type ProcessState = "running" | "stopped" | "ended";

/** A stop a process reported; `shown` once its location has been on the screen. */
export interface ProcessStop {
  body: DebugProtocol.StoppedEvent["body"];
  shown: boolean;
}

export class DebugProcess {
  state: ProcessState = "running";
  /** the stop it is in, while stopped */
  stop: ProcessStop | undefined;
  // what commands act on while this process is the current one
  threadId: number | undefined;
  frames: DebugProtocol.StackFrame[] = [];
  frameIndex = 0;
  exitCode: number | undefined;
  /** its `started` line has been printed */
  announced = false;
  /** source texts by path or by this adapter's source references */
  readonly sources = new Map<string, SourceFile | null>();
  private markEnded: () => void = () => {};
  /** resolves when the process has ended (or its session has) */
  readonly whenEnded = new Promise<void>((resolve) => {
    this.markEnded = resolve;
  });

  constructor(
    readonly number: number,
    readonly client: DapClient,
    private readonly given: { name?: string; pid?: number } = {},
  ) {}

  end(): void {
    this.state = "ended";
    this.stop = undefined;
    this.markEnded();
  }

  /** (a getter: the state changes under any await, as events come) */
  get ended(): boolean {
    return this.state === "ended";
  }

  /** The process's pid, as its session's `process` event (or the child announcement) gave it. */
  get pid(): number | undefined {
    const reported = this.processEvent?.systemProcessId;
    return typeof reported === "number" ? reported : this.given.pid;
  }

  /** A short name: the script's file name, else what the process was started with. */
  get name(): string {
    const reported = this.processEvent?.name;
    if (reported && !reported.startsWith("-") && !/\s/.test(reported)) return path.basename(reported);
    return this.given.name ?? "python";
  }

  /** `process 2: child_work.py (pid 1234)` */
  get title(): string {
    return `process ${this.number}: ${this.name}${this.pid !== undefined ? ` (pid ${this.pid})` : ""}`;
  }

  /** `process 2 (pid 1234)` */
  get shortTitle(): string {
    return `process ${this.number}${this.pid !== undefined ? ` (pid ${this.pid})` : ""}`;
  }

  private get processEvent(): DebugProtocol.ProcessEvent["body"] | undefined {
    return this.client.events.find((event) => event.event === "process")?.body;
  }
}

/**
 * A child's name from its startDebugging configuration, for when its session names none better:
 * `child_work.py (pid 12)` gives child_work.py; multiprocessing's `-c` code gives what it runs.
 */
export function childName(configuration: Record<string, unknown>): string | undefined {
  const name = typeof configuration.name === "string" ? configuration.name : "";
  const command = name.replace(/\s*\(pid \d+\)$/, "").trim();
  if (!command) return undefined;
  const multiprocessing = /\bmultiprocessing\.(\w+)/.exec(command);
  if (multiprocessing) return `multiprocessing ${multiprocessing[1]}`;
  if (/\s/.test(command)) return "python -c";
  return path.basename(command);
}

/** The process a child's configuration names (debugpy's and pdap's subProcessId). */
export function childPid(configuration: Record<string, unknown>): number | undefined {
  const pid = configuration.subProcessId ?? configuration.processId;
  return typeof pid === "number" ? pid : undefined;
}

// ----- commands ----------------------------------------------------------------------------------

const processes: CommandHandler = async (dbg) => {
  dbg.screen.info("  Num  Pid       State    Name");
  for (const process of dbg.processes) {
    const marker = process === dbg.current ? "*" : " ";
    dbg.screen.printFitted(
      `${marker} ${String(process.number).padEnd(5)}${String(process.pid ?? "?").padEnd(10)}` +
        `${process.state.padEnd(9)}${process.name}`,
    );
  }
  return "stay";
};

/** process N: commands act on process N from now on (it must be stopped); without N, the list. */
const processCommand: CommandHandler = async (dbg, arg) => {
  if (!arg) return processes(dbg, arg);
  const number = Number(arg);
  const process = dbg.processes.find((p) => p.number === number);
  if (!Number.isInteger(number) || !process)
    throw new UsageError(`no process ${arg}: 'processes' lists them`);
  if (process.state === "ended") throw new UsageError(`process ${number} has ended`);
  if (process.state === "running" || !process.stop) {
    throw new UsageError(`process ${number} is running: it comes up here when it stops`);
  }
  await dbg.present(process, process.stop, true);
  return "stay";
};

export const PROCESS_COMMANDS: Record<string, CommandHandler> = {
  processes,
  process: processCommand,
};
