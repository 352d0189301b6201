// Content-Length framing shared by every DAP link pdap has: client <-> adapter and adapter <-> agent.
import type { DebugProtocol } from "@vscode/debugprotocol";

export type Message = DebugProtocol.ProtocolMessage & Record<string, unknown>;

/** Messages larger than this are refused: no client legitimately sends 64 MiB of JSON. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");

export class FramingError extends Error {}

/** A well-framed body that is not a DAP message: the stream stays usable, the message is dropped. */
export interface Malformed {
  malformed: string;
}

export function encodeMessage(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

/**
 * Incremental decoder: feed it chunks, it returns the complete messages.
 * A malformed header or body throws FramingError; the link is then unusable
 * because the stream position is lost, so callers close it with that message.
 */
export class MessageDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  push(chunk: Buffer): Array<Message | Malformed> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Array<Message | Malformed> = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) {
        if (this.buffer.length > 8192) throw new FramingError("DAP header too long or missing CRLFCRLF");
        return messages;
      }
      const length = parseContentLength(this.buffer.subarray(0, headerEnd).toString("ascii"));
      if (length > this.maxBytes) {
        throw new FramingError(`DAP message of ${length} bytes exceeds the ${this.maxBytes}-byte limit`);
      }
      const start = headerEnd + HEADER_END.length;
      if (this.buffer.length < start + length) return messages;
      const body = this.buffer.subarray(start, start + length).toString("utf8");
      this.buffer = this.buffer.subarray(start + length);
      try {
        messages.push(parseBody(body));
      } catch (error) {
        messages.push({ malformed: (error as Error).message });
      }
    }
  }
}

function parseContentLength(header: string): number {
  for (const line of header.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
    const text = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(text)) throw new FramingError(`bad Content-Length: ${JSON.stringify(text)}`);
    return Number(text);
  }
  throw new FramingError("DAP header has no Content-Length");
}

function parseBody(body: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new FramingError(`DAP body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FramingError("DAP body is not a JSON object");
  }
  const message = value as Message;
  if (typeof message.type !== "string") throw new FramingError("DAP message has no 'type'");
  return message;
}
