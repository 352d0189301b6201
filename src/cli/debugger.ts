// The terminal debugger's state and loop: what stopped where, which thread and frame commands act
// on, and running each command line. A thin view over the DAP client: every fact comes from the
// adapter, nothing here knows how the program is traced.
import { existsSync, readFileSync } from "node:fs";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { adapterErrorTail } from "../client/adapterProcess.js";
import type { DapClient } from "../client/client.js";
import { DapError } from "../dap/connection.js";
import { type BreakpointEntry, BreakpointTable } from "./breakpoints.js";
import { COMMANDS, type CommandInfo, parseInput, UsageError } from "./commands.js";
import { formatListing, type SourceFile, splitSource } from "./listing.js";
import { displayPath } from "./paths.js";
import type { Prompt } from "./repl.js";
import { oneLineMessage, type Screen } from "./terminal.js";

export type Outcome = "stay" | "resume" | "quit";

/** How long q waits for a launched program to end after asking it to terminate. */
const QUIT_WAIT_MS = 3_000;

export type CommandHandler = (dbg: TerminalDebugger, arg: string) => Promise<Outcome | undefined>;

type Next = { kind: "stop"; body: DebugProtocol.StoppedEvent["body"] } | { kind: "end"; lost: boolean };

export interface SessionOptions {
  mode: "launch" | "attach";
  /** the program's main file, for `break 12` before anything is on the stack */
  programFile?: string;
  /** ends the process the CLI started for the adapter (runInTerminal), after the disconnect */
  endProgram?: () => Promise<void>;
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
}

export class TerminalDebugger {
  readonly breakpoints: BreakpointTable;
  threadId: number | undefined;
  frames: DebugProtocol.StackFrame[] = [];
  frameIndex = 0;
  /** where a bare `list` continues: the source and the next line to show */
  listCursor: { key: string; next: number } | undefined;
  /** display expressions and the value each showed last */
  readonly displays = new Map<string, string | undefined>();
  exceptionFilters: string[] = [];
  private readonly sources = new Map<string, SourceFile | null>();
  private readonly next = new AsyncQueue<Next>();
  private lastCommand: string | undefined;
  private exitCode: number | undefined;
  private quitting = false;
  /** set when the session ended while a stop was on the screen (an attached program killed) */
  private ended = false;
  running = true;
  private handlers: Record<string, CommandHandler> = {};

  constructor(
    readonly client: DapClient,
    readonly screen: Screen,
    readonly prompt: Prompt,
    readonly options: SessionOptions,
  ) {
    this.breakpoints = new BreakpointTable(client);
    client.connection.on("event", (event) => this.onEvent(event));
    client.connection.on("close", () => {
      if (!this.quitting) this.endSession(true);
    });
  }

  /** The command implementations, by command name (they live with the commands they belong to). */
  register(handlers: Record<string, CommandHandler>): void {
    this.handlers = { ...this.handlers, ...handlers };
  }

  get capabilities(): DebugProtocol.Capabilities {
    return this.client.capabilities;
  }

  // ----- events -------------------------------------------------------------------------------
  private onEvent(event: DebugProtocol.Event): void {
    const body = event.body ?? {};
    switch (event.event) {
      case "stopped":
        this.next.push({ kind: "stop", body });
        return;
      case "exited":
        this.exitCode = body.exitCode;
        return;
      case "terminated":
        this.endSession(false);
        return;
      case "output":
        this.printOutput(body as DebugProtocol.OutputEvent["body"]);
        return;
      case "breakpoint":
        this.breakpoints.applyEvent(body as DebugProtocol.BreakpointEvent["body"]);
        return;
      case "capabilities":
        Object.assign(this.client.capabilities, body.capabilities ?? {});
        return;
    }
  }

  /** The program or the adapter is gone; a prompt waiting for a command stops waiting. */
  private endSession(lost: boolean): void {
    this.ended = true;
    this.next.push({ kind: "end", lost });
    if (!this.running) this.prompt.cancel();
  }

  private printOutput(body: DebugProtocol.OutputEvent["body"]): void {
    if (body.category === "telemetry" || !body.output) return;
    const text = body.category === "stderr" ? this.screen.colour.red(body.output) : body.output;
    // while the program runs its own writes reach the terminal too: keep partial lines as they are
    if (this.running && !this.screen.printAbovePrompt) this.screen.out.write(text);
    else this.screen.print(text);
  }

  // ----- the loop -----------------------------------------------------------------------------
  /** Shows each stop and runs commands until the program ends or the user quits; the exit status. */
  async run(): Promise<number> {
    for (;;) {
      const next = await this.next.next();
      if (next.kind === "end") return this.finish(next.lost);
      this.running = false;
      try {
        await this.showStop(next.body);
      } catch (error) {
        this.screen.error(messageOf(error));
      }
      if ((await this.commandLoop()) === "quit") return 0;
    }
  }

