// The adapter's side of the agent protocol: DAP-shaped messages to one Python process, opened by
// a handshake that carries the access token and the process's facts.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { lookup } from "node:dns/promises";
import net from "node:net";
import { DapConnection, DapError } from "../dap/connection.js";
import { MAX_MESSAGE_BYTES } from "../dap/framing.js";
import { AGENT_PROTOCOL, type AgentInfo, parseAgentInfo } from "../protocol/agent.js";
import { ErrorId } from "../protocol/errors.js";
import type { ArgumentsOf, Command, ResponseOf } from "../protocol/requests.js";

/** An agent that dials in must complete its handshake within this time (one deadline for all of it). */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** The largest message accepted on an agent link before its handshake passed. */
export const MAX_AGENT_HANDSHAKE_BYTES = 1024 * 1024;

export class AgentLink {
  constructor(
    readonly connection: DapConnection,
    readonly info: AgentInfo,
  ) {}

  request<K extends Command>(command: K, args?: ArgumentsOf<K>): Promise<ResponseOf<K>> {
    return this.connection.request(command, args);
  }

  /** Whether this agent said it answers the command (its handshake's list). */
  handles(command: string): boolean {
    return this.info.commands.includes(command);
  }

  close(): void {
    this.connection.close();
  }
}

/** Why a connection to an agent failed, in words (not ENOTFOUND). */
export function connectFailure(host: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused (is the program running with --listen on this port?)";
    case "ENOTFOUND":
      return `no such host '${host}'`;
    case "EAI_AGAIN":
      return `cannot look up host '${host}' (no name service reachable?)`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} cannot be reached from here`;
    case "ETIMEDOUT":
      return "no answer (a firewall?)";
    default:
      return error.code ? `${error.code} (${error.message})` : error.message;
  }
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_V6 = new net.BlockList();
LOOPBACK_V6.addAddress("::1", "ipv6");

/** Whether an IP address (not a name) is a loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0] ?? "";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const v4 = mapped ? mapped[1] : bare;
  if (net.isIPv4(v4)) return v4.startsWith("127.");
  return net.isIPv6(bare) && LOOPBACK_V6.check(bare, "ipv6");
}

/**
 * Whether every address `host` resolves to is loopback: decided by the resolved addresses, never
 * by the spelling (`127.example.com` may point anywhere). A name that does not resolve is not.
 */
export async function isLoopbackHost(host: string): Promise<boolean> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (net.isIP(bare.split("%")[0] ?? "")) return isLoopbackAddress(bare);
  try {
    const found = await lookup(bare, { all: true, verbatim: true });
    return found.length > 0 && found.every((entry) => isLoopbackAddress(entry.address));
  } catch {
    return false;
  }
}

/** A fresh access token for a non-loopback listener whose user gave none. */
export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The handshake's facts, or a refusal that says why (another protocol version, not an agent). */
function checkedInfo(args: Partial<Record<keyof AgentInfo, unknown>>): AgentInfo {
  try {
    return parseAgentInfo(args);
  } catch (error) {
    throw new DapError((error as Error).message, { id: ErrorId.refused });
  }
}

interface Waiter {
  resolve: (agent: AgentLink) => void;
  reject: (error: Error) => void;
}

/**
 * Accepts agents that dial in (launch, `python -m pdap --connect`, `pdap.connect()`); each must
 * present the token. Agents that pass the handshake queue until nextAgent() takes them, so one
 * that dials in before any client asks for it is kept (`pdap adapter --listen-for-agents`).
 */
export class AgentListener {
  private readonly ready: AgentLink[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;
  /** Told of each agent that has to wait for a client (none was waiting for it). */
  onQueued: ((agent: AgentLink) => void) | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly token: string | undefined,
  ) {
    server.on("connection", (socket) => this.handshake(socket));
  }

  static async listen(host: string, port: number, token: string | undefined): Promise<AgentListener> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new DapError(
            `cannot listen for agents on ${host}:${port}: ${error.code === "EADDRINUSE" ? "the port is in use" : (error.code ?? error.message)}`,
            { id: ErrorId.startFailed },
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    server.on("error", () => {}); // after listening: per-connection errors are handled per socket
    return new AgentListener(server, token);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as net.AddressInfo).address;
  }

  private handshake(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.on("error", () => {});
    const connection = new DapConnection(socket, socket, "agent");
    connection.limitMessages(MAX_AGENT_HANDSHAKE_BYTES);
    const timer = setTimeout(
      () => connection.close(new Error("no handshake from the agent")),
      HANDSHAKE_TIMEOUT_MS,
    );
    connection.on("close", () => clearTimeout(timer));
    let done = false;
    connection.onRequest("handshake", (args) => {
      if (done) throw new DapError("handshake already done", { id: ErrorId.refused });
      done = true;
      clearTimeout(timer);
      if (this.token && !tokensEqual(String(args.token ?? ""), this.token)) {
        setImmediate(() => connection.close());
        throw new DapError(args.token ? "access token refused" : "this adapter needs an access token", {
          id: ErrorId.accessDenied,
        });
      }
      let info: AgentInfo;
      try {
        info = checkedInfo(args);
      } catch (error) {
        setImmediate(() => connection.close());
        throw error;
      }
      connection.limitMessages(MAX_MESSAGE_BYTES);
      // deliver after the response is on its way, so the agent hears "welcome" first
      setImmediate(() => this.deliver(new AgentLink(connection, info)));
      return {};
    });
  }

  private deliver(agent: AgentLink): void {
    if (agent.connection.isClosed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(agent);
      return;
    }
    if (this.closed) {
      agent.close();
      return;
    }
    this.ready.push(agent);
    agent.connection.once("close", () => {
      const index = this.ready.indexOf(agent);
      if (index >= 0) this.ready.splice(index, 1);
    });
    this.onQueued?.(agent);
  }

  /**
   * Resolves with the next agent that passes the handshake (one already waiting, or the next to
   * dial in); rejects after timeoutMs, or when the listener closes.
   */
  nextAgent(timeoutMs?: number, what = "no pdap agent connected", signal?: AbortSignal): Promise<AgentLink> {
    const waiting = this.ready.shift();
    if (waiting) return Promise.resolve(waiting);
    if (this.closed)
      return Promise.reject(
        new DapError("the adapter stopped listening for agents", { id: ErrorId.startFailed }),
      );
    if (signal?.aborted)
      return Promise.reject(new DapError("the client went away", { id: ErrorId.startFailed }));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        resolve: (agent) => {
          settle();
          resolve(agent);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(new DapError("the client went away", { id: ErrorId.startFailed }));
      signal?.addEventListener("abort", onAbort);
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () =>
            waiter.reject(new DapError(`${what} within ${timeoutMs / 1000} s`, { id: ErrorId.startFailed })),
          timeoutMs,
        );
      }
      this.waiters.push(waiter);
    });
  }

  /** Stops listening; agents not taken yet are let go (their programs run on), waiters are told. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const agent of this.ready.splice(0)) agent.close();
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new DapError("the adapter stopped listening for agents", { id: ErrorId.startFailed }));
    }
  }
}

/** Listeners opened for the adapter's lifetime by `pdap adapter --listen-for-agents`, by port. */
const sharedListeners = new Map<number, AgentListener>();

export async function listenForAgents(
  host: string,
  port: number,
  token: string | undefined,
): Promise<AgentListener> {
  const listener = await AgentListener.listen(host, port, token);
  sharedListeners.set(listener.port, listener);
  return listener;
}

/** The --listen-for-agents listener on this port, if the adapter has one. */
export function sharedListener(port: number): AgentListener | undefined {
  return sharedListeners.get(port);
}

/** Dials an agent that listens (`python -m pdap --listen`, `pdap.listen()`). */
export async function connectToAgent(
  host: string,
  port: number,
  token: string | undefined,
  timeoutMs = 10_000,
): Promise<AgentLink> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new DapError(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`, {
          id: ErrorId.startFailed,
        }),
      );
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new DapError(`cannot connect to a pdap agent at ${host}:${port}: ${connectFailure(host, error)}`, {
          id: ErrorId.startFailed,
        }),
      );
    });
  });
  socket.on("error", () => {});
  const connection = new DapConnection(socket, socket, "agent");
  const timer = setTimeout(
    () => connection.close(new Error(`no handshake answer within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  try {
    const response = await connection.request("handshake", { token: token ?? "", protocol: AGENT_PROTOCOL });
    return new AgentLink(connection, checkedInfo(response.body ?? {}));
  } catch (error) {
    const closedFirst = connection.isClosed && !(error instanceof DapError && error.command === "handshake");
    connection.close();
    const reason = (closedFirst && connection.error?.message) || (error as Error).message;
    throw new DapError(`attach to ${host}:${port} refused: ${reason}`, { id: ErrorId.startFailed });
  } finally {
    clearTimeout(timer);
  }
}
