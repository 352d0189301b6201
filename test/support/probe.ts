// Hostile peers for the listener tests: raw sockets that send what a web page, a port scanner or
// a broken client would, and record what the listener answered and whether it closed the link.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const PROBE_WAIT_MS = 15_000;

/** One raw connection; everything the listener sends is kept, its end is a promise. */
export class Probe {
  private readonly chunks: Buffer[] = [];
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.chunks.push(chunk));
    socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.ended = true;
        resolve();
      }),
    );
  }

  static open(port: number, host = "127.0.0.1"): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new Probe(socket)));
      socket.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** What the listener sent so far, as text. */
  get received(): string {
    return Buffer.concat(this.chunks).toString("latin1");
  }

  send(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Waits (bounded) for the listener to close the link; fails if it keeps it open. */
  async closedByListener(what: string, timeoutMs = PROBE_WAIT_MS): Promise<void> {
    await within(this.closed, timeoutMs, `the listener kept the link open after ${what}`);
  }

  /** Waits (bounded) until what the listener sent matches. */
  async answer(pattern: RegExp, timeoutMs = PROBE_WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pattern.test(this.received)) return this.received;
      if (this.ended || Date.now() > deadline) {
        throw new Error(
          `no ${pattern} from the listener; it sent ${JSON.stringify(this.received.slice(0, 300))}`,
        );
      }
      await sleep(10);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A DAP message with its Content-Length header. */
export function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function request(seq: number, command: string, args?: object): string {
  return frame({ seq, type: "request", command, arguments: args });
}

/**
 * The request a web page can make without a CORS preflight: a no-cors `fetch` POST with a
 * text/plain body. Its Content-Length header frames `body` exactly as DAP would.
 */
export function browserPost(port: number, body: string, origin: string | undefined): string {
  const headers = [
    "POST / HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    ...(origin ? [`Origin: ${origin}`] : []),
    "Content-Type: text/plain;charset=UTF-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${headers.join("\r\n")}\r\n\r\n${body}`;
}

export function browserGet(port: number, origin: string | undefined): string {
  const headers = ["GET / HTTP/1.1", `Host: 127.0.0.1:${port}`, ...(origin ? [`Origin: ${origin}`] : [])];
  return `${headers.join("\r\n")}\r\n\r\n`;
}

/** A file that a probe's payload would create if it ran: it must never exist. */
export class Marker {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "pdap-hostile-"));
  readonly path = path.join(this.dir, "ran");

  /** Python code that creates the marker. */
  get code(): string {
    return `open(${JSON.stringify(this.path)}, 'w').write('ran')`;
  }

  get exists(): boolean {
    return existsSync(this.path);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (waited ${ms / 1000} s)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
