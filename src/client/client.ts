// A DAP client library: the terminal debugger, the web UI and the tests drive sessions with it.

import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapConnection } from "../dap/connection.js";
import { findUp } from "../installLayout.js";
import type { ArgumentsOf, BodyOf, Command } from "../protocol/requests.js";

/** The `pdap` command of this installation (a checkout or the npm package). */
export const PDAP_BIN = findUp(path.join("bin", "pdap.cjs")) ?? "pdap";

type EventName = string;

/** What the client tells the adapter it can do, beyond what every client here does. */
export interface InitializeOptions {
  supportsRunInTerminalRequest?: boolean;
  supportsStartDebuggingRequest?: boolean;
}

interface Waiter {
  name: EventName;
  match: (event: DebugProtocol.Event) => boolean;
  resolve: (event: DebugProtocol.Event) => void;
}

export class DapClient {
  /** Every event received, in order; `cursor` marks how far waitFor has consumed for each name. */
  readonly events: DebugProtocol.Event[] = [];
  private readonly consumed = new Map<EventName, number>();
  private waiters: Waiter[] = [];
  private closeHandlers: Array<() => void> = [];

  constructor(readonly connection: DapConnection) {
    connection.on("event", (event) => this.onEvent(event));
    connection.on("close", () => {
      for (const handler of this.closeHandlers) handler();
    });
  }

