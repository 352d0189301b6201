// pdap's adapter served inside the process of its client (the terminal debugger): the DAP messages
// go over a pair of in-memory streams, framed as on stdio, so a session behaves as it does with
// `pdap adapter` as a child process, minus the start of a second Node.js (most of `pdap run`'s
// start-up when it was one).
import { PassThrough, type Readable, type Writable } from "node:stream";
import { DapConnection } from "../dap/connection.js";
import { DebugSession } from "./session.js";

/** Starts a session in this process; returns the client's ends: what to read, where to write. */
export function serveInProcess(): { fromAdapter: Readable; toAdapter: Writable } {
  const toAdapter = new PassThrough();
  const fromAdapter = new PassThrough();
  new DebugSession(new DapConnection(toAdapter, fromAdapter, "client"));
  return { fromAdapter, toAdapter };
}
