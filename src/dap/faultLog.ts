// Where a fault inside pdap's TypeScript goes: its stack, appended to pdap-adapter-PID.log in
// PDAP_LOG_DIR (else a pdap-logs folder in the temp folder). The client gets a short message that
// names the file; never the program's streams, never the terminal the user types in.
import { appendFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where pdap's logs go: the adapter's faults, and the agent's log with logToFile. */
export function logDirectory(): string {
  return process.env.PDAP_LOG_DIR || path.join(os.tmpdir(), "pdap-logs");
}

/** Appends the fault to the log; returns the log's path, or undefined when it cannot be written. */
export function logFault(where: string, error: unknown): string | undefined {
  const file = path.join(logDirectory(), `pdap-adapter-${process.pid}.log`);
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${new Date().toISOString()} internal error in ${where}\n${detail}\n\n`);
    return file;
  } catch {
    return undefined;
  }
}
