// The terminal debugger's state and loop: what stopped where, which process, thread and frame
// commands act on, and running each command line. A thin view over DAP clients (one session for
// the program, one for each child process it starts): every fact comes from an adapter, nothing
// here knows how the program is traced.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { adapterErrorTail } from "../client/adapterProcess.js";
import type { DapClient } from "../client/client.js";
import { DapError } from "../dap/connection.js";
import { ErrorId } from "../protocol/errors.js";
import type { ArgumentsOf, Command } from "../protocol/requests.js";
import { type BreakpointEntry, BreakpointTable } from "./breakpoints.js";
import { COMMANDS, type CommandInfo, parseInput, UsageError } from "./commands.js";
import { EXIT_FAILED } from "./exitCodes.js";
import { breakLocationWord, completeFileNames } from "./fileCompletion.js";
import { formatListing, type SourceFile, splitSource } from "./listing.js";
import { displayPath } from "./paths.js";
import { childName, childPid, DebugProcess, type ProcessStop } from "./processes.js";
import type { Prompt } from "./repl.js";
import { oneLineMessage, type Screen } from "./terminal.js";

export type Outcome = "stay" | "resume" | "quit";

/** What pdap's agent tells a client that another one replaced (agent.py, _take_over). */
const TAKEOVER_NOTE = /^pdap: another client attached to this process/;

/** How long q waits for a launched program to end after asking it to terminate. */
const QUIT_WAIT_MS = 3_000;
/** How long the end of the program waits for children already gone to report their end. */
const CHILD_END_WAIT_MS = 1_000;

export type CommandHandler = (dbg: TerminalDebugger, arg: string) => Promise<Outcome | undefined>;

/** What the loop waits for: a process stopped, or one ended (the program's end ends the session). */
type Next =
  | { kind: "stop"; process: DebugProcess; stop: ProcessStop }
  | { kind: "end"; process: DebugProcess; lost: boolean };

export interface SessionOptions {
  mode: "launch" | "attach";
  /** the program's main file, for `break 12` before anything is on the stack */
  programFile?: string;
  /** ends the process the CLI started for the adapter (runInTerminal), after the disconnect */
  endProgram?: () => Promise<void>;
  /**
   * A session for a child process (startDebugging), given its configuration: a new adapter, or
   * the one the configuration names. Without it children run undebugged.
   */
  startChildAdapter?: (configuration: Record<string, unknown>) => Promise<DapClient>;
  /** the program has ended: until its last output is shown */
  settleProgram?: () => Promise<void>;
  /** the program starts or stops running (the keyboard is the program's only while it runs) */
  onRunning?: (running: boolean) => void;
}

class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next item if one is waiting, without waiting. */
  take(): T | undefined {
    return this.items.shift();
  }
}

export class TerminalDebugger {
  readonly breakpoints: BreakpointTable;
  /** every process of the session, ended ones too: 1 is the program, then its children in order */
  readonly processes: DebugProcess[] = [];
  /** the program the session launched or attached to */
  readonly main: DebugProcess;
  /** the process commands act on */
  current: DebugProcess;
  /** the process whose stop was shown last: a stop elsewhere says which process it is in */
  private shownProcess: DebugProcess;
  private nextProcessNumber = 1;
  /** where a bare `list` continues: the source and the next line to show */
  listCursor: { key: string; next: number } | undefined;
  /** display expressions and the value each showed last */
  readonly displays = new Map<string, string | undefined>();
  exceptionFilters: string[] = [];
  private readonly next = new AsyncQueue<Next>();
  private readonly stopListeners: Array<() => void> = [];
  private lastCommand: string | undefined;
  private quitting = false;
  /** set when the program's session ended while a stop was on the screen (an attached program killed) */
  private ended = false;
  private isRunning = true;
  /** the agent said another client took over this session (the program goes on) */
  private takenOver = false;
  /** the prompt's read opened while an attached program runs: the next stop's first command */
  private runningRead: Promise<string | null> | undefined;
  private handlers: Record<string, CommandHandler> = {};

  constructor(
    client: DapClient,
    readonly screen: Screen,
    readonly prompt: Prompt,
    readonly options: SessionOptions,
  ) {
    this.breakpoints = new BreakpointTable(client);
    this.main = this.addProcess(client, {
      name: options.programFile ? path.basename(options.programFile) : undefined,
    });
    this.current = this.main;
    this.shownProcess = this.main;
  }

