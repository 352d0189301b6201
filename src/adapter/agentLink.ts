// The adapter's side of the agent protocol: DAP-shaped messages to one Python process, opened by
// a handshake that carries the access token and the process's facts.
import { timingSafeEqual } from "node:crypto";
import net from "node:net";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapConnection, DapError } from "../dap/connection.js";

export interface AgentInfo {
  protocol: number;
  pid: number;
  python: string;
  executable: string;
  cwd: string;
  argv: string[];
  backend: string;
}

export class AgentLink {
  constructor(
    readonly connection: DapConnection,
    readonly info: AgentInfo,
  ) {}

  request<R extends DebugProtocol.Response = DebugProtocol.Response>(
    command: string,
    args?: object,
  ): Promise<R> {
    return this.connection.request<R>(command, args);
  }

  close(): void {
    this.connection.close();
  }
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Accepts agents that dial in (launch, or `python -m pdap --connect`); each must present the token. */
export class AgentListener {
  private constructor(
    private readonly server: net.Server,
    readonly token: string | undefined,
  ) {}

  static async listen(host: string, port: number, token: string | undefined): Promise<AgentListener> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(new DapError(`cannot listen for agents on ${host}:${port}: ${error.code ?? error.message}`)),
      );
      server.listen(port, host, () => resolve());
    });
    return new AgentListener(server, token);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves with the next agent that passes the handshake. */
  nextAgent(): Promise<AgentLink> {
    return new Promise((resolve) => {
      const onConnection = (socket: net.Socket) => {
        const connection = new DapConnection(socket, socket, "agent");
        connection.onRequest("handshake", (request) => {
          const args = (request.arguments ?? {}) as AgentInfo & { token?: string };
          if (this.token && !tokensEqual(String(args.token ?? ""), this.token)) {
            setImmediate(() => connection.close());
            throw new DapError("access token refused");
          }
          this.server.off("connection", onConnection);
          const { token: _ignored, ...info } = args;
          setImmediate(() => resolve(new AgentLink(connection, info)));
          return {};
        });
      };
      this.server.on("connection", onConnection);
    });
  }

  close(): void {
    this.server.close();
  }
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
      reject(new DapError(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new DapError(`cannot connect to a pdap agent at ${host}:${port}: ${error.code ?? error.message}`),
      );
    });
  });
  const connection = new DapConnection(socket, socket, "agent");
  const timer = setTimeout(() => connection.close(new Error("handshake timed out")), timeoutMs);
  try {
    const response = await connection.request("handshake", { token: token ?? "", protocol: 1 });
    return new AgentLink(connection, response.body as AgentInfo);
  } catch (error) {
    connection.close();
    throw new DapError(`attach to ${host}:${port} refused: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