  /** Starts `pdap adapter` on stdio as a child process and talks to it. */
  static spawnAdapter(extraArgs: string[] = []): DapClient {
    const child = spawn(process.execPath, [PDAP_BIN, "adapter", ...extraArgs], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const client = new DapClient(new DapConnection(child.stdout, child.stdin, "adapter"));
    child.stderr.on("data", (chunk: Buffer) => client.adapterStderr.push(chunk.toString()));
    client.onClose(() => child.kill());
    return client;
  }

  static async connect(host: string, port: number): Promise<DapClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(socket));
      socket.once("error", reject);
    });
    return new DapClient(new DapConnection(socket, socket, "adapter"));
  }

  readonly adapterStderr: string[] = [];

  /** What the adapter said it can do in its initialize response (empty before initialize). */
  capabilities: DebugProtocol.Capabilities = {};

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  private onEvent(event: DebugProtocol.Event): void {
    this.events.push(event);
    const waiter = this.waiters.find((w) => w.name === event.event && w.match(event));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      this.consumed.set(event.event, this.events.length);
      waiter.resolve(event);
    }
  }

  /**
   * The next event of this name not yet returned by an earlier waitFor, now or when it arrives.
   * Rejects after timeoutMs (a bound so a broken session fails instead of hanging).
   */
  waitFor<E extends DebugProtocol.Event = DebugProtocol.Event>(
    name: EventName,
    match: (event: E) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<E> {
    const from = this.consumed.get(name) ?? 0;
    for (let i = from; i < this.events.length; i++) {
      const event = this.events[i];
      if (event.event === name && match(event as E)) {
        this.consumed.set(name, i + 1);
        return Promise.resolve(event as E);
      }
    }
    return new Promise<E>((resolve, reject) => {
      const waiter: Waiter = {
        name,
        match: (event) => match(event as E),
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event as E);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no '${name}' event within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      // a waiter nothing can answer any more (the session is gone) keeps nobody alive
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** All program output of one category received so far, concatenated. */
  output(category = "stdout"): string {
    return this.events
      .filter((e) => e.event === "output" && (e.body?.category ?? "console") === category)
      .map((e) => e.body.output as string)
      .join("");
  }

  /** Sends a declared request (protocol/requests.ts) and resolves with its body, typed. */
  async request<K extends Command>(command: K, args?: ArgumentsOf<K>): Promise<BodyOf<K>> {
    const response = await this.connection.request(command, args);
    return response.body;
  }

  /** A request the declaration does not know (another adapter's own, a test's nonsense): untyped. */
  async requestUnchecked(command: string, args?: object): Promise<unknown> {
    const response = await this.connection.requestUnchecked(command, args);
    return response.body;
  }

  /**
   * supportsRunInTerminalRequest: the client starts the program itself when the adapter asks
   * (register the handler with onRunInTerminal first); off by default.
   * supportsStartDebuggingRequest: the client starts child sessions when asked; on by default.
   */
  async initialize(options: InitializeOptions = {}): Promise<DebugProtocol.Capabilities> {
    const capabilities = await this.request("initialize", {
      clientID: "pdap",
      adapterID: "pdap",
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: "path",
      supportsRunInTerminalRequest: options.supportsRunInTerminalRequest ?? false,
      supportsStartDebuggingRequest: options.supportsStartDebuggingRequest ?? true,
    });
    this.capabilities = { ...capabilities };
    return capabilities as DebugProtocol.Capabilities;
  }

  /** Answers the adapter's runInTerminal reverse request: start the program, return its pid. */
  onRunInTerminal(
    start: (
      args: DebugProtocol.RunInTerminalRequestArguments,
    ) => Promise<DebugProtocol.RunInTerminalResponse["body"]> | DebugProtocol.RunInTerminalResponse["body"],
  ): void {
    this.connection.onRequest("runInTerminal", (args) => start(args));
  }

  /**
   * initialize + launch/attach + `configure` (breakpoints, exception filters) + configurationDone,
   * in the order editors use; resolves once the launch/attach request has succeeded.
   */
  async begin(
    kind: "launch" | "attach",
    args: Record<string, unknown>,
    options: InitializeOptions & { configure?: () => Promise<void> } = {},
  ): Promise<DebugProtocol.Capabilities> {
    const capabilities = await this.initialize(options);
    const initialized = this.waitFor("initialized");
    const started = this.request(kind, args);
    // a failed launch must not leave these to reject unobserved later
    initialized.catch(() => {});
    started.catch(() => {});
    // some adapters answer launch only after configurationDone, others before 'initialized'
    await Promise.race([initialized, started.then(() => initialized)]);
    await options.configure?.();
    await this.request("configurationDone");
    await started;
    return capabilities;
  }

  /** initialize + launch/attach + breakpoints + configurationDone, in the order editors use. */
  async start(
    kind: "launch" | "attach",
    args: Record<string, unknown>,
    breakpoints: Record<string, Array<number | DebugProtocol.SourceBreakpoint>> = {},
  ): Promise<Record<string, DebugProtocol.Breakpoint[]>> {
    await this.initialize();
    const initialized = this.waitFor("initialized");
    const started = this.request(kind, args);
    await Promise.race([initialized, started.then(() => initialized)]);
    const result: Record<string, DebugProtocol.Breakpoint[]> = {};
    for (const [path, lines] of Object.entries(breakpoints)) {
      result[path] = await this.setBreakpoints(path, lines);
    }
    await this.request("configurationDone");
    await started;
    return result;
  }

  async setBreakpoints(
    path: string,
    lines: Array<number | DebugProtocol.SourceBreakpoint>,
  ): Promise<DebugProtocol.Breakpoint[]> {
    const breakpoints = lines.map((line) => (typeof line === "number" ? { line } : line));
    const body = await this.request("setBreakpoints", {
      source: { path },
      breakpoints,
    });
    return body.breakpoints;
  }

  nextStop(timeoutMs?: number): Promise<DebugProtocol.StoppedEvent> {
    return this.waitFor<DebugProtocol.StoppedEvent>("stopped", () => true, timeoutMs);
  }

  async stackTrace(
    threadId: number,
    startFrame = 0,
    levels = 0,
  ): Promise<DebugProtocol.StackTraceResponse["body"]> {
    return this.request("stackTrace", { threadId, startFrame, levels });
  }

  async threads(): Promise<DebugProtocol.Thread[]> {
    return (await this.request("threads")).threads;
  }

  async scopes(frameId: number): Promise<DebugProtocol.Scope[]> {
    return (await this.request("scopes", { frameId })).scopes;
  }

  async variables(
    variablesReference: number,
    start?: number,
    count?: number,
  ): Promise<DebugProtocol.Variable[]> {
    return (
      await this.request("variables", {
        variablesReference,
        start,
        count,
      })
    ).variables;
  }

  evaluate(
    expression: string,
    frameId?: number,
    context = "repl",
  ): Promise<DebugProtocol.EvaluateResponse["body"]> {
    return this.request("evaluate", { expression, frameId, context });
  }

  /** Resumes with continue/next/stepIn/stepOut and waits for the next stop. */
  async resume(
    command: "continue" | "next" | "stepIn" | "stepOut",
    threadId: number,
  ): Promise<DebugProtocol.StoppedEvent> {
    const stop = this.nextStop();
    await this.request(command, { threadId });
    return stop;
  }

  async disconnect(terminateDebuggee?: boolean): Promise<void> {
    if (this.connection.isClosed) return;
    await this.request("disconnect", terminateDebuggee === undefined ? {} : { terminateDebuggee }).catch(
      () => {},
    );
    this.connection.close();
  }
}