  /** No prompt is open: the debugger waits for a stop (the program owns the terminal). */
  get running(): boolean {
    return this.isRunning;
  }
  set running(running: boolean) {
    if (running === this.isRunning) return;
    this.isRunning = running;
    this.options.onRunning?.(running);
  }

  /** The command implementations, by command name (they live with the commands they belong to). */
  register(handlers: Record<string, CommandHandler>): void {
    this.handlers = { ...this.handlers, ...handlers };
  }

  /** The session of the current process: the commands' requests go there. */
  get client(): DapClient {
    return this.current.client;
  }

  get capabilities(): DebugProtocol.Capabilities {
    return this.client.capabilities;
  }

  // the current process's thread and frames
  get threadId(): number | undefined {
    return this.current.threadId;
  }
  set threadId(id: number | undefined) {
    this.current.threadId = id;
  }
  get frames(): DebugProtocol.StackFrame[] {
    return this.current.frames;
  }
  set frames(frames: DebugProtocol.StackFrame[]) {
    this.current.frames = frames;
  }
  get frameIndex(): number {
    return this.current.frameIndex;
  }
  set frameIndex(index: number) {
    this.current.frameIndex = index;
  }

  /** Called at every stop of any process (Ctrl-C counting starts again). */
  onStopped(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  private addProcess(client: DapClient, given: { name?: string; pid?: number }): DebugProcess {
    const process = new DebugProcess(this.nextProcessNumber++, client, given);
    this.processes.push(process);
    client.connection.on("event", (event) => this.onEvent(process, event));
    client.connection.on("close", () => {
      if (!this.quitting) this.processEnded(process, true);
    });
    const start = this.options.startChildAdapter;
    if (start) {
      client.connection.onRequest("startDebugging", (args) => this.startChild(start, args));
    }
    return process;
  }

  // ----- child processes ----------------------------------------------------------------------
  /**
   * startDebugging: a child process waits for a session of its own. A new adapter attaches to it
   * with the breakpoints and exception stops the user has set; the adapter hears back once the
   * child is attached (or why not: the child then runs on undebugged).
   */
  private async startChild(
    startAdapter: (configuration: Record<string, unknown>) => Promise<DapClient>,
    args: DebugProtocol.StartDebuggingRequestArguments,
  ): Promise<undefined> {
    if (this.quitting || this.main.state === "ended")
      throw new DapError("the debugger is ending", { id: ErrorId.startFailed });
    const configuration = args.configuration ?? {};
    let client: DapClient;
    try {
      client = await startAdapter(configuration);
    } catch (error) {
      const message = `cannot debug child process ${childPid(configuration) ?? ""}: ${messageOf(error)}`;
      this.screen.error(message);
      throw new DapError(message, { id: ErrorId.startFailed });
    }
    const process = this.addProcess(client, { name: childName(configuration), pid: childPid(configuration) });
    try {
      await client.begin(args.request === "launch" ? "launch" : "attach", configuration, {
        configure: () => this.configureChild(process),
      });
    } catch (error) {
      this.forget(process);
      await client.disconnect(false);
      const tail = adapterErrorTail(client);
      const message = `${messageOf(error)}${tail && !messageOf(error).includes(tail) ? ` (${tail})` : ""}`;
      if (!this.quitting) this.screen.error(`cannot debug child process ${process.pid ?? ""}: ${message}`);
      throw new DapError(message, { id: ErrorId.startFailed });
    }
    if (this.quitting || this.main.ended) {
      this.forget(process);
      await client.disconnect(false);
      throw new DapError("the debugger is ending", { id: ErrorId.startFailed });
    }
    this.announce(process);
    return undefined;
  }

  /** A child's first line: once attached, or at its first stop if that comes first (debugpy's order). */
  private announce(process: DebugProcess): void {
    if (process.announced || process.ended || process === this.main) return;
    process.announced = true;
    this.screen.info(`${process.shortTitle} started: ${process.name}`);
  }

  /** Before a child's configurationDone: the session's breakpoints and exception stops. */
  private async configureChild(process: DebugProcess): Promise<void> {
    await this.breakpoints.addSession(process.client);
    if ((process.client.capabilities.exceptionBreakpointFilters ?? []).length > 0) {
      await process.client.request("setExceptionBreakpoints", { filters: this.exceptionFilters });
    }
  }

  /** A child whose session never started: out of the list, quietly. */
  private forget(process: DebugProcess): void {
    process.end();
    this.breakpoints.removeSession(process.client);
    const index = this.processes.indexOf(process);
    if (index >= 0) this.processes.splice(index, 1);
  }

  /** The sessions still going, the program's first. */
  get liveProcesses(): DebugProcess[] {
    return this.processes.filter((process) => process.state !== "ended");
  }

  /**
   * Sends a request to every live session (exception filters): the program's answer is the
   * command's, a child that fails (it may be ending) is left as it is.
   */
  async requestAll<K extends Command>(command: K, args: ArgumentsOf<K>): Promise<void> {
    const children = this.liveProcesses.filter((process) => process !== this.main);
    await Promise.all([
      this.main.client.request(command, args),
      ...children.map((process) => process.client.request(command, args).catch(() => undefined)),
    ]);
  }

  // ----- events -------------------------------------------------------------------------------
  private onEvent(process: DebugProcess, event: DebugProtocol.Event): void {
    const body = event.body ?? {};
    switch (event.event) {
      case "stopped":
        this.processStopped(process, body);
        return;
      case "exited":
        process.exitCode = body.exitCode;
        return;
      case "terminated":
        this.processEnded(process, false);
        return;
      case "output":
        if (process === this.main && TAKEOVER_NOTE.test(String(body.output ?? ""))) {
          this.takenOver = true; // said once, at the end, instead of "The program ended."
          return;
        }
        // a child of a launched program writes to this terminal itself: what its agent copies is no news
        if (process !== this.main && this.options.mode === "launch" && isProgramOutput(body)) return;
        this.printOutput(body as DebugProtocol.OutputEvent["body"]);
        return;
      case "breakpoint":
        this.breakpoints.applyEvent(body as DebugProtocol.BreakpointEvent["body"], process.client);
        if (process === this.main) void this.dropEndedWatches();
        return;
      case "capabilities":
        Object.assign(process.client.capabilities, body.capabilities ?? {});
        return;
    }
  }

  private processStopped(process: DebugProcess, body: DebugProtocol.StoppedEvent["body"]): void {
    if (process.state === "ended") return;
    this.announce(process);
    const stop: ProcessStop = { body, shown: false };
    process.state = "stopped";
    process.stop = stop;
    this.next.push({ kind: "stop", process, stop });
    for (const listener of this.stopListeners) listener();
    // the user is busy with another process: say so, and keep the stop for later
    if (!this.running && process !== this.current) {
      this.screen.info(
        `${process.shortTitle} stopped (${body.reason}): 'process ${process.number}' switches to it`,
      );
    }
  }

  /**
   * A process is gone. The program's end ends the session (a prompt waiting for a command stops
   * waiting); a child's is one line, and its session is closed.
   */
  private processEnded(process: DebugProcess, lost: boolean): void {
    if (process.state === "ended") return;
    process.end();
    if (process === this.main) {
      this.ended = true;
      this.next.push({ kind: "end", process, lost });
      if (!this.running && this.current === this.main) this.prompt.cancel();
      else if (!this.running) this.screen.info(this.exitLine(process, lost));
      return;
    }
    this.breakpoints.removeSession(process.client);
    if (!this.quitting) {
      this.screen.info(this.exitLine(process, lost));
      void process.client.disconnect();
    }
    // its prompt (if it was the current one) gives way; the loop finds what comes next
    if (!this.running && process === this.current) this.prompt.interrupt();
    this.next.push({ kind: "end", process, lost });
  }

  private exitLine(process: DebugProcess, lost: boolean): string {
    if (lost) {
      const tail = adapterErrorTail(process.client);
      return `${process.shortTitle}: its debug adapter went away${tail ? `: ${tail}` : ""}`;
    }
    return process.exitCode !== undefined
      ? `${process.shortTitle} exited with code ${process.exitCode}`
      : `${process.shortTitle} exited`;
  }

  private printOutput(body: DebugProtocol.OutputEvent["body"]): void {
    if (body.category === "telemetry" || !body.output) return;
    const text = body.category === "stderr" ? this.screen.colour.red(body.output) : body.output;
    // while the program runs its own writes reach the terminal too: keep partial lines as they are
    if (this.running && !this.screen.printAbovePrompt) this.screen.out.write(text);
    else this.screen.print(text);
  }

  // ----- the loop -----------------------------------------------------------------------------
  /**
   * Shows each stop, of whichever process, and runs commands until the program ends or the user
   * quits; the exit status.
   */
  async run(): Promise<number> {
    this.options.onRunning?.(this.running);
    for (;;) {
      const next = await this.whileRunning(this.nextToShow());
      if (next === "quit") return 0;
      if (next.kind === "end") {
        if (next.process === this.main) return this.finish(next.lost);
        if (next.process === this.current) this.current = this.liveProcesses[0] ?? this.main;
        continue;
      }
      await this.present(next.process, next.stop, false);
      if ((await this.commandLoop()) === "quit") return 0;
    }
  }

  /**
   * Waits for `next`. An attached program is not on this terminal, so the prompt stays open while
   * it runs: q (or Ctrl-D) detaches at once, Ctrl-C pauses; a line typed while running that is
   * not a quit is answered with what can be done. A launched program has the keyboard instead.
   */
  private async whileRunning(next: Promise<Next>): Promise<Next | "quit"> {
    // -c commands are for the first stop, not for a program that runs
    if (this.options.mode !== "attach" || !this.prompt.interactive || this.prompt.hasQueued) return next;
    const stopped = next.then((item) => ({ item }));
    for (;;) {
      this.runningRead ??= this.prompt.read();
      const first = await Promise.race([stopped, this.runningRead.then((line) => ({ line }))]);
      if ("item" in first) return first.item; // the read goes on as the stop's first command
      this.runningRead = undefined;
      const input = first.line === null ? undefined : parseInput(first.line);
      if (first.line === null && this.ended) return next;
      if (first.line === null || (input?.kind === "command" && input.command.name === "quit")) {
        await this.quit();
        return "quit";
      }
      if (input?.kind !== "empty") this.screen.error("the program is running: Ctrl-C pauses it, q detaches");
    }
  }

  /**
   * What the loop shows next: a stop or an end in the order they came; with none waiting, a
   * process that is still stopped (its stop seen before, the user went on with another one);
   * else the next thing to happen.
   */
  private async nextToShow(): Promise<Next> {
    for (;;) {
      const queued = this.next.take();
      if (queued) {
        if (!isStale(queued)) return queued;
        continue;
      }
      const stopped = this.liveProcesses.find((process) => process.state === "stopped" && process.stop);
      if (stopped?.stop) return { kind: "stop", process: stopped, stop: stopped.stop };
      const next = await this.next.next();
      if (!isStale(next)) return next;
    }
  }

  /**
   * Makes `process` the current one and shows where it is stopped: the stop itself the first
   * time (breakpoint numbers, exception, displays), its selected frame after that. A stop in
   * another process than the last one shown (and `process N`) first says which process it is.
   */
  async present(process: DebugProcess, stop: ProcessStop, always = false): Promise<void> {
    const switched = process !== this.shownProcess;
    this.current = process;
    this.shownProcess = process;
    this.running = false;
    if (switched) this.listCursor = undefined;
    if (always || switched) {
      this.screen.printParts([[`[${process.title}]`, this.screen.colour.bold]]);
    }
    try {
      if (!stop.shown) {
        stop.shown = true;
        await this.showStop(stop.body);
      } else {
        await this.printFrame(this.frame);
      }
    } catch (error) {
      this.screen.error(messageOf(error));
    }
  }

  private async commandLoop(): Promise<Outcome> {
    for (;;) {
      if (this.current.state === "ended") return "resume"; // on to what comes next
      const pending = this.runningRead;
      this.runningRead = undefined;
      const line = await (pending ?? this.prompt.read());
      if (line === null) {
        // "resume": on to the end message, or to the next process
        return this.ended || this.current.ended ? "resume" : this.quit();
      }
      const outcome = await this.execute(line);
      if (outcome !== "stay") return outcome;
    }
  }

  /** Runs one line; a failing command prints one line and the session goes on. */
  async execute(line: string): Promise<Outcome> {
    let input = parseInput(line);
    if (input.kind === "empty") {
      if (!this.lastCommand) return "stay";
      input = parseInput(this.lastCommand);
    }
    try {
      if (input.kind === "python") return await this.runPython(input.code);
      if (input.kind === "command") {
        this.lastCommand = input.text;
        return await this.runCommand(input.command, input.arg);
      }
    } catch (error) {
      this.screen.error(messageOf(error));
    }
    return "stay";
  }

  private async runCommand(command: CommandInfo, arg: string): Promise<Outcome> {
    const handler = this.handlers[command.name];
    if (!handler) throw new UsageError(`'${command.name}' is not available`);
    return (await handler(this, arg)) ?? "stay";
  }

  /** Any other input: Python in the current frame, printed as a Python prompt would. */
  async runPython(code: string): Promise<Outcome> {
    const { result } = await this.evaluate(code, "repl");
    // a statement or a call returning None shows nothing, as at a Python prompt
    const shown = result === "None" ? "" : result.replace(/\nNone$/, "");
    if (shown) this.screen.print(shown);
    return "stay";
  }

  /** The program ended: so does the session; child processes still going are let go (they run on). */
  private async finish(lost: boolean): Promise<number> {
    // a prompt open while the program ran ends its line before the last words
    if (this.runningRead) this.prompt.cancel();
    else this.prompt.close();
    const main = this.main.client;
    if (lost) {
      const tail = adapterErrorTail(main);
      this.screen.error(`the debug adapter went away${tail ? `: ${tail}` : ""}`);
      this.quitting = true;
      await this.disconnectChildren(false);
      await this.options.endProgram?.();
      return EXIT_FAILED;
    }
    await this.settleChildren();
    await this.options.settleProgram?.();
    const exitCode = this.main.exitCode;
    if (exitCode !== undefined) this.screen.info(`The program exited with code ${exitCode}.`);
    else if (this.takenOver)
      this.screen.info("Another client took the session over; the program goes on running.");
    else this.screen.info("The program ended.");
    this.quitting = true;
    await this.disconnectChildren(false);
    await main.disconnect();
    await this.options.endProgram?.();
    return exitCode ?? 0;
  }

  /**
   * q: end a launched program, leave an attached one running. A launched program is asked to
   * terminate first and only then disconnected: a disconnect lets a stopped program run on for
   * a moment before it is killed, and that moment can run the rest of a short program. Child
   * processes follow the program: ended with a launched one (after it, so that it cannot carry
   * on past their end), left running with an attached one; none stays stopped.
   */
  async quit(): Promise<Outcome> {
    this.prompt.close();
    this.quitting = true;
    const launched = this.options.mode === "launch";
    const main = this.main.client;
    if (launched && main.capabilities.supportsTerminateRequest && !main.connection.isClosed) {
      const ended = main.waitFor("terminated", () => true, QUIT_WAIT_MS).catch(() => undefined);
      await main.request("terminate").catch(() => undefined);
      await ended;
    }
    await this.disconnectChildren(launched);
    await main.disconnect(launched);
    await this.options.endProgram?.();
    if (!launched) this.screen.info("Detached; the program goes on running.");
    return "quit";
  }

  /**
   * A child that ended just before the program may not have said so yet (its session learns it
   * a moment later): its end line comes before the program's. Children still running are not
   * waited for.
   */
  private async settleChildren(): Promise<void> {
    if (this.options.mode !== "launch") return;
    const gone = this.liveProcesses.filter(
      (process) => process !== this.main && process.pid !== undefined && !processExists(process.pid),
    );
    if (gone.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CHILD_END_WAIT_MS);
    });
    await Promise.race([Promise.all(gone.map((process) => process.whenEnded)), deadline]);
    clearTimeout(timer);
  }

  private async disconnectChildren(terminateDebuggee: boolean): Promise<void> {
    const children = this.processes.filter((process) => process !== this.main);
    await Promise.all(children.map((process) => process.client.disconnect(terminateDebuggee)));
  }

  /** A watch of a local whose frame returned: gone, as gdb deletes such a watchpoint. */
  private async dropEndedWatches(): Promise<void> {
    const ended = this.breakpoints.all.filter((entry) => entry.watch && !entry.verified && entry.message);
    if (ended.length === 0) return;
    for (const entry of ended) this.screen.info(`Watchpoint ${entry.number} deleted: ${entry.message}`);
    await this.breakpoints.remove(ended).catch(() => undefined);
  }

  // ----- stops --------------------------------------------------------------------------------
  private async showStop(body: DebugProtocol.StoppedEvent["body"]): Promise<void> {
    this.listCursor = undefined;
    await this.breakpoints.clearUntil(this.client);
    this.threadId = body.threadId ?? this.threadId ?? (await this.client.threads())[0]?.id;
    await this.loadStack();
    const top = this.frames[0];
    const hit = this.breakpoints.hitBy(body, { file: top?.source?.path, line: top?.line ?? 0 }, this.client);
    if (body.reason === "exception") await this.showException(body);
    await this.printFrame(top, this.stopLabel(body, hit, await this.otherThreadName()));
    await this.showDisplays();
    const temporary = hit.filter((entry) => entry.temporary);
    if (temporary.length > 0) {
      await this.breakpoints.remove(temporary);
      for (const entry of temporary) this.screen.info(`Deleted ${this.nameOf(entry)}`);
    }
  }

  /** "2 worker" when the stop is not in the program's first thread (the main one), else "". */
  private async otherThreadName(): Promise<string> {
    try {
      const threads = await this.client.threads();
      if (threads.length < 2 || threads[0].id === this.threadId) return "";
      const thread = threads.find((t) => t.id === this.threadId);
      return thread ? `${thread.id} ${thread.name}` : "";
    } catch {
      return "";
    }
  }

  private stopLabel(
    body: DebugProtocol.StoppedEvent["body"],
    hit: BreakpointEntry[],
    thread: string,
  ): string {
    const parts: string[] = [];
    const watches = hit.filter((entry) => entry.watch);
    const lines = hit.filter((entry) => !entry.watch);
    if (lines.length > 0) parts.push(`breakpoint ${lines.map((entry) => entry.number).join(", ")}`);
    if (watches.length > 0) {
      const change = body.description ? `, ${body.description}` : "";
      parts.push(`watchpoint ${watches.map((entry) => entry.number).join(", ")}${change}`);
    } else if (body.reason === "data breakpoint" && body.description) parts.push(body.description);
    else if (hit.length > 0) {
      // a line breakpoint: said above
    } else if (body.reason === "pause") parts.push("paused");
    else if (body.reason === "goto") parts.push("jumped");
    else if (body.reason.includes("breakpoint") && body.reason !== "breakpoint") parts.push(body.reason);
    if (this.frames.some((frame) => frame.presentationHint === "label") && body.description)
      parts.push(body.description); // step back: the recorded moment shown
    else if (body.description?.startsWith("back at the present")) parts.push("back at the present");
    if (thread) parts.push(`thread ${thread}`);
    return parts.length ? `  (${parts.join(", ")})` : "";
  }

  private async showException(body: DebugProtocol.StoppedEvent["body"]): Promise<void> {
    let text = body.text ?? body.description ?? "";
    if (this.capabilities.supportsExceptionInfoRequest && this.threadId !== undefined) {
      try {
        const info = await this.client.request("exceptionInfo", {
          threadId: this.threadId,
        });
        const description = info.description ?? "";
        text = description.startsWith(info.exceptionId) ? description : `${info.exceptionId}: ${description}`;
      } catch {
        // the event's text is still there
      }
    }
    this.screen.printParts([
      ["Exception: ", this.screen.colour.red],
      [oneLineMessage(text) || "(no details)"],
    ]);
  }

  async loadStack(): Promise<void> {
    if (this.threadId === undefined) throw new UsageError("no thread is stopped");
    const { stackFrames } = await this.client.stackTrace(this.threadId);
    this.frames = stackFrames;
    this.frameIndex = 0;
  }

  get frame(): DebugProtocol.StackFrame | undefined {
    return this.frames[this.frameIndex];
  }

  requireFrame(): DebugProtocol.StackFrame {
    const frame = this.frame;
    if (!frame) throw new UsageError("no frame to look at here");
    return frame;
  }

  /** `> main() at app.py:12  (breakpoint 1)` and the line itself, as pdb shows a stop. */
  async printFrame(frame: DebugProtocol.StackFrame | undefined, label = ""): Promise<void> {
    const { colour } = this.screen;
    if (!frame) {
      this.screen.info(`> (no Python frames)${label}`);
      return;
    }
    this.screen.printParts([
      ["> ", colour.bold],
      [frameName(frame), colour.bold],
      [" at "],
      [this.placeOfFrame(frame), colour.cyan],
      [label, colour.yellow],
    ]);
    const file = await this.sourceOf(frame);
    if (!file || frame.line < 1 || frame.line > file.lines.length) return;
    const marks = { current: frame.line, breakpoints: this.marksFor(frame) };
    for (const line of formatListing(file, frame.line, frame.line, marks, colour, this.screen.width)) {
      this.screen.print(line);
    }
  }

  marksFor(frame: DebugProtocol.StackFrame): Map<number, string> {
    const path = frame.source?.path;
    return path ? this.breakpoints.marks(path) : new Map();
  }

  /** "breakpoint 2 at app.py:7", "watchpoint 3: total" (for messages about one entry) */
  nameOf(entry: BreakpointEntry): string {
    if (entry.watch) return `watchpoint ${entry.number}: ${entry.watch.expression}`;
    return `breakpoint ${entry.number} at ${this.placeOf(entry)}`;
  }

  placeOfFrame(frame: DebugProtocol.StackFrame): string {
    const source = frame.source;
    const name = source?.path ? displayPath(source.path) : (source?.name ?? "?");
    return `${name}:${frame.line}`;
  }

  placeOf(entry: BreakpointEntry): string {
    if (entry.watch) return entry.watch.expression;
    if (entry.file === undefined) return `function ${entry.functionName}`;
    return `${displayPath(entry.file)}:${entry.actualLine ?? entry.line}`;
  }

  async showDisplays(): Promise<void> {
    for (const [expression, old] of this.displays) {
      const value = await this.displayValue(expression);
      if (value === old) continue;
      this.displays.set(expression, value);
      const suffix = old === undefined ? "" : `  [old: ${old}]`;
      this.screen.printFitted(`display ${expression}: ${value}${suffix}`);
    }
  }

  async displayValue(expression: string): Promise<string> {
    try {
      return (await this.evaluate(expression, "watch")).result;
    } catch (error) {
      return `** ${oneLineMessage(messageOf(error))} **`;
    }
  }

  // ----- sources ------------------------------------------------------------------------------
  /** The text of a frame's source: the local file, or the adapter's copy (remote, generated). */
  async sourceOf(frame: DebugProtocol.StackFrame): Promise<SourceFile | undefined> {
    const source = frame.source;
    if (!source) return undefined;
    const key = sourceKey(source);
    const sources = this.current.sources;
    const cached = sources.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const file = await this.loadSource(source);
    sources.set(key, file ?? null);
    return file;
  }

  private async loadSource(source: DebugProtocol.Source): Promise<SourceFile | undefined> {
    if (source.path && existsSync(source.path)) {
      try {
        return { name: source.path, lines: splitSource(readFileSync(source.path, "utf8")) };
      } catch {
        // unreadable here: the adapter may still have it
      }
    }
    if (!source.sourceReference) return undefined;
    try {
      const body = await this.client.request("source", {
        source,
        sourceReference: source.sourceReference,
      });
      return { name: source.name ?? "source", lines: splitSource(body.content) };
    } catch {
      return undefined;
    }
  }

  /** Commands this session's adapter cannot carry out: left out of help and completion. */
  unavailableCommands(): Set<string> {
    const unavailable = new Set<string>();
    if (!this.capabilities.supportsGotoTargetsRequest) unavailable.add("jump");
    if (!this.capabilities.supportsDataBreakpoints) unavailable.add("watch");
    if (!this.capabilities.supportsStepBack)
      for (const name of ["rstep", "rnext", "rcontinue", "record", "history"]) unavailable.add(name);
    return unavailable;
  }

  // ----- completion ---------------------------------------------------------------------------
  /** Tab: command names at the start of a line, then Python names from the adapter (or locals). */
  async complete(line: string): Promise<[string[], string]> {
    if (/^[a-z]*$/.test(line)) {
      const unavailable = this.unavailableCommands();
      const names = COMMANDS.filter((c) => !unavailable.has(c.name))
        .flatMap((c) => [c.name, ...c.aliases])
        .filter((name) => name.startsWith(line));
      if (names.length > 0 || !line) return [names.sort(), line];
    }
    const input = parseInput(line);
    const code = input.kind === "python" ? line : input.kind === "command" ? input.arg : "";
    const word = /[A-Za-z_]\w*$/.exec(line)?.[0] ?? "";
    const location = breakLocationWord(line);
    if (location !== undefined) {
      // a file (b app.py:12) or a function (b main): both complete
      const files = completeFileNames(location, process.cwd());
      const functions = location === word ? await this.pythonCompletions(code, word).catch(() => []) : [];
      return [[...new Set([...files, ...functions])].sort(), location];
    }
    const names = await this.pythonCompletions(code, word);
    return [[...new Set(names)].sort(), word];
  }

  private async pythonCompletions(code: string, word: string): Promise<string[]> {
    if (!this.frame) return [];
    if (this.capabilities.supportsCompletionsRequest) {
      const { targets } = await this.client.request("completions", {
        text: code,
        column: code.length + 1,
        frameId: this.frame.id,
      });
      return targets.map((target) => target.text ?? target.label).filter((text) => text.startsWith(word));
    }
    if (!word || /\.\w*$/.test(code)) return [];
    const scopes = await this.client.scopes(this.frame.id);
    const names: string[] = [];
    for (const scope of scopes.filter((s) => !s.expensive)) {
      for (const variable of await this.client.variables(scope.variablesReference)) names.push(variable.name);
    }
    return names.filter((name) => name.startsWith(word));
  }

  // ----- helpers the commands share -----------------------------------------------------------
  evaluate(expression: string, context: "repl" | "watch" | "hover" | "clipboard") {
    return this.client.evaluate(expression, this.frame?.id, context);
  }

  /**
   * Lets the current process run with a DAP command (the others stay as they are); the prompt
   * gives the terminal back first.
   */
  /**
   * restart: the adapter ends the program and starts it again with the same configuration and
   * breakpoints (DAP restart); the children of the old program end with it.
   */
  async restart(): Promise<Outcome> {
    if (this.options.mode !== "launch") {
      throw new UsageError("restart is for a program pdap run started: to attach again, q and pdap attach");
    }
    if (!this.main.client.capabilities.supportsRestartRequest) {
      throw new UsageError("this debug adapter cannot restart the program");
    }
    for (const child of this.liveProcesses.filter((process) => process !== this.main)) {
      child.end();
      this.breakpoints.removeSession(child.client);
      void child.client.disconnect(true);
    }
    this.current = this.main;
    this.screen.info("restarting the program");
    const outcome = await this.resume("restart", {});
    await this.breakpoints.resendAll();
    return outcome;
  }

  async resume<K extends Command>(command: K, args: ArgumentsOf<K>): Promise<Outcome> {
    const process = this.current;
    const stop = process.stop;
    this.prompt.close();
    this.running = true;
    // before the request: the next stop may come before its response
    process.state = "running";
    process.stop = undefined;
    try {
      await this.client.request(command, args);
    } catch (error) {
      this.running = false;
      if (process.state === "running" && process.stop === undefined) {
        process.state = "stopped";
        process.stop = stop;
      }
      throw error;
    }
    return "resume";
  }

  requireThread(): number {
    if (this.threadId === undefined) throw new UsageError("no thread is stopped");
    return this.threadId;
  }

  /**
   * SIGINT to the current process (the launched program or a child of it, on this machine):
   * KeyboardInterrupt, as without a debugger.
   */
  interruptProgram(): boolean {
    const main = this.main.client.events.find((event) => event.event === "process")?.body;
    const pid = this.current.pid;
    if (typeof pid !== "number" || this.current.state === "ended" || main?.isLocalProcess === false) {
      return false;
    }
    try {
      process.kill(pid, "SIGINT");
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the program to stop where it is (Ctrl-C while it runs). */
  async pause(): Promise<void> {
    const threadId = this.threadId ?? (await this.client.threads())[0]?.id ?? 1;
    await this.client.request("pause", { threadId });
  }
}

export function frameName(frame: DebugProtocol.StackFrame): string {
  return frame.name.includes("(") ? frame.name : `${frame.name}()`;
}

/** A queued stop already dealt with: the process went on, or its stop was shown by `process N`. */
function isStale(next: Next): boolean {
  return next.kind === "stop" && (next.process.stop !== next.stop || next.stop.shown);
}

/** Whether a local process is still there (a zombie counts as gone). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc (macOS): it answered the signal
  }
}

function isProgramOutput(body: { category?: string }): boolean {
  return body.category === "stdout" || body.category === "stderr";
}

function sourceKey(source: DebugProtocol.Source): string {
  return source.path ?? `ref:${source.sourceReference ?? 0}:${source.name ?? ""}`;
}

export function messageOf(error: unknown): string {
  if (error instanceof UsageError || error instanceof DapError) return error.message;
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}