  private async commandLoop(): Promise<Outcome> {
    for (;;) {
      const line = await this.prompt.read();
      if (line === null) return this.ended ? "resume" : this.quit(); // "resume": on to the end message
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

  private async finish(lost: boolean): Promise<number> {
    this.prompt.close();
    if (lost) {
      const tail = adapterErrorTail(this.client);
      this.screen.error(`the debug adapter went away${tail ? `: ${tail}` : ""}`);
      await this.options.endProgram?.();
      return 1;
    }
    if (this.exitCode !== undefined) this.screen.info(`The program exited with code ${this.exitCode}.`);
    else this.screen.info("The program ended.");
    this.quitting = true;
    await this.client.disconnect();
    await this.options.endProgram?.();
    return this.exitCode ?? 0;
  }

  /**
   * q: end a launched program, leave an attached one running. A launched program is asked to
   * terminate first and only then disconnected: a disconnect lets a stopped program run on for
   * a moment before it is killed, and that moment can run the rest of a short program.
   */
  async quit(): Promise<Outcome> {
    this.prompt.close();
    this.quitting = true;
    const launched = this.options.mode === "launch";
    if (launched && this.capabilities.supportsTerminateRequest && !this.client.connection.isClosed) {
      const ended = this.client.waitFor("terminated", () => true, QUIT_WAIT_MS).catch(() => undefined);
      await this.client.request("terminate").catch(() => undefined);
      await ended;
    }
    await this.client.disconnect(launched);
    await this.options.endProgram?.();
    if (!launched) this.screen.info("Detached; the program goes on running.");
    return "quit";
  }

  // ----- stops --------------------------------------------------------------------------------
  private async showStop(body: DebugProtocol.StoppedEvent["body"]): Promise<void> {
    this.listCursor = undefined;
    await this.breakpoints.clearUntil();
    this.threadId = body.threadId ?? this.threadId ?? (await this.client.threads())[0]?.id;
    await this.loadStack();
    const top = this.frames[0];
    const hit = this.breakpoints.hitBy(body, { file: top?.source?.path, line: top?.line ?? 0 });
    if (body.reason === "exception") await this.showException(body);
    await this.printFrame(top, this.stopLabel(body, hit, await this.otherThreadName()));
    await this.showDisplays();
    const temporary = hit.filter((entry) => entry.temporary);
    if (temporary.length > 0) {
      await this.breakpoints.remove(temporary);
      for (const entry of temporary)
        this.screen.info(`Deleted breakpoint ${entry.number} at ${this.placeOf(entry)}`);
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
    if (hit.length > 0) parts.push(`breakpoint ${hit.map((entry) => entry.number).join(", ")}`);
    else if (body.reason === "pause") parts.push("paused");
    else if (body.reason === "goto") parts.push("jumped");
    else if (body.reason.includes("breakpoint") && body.reason !== "breakpoint") parts.push(body.reason);
    if (thread) parts.push(`thread ${thread}`);
    return parts.length ? `  (${parts.join(", ")})` : "";
  }

  private async showException(body: DebugProtocol.StoppedEvent["body"]): Promise<void> {
    let text = body.text ?? body.description ?? "";
    if (this.capabilities.supportsExceptionInfoRequest && this.threadId !== undefined) {
      try {
        const info = await this.client.request<DebugProtocol.ExceptionInfoResponse["body"]>("exceptionInfo", {
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

  placeOfFrame(frame: DebugProtocol.StackFrame): string {
    const source = frame.source;
    const name = source?.path ? displayPath(source.path) : (source?.name ?? "?");
    return `${name}:${frame.line}`;
  }

  placeOf(entry: BreakpointEntry): string {
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
    const cached = this.sources.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const file = await this.loadSource(source);
    this.sources.set(key, file ?? null);
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
      const body = await this.client.request<DebugProtocol.SourceResponse["body"]>("source", {
        source,
        sourceReference: source.sourceReference,
      });
      return { name: source.name ?? "source", lines: splitSource(body.content) };
    } catch {
      return undefined;
    }
  }

  // ----- completion ---------------------------------------------------------------------------
  /** Tab: command names at the start of a line, then Python names from the adapter (or locals). */
  async complete(line: string): Promise<[string[], string]> {
    if (/^[a-z]*$/.test(line)) {
      const names = COMMANDS.flatMap((c) => [c.name, ...c.aliases]).filter((name) => name.startsWith(line));
      if (names.length > 0 || !line) return [names.sort(), line];
    }
    const input = parseInput(line);
    const code = input.kind === "python" ? line : input.kind === "command" ? input.arg : "";
    const word = /[A-Za-z_]\w*$/.exec(line)?.[0] ?? "";
    const names = await this.pythonCompletions(code, word);
    return [[...new Set(names)].sort(), word];
  }

  private async pythonCompletions(code: string, word: string): Promise<string[]> {
    if (!this.frame) return [];
    if (this.capabilities.supportsCompletionsRequest) {
      const { targets } = await this.client.request<DebugProtocol.CompletionsResponse["body"]>(
        "completions",
        {
          text: code,
          column: code.length + 1,
          frameId: this.frame.id,
        },
      );
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

  /** Lets the program run with a DAP command; the prompt gives the terminal back first. */
  async resume(command: string, args: object): Promise<Outcome> {
    this.prompt.close();
    this.running = true;
    try {
      await this.client.request(command, args);
    } catch (error) {
      this.running = false;
      throw error;
    }
    return "resume";
  }

  requireThread(): number {
    if (this.threadId === undefined) throw new UsageError("no thread is stopped");
    return this.threadId;
  }

  /** SIGINT to the launched program's process: KeyboardInterrupt, as without a debugger. */
  interruptProgram(): boolean {
    const process_ = this.client.events.find((event) => event.event === "process")?.body;
    const pid = process_?.systemProcessId;
    if (typeof pid !== "number" || process_?.isLocalProcess === false) return false;
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

function sourceKey(source: DebugProtocol.Source): string {
  return source.path ?? `ref:${source.sourceReference ?? 0}:${source.name ?? ""}`;
}

export function messageOf(error: unknown): string {
  if (error instanceof UsageError || error instanceof DapError) return error.message;
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}
