// A typed DAP endpoint over any byte stream pair. The adapter uses it towards its client and
// towards each agent; the client library and the tests use it towards the adapter.
import { EventEmitter } from "node:events";
import { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { ErrorId, type ErrorMessage } from "../protocol/errors.js";
import type { ArgumentsOf, BodyOf, Command, ResponseOf } from "../protocol/requests.js";
import { logFault } from "./faultLog.js";
import {
  encodeMessage,
  HttpRequestRefused,
  type Malformed,
  type Message,
  MessageDecoder,
} from "./framing.js";

export interface DapErrorOptions {
  /** a stable id from ErrorId (default badArguments): what kind of mistake the client made */
  id?: number;
  command?: string;
  /** false: an expected failure (an evaluation's error…) the client shows in place, not as a pop-up */
  showUser?: boolean;
}

/**
 * A request the client got wrong, or one that cannot be done now: a failed response with a plain
 * message and a stable id (see ErrorId). Anything else a handler throws is a fault of pdap's,
 * answered with ErrorId.internal and logged with its stack (see faultLog.ts).
 */
export class DapError extends Error {
  readonly id: number;
  readonly command: string | undefined;
  readonly showUser: boolean;

  constructor(message: string, options: DapErrorOptions = {}) {
    super(message);
    this.id = options.id ?? ErrorId.badArguments;
    this.command = options.command;
    this.showUser = options.showUser ?? true;
  }

  /** The error of a failed response, with the id its sender gave. */
  static fromResponse(response: DebugProtocol.Response, command: string): DapError {
    const error = (response.body as { error?: Partial<DebugProtocol.Message> } | undefined)?.error;
    return new DapError(response.message ?? `${command} failed`, {
      id: typeof error?.id === "number" ? error.id : ErrorId.internal,
      command,
      showUser: error?.showUser !== false,
    });
  }
}

/** Decides whether a request may be handled now: a message refuses it, undefined lets it through. */
export type RequestGate = (request: DebugProtocol.Request) => string | undefined;

/** A handler of one declared request: typed arguments in, the declared body out. */
export type RequestHandler<K extends Command> = (
  args: ArgumentsOf<K>,
  request: DebugProtocol.Request,
) => Promise<BodyOf<K>> | BodyOf<K>;

/** The handler of every request without its own (the adapter's relay to the agent). */
export type AnyRequestHandler = (request: DebugProtocol.Request) => Promise<object | undefined>;

interface Pending {
  command: string;
  resolve: (response: DebugProtocol.Response) => void;
  reject: (error: Error) => void;
}

/** How long a refused HTTP client's socket may stay open for its 400 reply to drain. */
const HTTP_REPLY_LINGER_MS = 1_000;

export interface ConnectionEvents {
  event: [DebugProtocol.Event];
  close: [Error | undefined];
}

export class DapConnection extends EventEmitter<ConnectionEvents> {
  private seq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, (request: DebugProtocol.Request) => unknown>();
  private fallbackHandler: AnyRequestHandler | undefined;
  private readonly gates: RequestGate[] = [];
  private readonly decoder = new MessageDecoder();
  private closed = false;
  private closeError: Error | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    readonly name = "dap",
  ) {
    super();
    // small messages back to back (a response, then an event) must not wait for Nagle's ACK
    if (input instanceof Socket) input.setNoDelay(true);
    input.on("data", (chunk: Buffer) => {
      let messages: Array<Message | Malformed>;
      try {
        messages = this.decoder.push(chunk);
      } catch (error) {
        if (error instanceof HttpRequestRefused) this.refuseHttp(error);
        else this.close(error as Error);
        return;
      }
      for (const message of messages) {
        if (isMalformed(message)) this.reportMalformed(message.malformed);
        else this.dispatch(message);
      }
    });
    input.on("end", () => this.close());
    input.on("close", () => this.close());
    input.on("error", (error) => this.close(error));
    output.on("error", (error) => this.close(error));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Registers the handler for one declared command; its return value becomes the response body.
   * Arguments that are not an object are refused before it runs (ErrorId.badArguments).
   */
  onRequest<K extends Command>(command: K, handler: RequestHandler<K>): void {
    this.handlers.set(command, (request) => handler(argumentsOf(request) as ArgumentsOf<K>, request));
  }

  /** Handles every command without its own handler (the adapter forwards those to the agent). */
  onAnyRequest(handler: AnyRequestHandler): void {
    this.fallbackHandler = handler;
  }

  /** The largest message accepted from now on (a larger one closes the link); see MAX_MESSAGE_BYTES. */
  limitMessages(bytes: number): void {
    this.decoder.maxBytes = bytes;
  }

  /** Adds a check every incoming request must pass before its handler runs (see RequestGate). */
  addRequestGate(gate: RequestGate): void {
    this.gates.push(gate);
  }

  /**
   * Sends a declared request (protocol/requests.ts) and resolves with the whole response, its body
   * typed; a failed response rejects with DapError.
   */
  async request<K extends Command>(command: K, args?: ArgumentsOf<K>): Promise<ResponseOf<K>> {
    return (await this.requestUnchecked(command, args)) as ResponseOf<K>;
  }

  /** A request the declaration does not know: the same, untyped. */
  async requestUnchecked(command: string, args?: object): Promise<DebugProtocol.Response> {
    const response = await this.rawRequest(command, args);
    if (!response.success) throw DapError.fromResponse(response, command);
    return response;
  }

  /** Like request, but resolves with the response even when it failed. */
  async rawRequest(command: string, args?: object): Promise<DebugProtocol.Response> {
    if (this.closed) throw new DapError(`${this.name} link is closed`, { command, id: ErrorId.noProgram });
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { command, resolve, reject });
      this.write({ seq, type: "request", command, arguments: args });
    });
  }

  sendEvent(event: string, body?: object): void {
    this.write({ seq: this.seq++, type: "event", event, body });
  }

  sendResponse(request: DebugProtocol.Request, body?: object): void {
    this.write({
      seq: this.seq++,
      type: "response",
      request_seq: request.seq,
      command: request.command,
      success: true,
      body,
    });
  }

  sendErrorResponse(
    request: { seq: number; command: string },
    message: string,
    id: number = ErrorId.badArguments,
    showUser = true,
  ): void {
    const error: ErrorMessage = { id, format: message, showUser };
    this.write({
      seq: this.seq++,
      type: "response",
      request_seq: request.seq,
      command: request.command,
      success: false,
      message,
      body: { error },
    });
  }

  /** Writes an already-shaped message (the adapter uses it to relay agent messages verbatim). */
  write(message: object): void {
    if (this.closed) return;
    this.output.write(encodeMessage(message));
  }

  close(error?: Error): void {
    if (this.closed) return;
    this.input.destroy();
    if ((this.output as unknown) !== this.input) this.output.end();
    this.ended(error);
  }

  private ended(error: Error | undefined): void {
    this.closed = true;
    this.closeError = error;
    for (const [, pending] of this.pending) {
      pending.reject(
        // no command: the peer did not answer (a refusal would carry the command)
        new DapError(`${this.name} link closed before '${pending.command}' was answered`, {
          id: ErrorId.noProgram,
        }),
      );
    }
    this.pending.clear();
    this.emit("close", error);
  }

  /**
   * An HTTP client (a web page, curl): a plain HTTP 400 goes back, then the link closes and
   * nothing else is read. A socket is half-closed after the reply so the browser receives it,
   * and destroyed soon after whatever the peer does.
   */
  private refuseHttp(error: HttpRequestRefused): void {
    if (this.closed) return;
    const { input } = this;
    if (!(input instanceof Socket) || (input as unknown) !== this.output) {
      this.output.write(error.reply);
      this.close(error);
      return;
    }
    input.pause();
    input.end(error.reply);
    setTimeout(() => input.destroy(), HTTP_REPLY_LINGER_MS).unref();
    this.ended(error);
  }

  get error(): Error | undefined {
    return this.closeError;
  }

  private dispatch(message: Message): void {
    switch (message.type) {
      case "response": {
        const response = message as unknown as DebugProtocol.Response;
        const pending = this.pending.get(response.request_seq);
        if (!pending) return;
        this.pending.delete(response.request_seq);
        pending.resolve(response);
        return;
      }
      case "event":
        this.emit("event", message as unknown as DebugProtocol.Event);
        return;
      case "request":
        void this.handleRequest(message as unknown as DebugProtocol.Request);
        return;
      default:
        this.reportMalformed(`message of unknown type ${JSON.stringify(message.type)}`);
    }
  }

  /** A message that cannot be answered (no seq to answer to) is reported to the peer's console. */
  private reportMalformed(reason: string): void {
    this.sendEvent("output", {
      category: "console",
      output: `pdap: ignored a malformed DAP message: ${reason}\n`,
    });
  }

  private async handleRequest(request: DebugProtocol.Request): Promise<void> {
    if (typeof request.command !== "string" || typeof request.seq !== "number") {
      this.sendErrorResponse(
        { seq: Number(request.seq) || 0, command: String(request.command) },
        "malformed request",
      );
      return;
    }
    for (const gate of this.gates) {
      const refusal = gate(request);
      if (refusal !== undefined) {
        this.sendErrorResponse(request, refusal, ErrorId.accessDenied);
        return;
      }
    }
    const handler = this.handlers.get(request.command) ?? this.fallbackHandler;
    if (!handler) {
      this.sendErrorResponse(request, `unknown request '${request.command}'`, ErrorId.unknownRequest);
      return;
    }
    try {
      if (request.arguments !== undefined && !isObject(request.arguments)) {
        throw new DapError(`'${request.command}' arguments must be an object`);
      }
      const body = (await handler(request)) as object | undefined;
      this.sendResponse(request, body);
    } catch (error) {
      if (error instanceof DapError) {
        this.sendErrorResponse(request, error.message, error.id, error.showUser);
        return;
      }
      // not the client's doing: a fault of pdap's, with its stack in the log, no pop-up
      const where = logFault(`${this.name} request '${request.command}'`, error);
      const text = error instanceof Error ? error.message : String(error);
      this.sendErrorResponse(
        request,
        `pdap internal error in '${request.command}': ${text}${where ? ` (details in ${where})` : ""}`,
        ErrorId.internal,
        false,
      );
    }
  }
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function argumentsOf(request: DebugProtocol.Request): unknown {
  return request.arguments ?? {};
}

function isMalformed(item: Message | Malformed): item is Malformed {
  return typeof (item as Malformed).malformed === "string" && (item as Message).type === undefined;
}
