// Driving any DAP adapter that speaks on stdio (pdap's own, or another one such as debugpy's),
// so the same client code can be checked against a second implementation of the protocol.
import { spawn } from "node:child_process";
import { DapConnection } from "../dap/connection.js";
import { DapClient } from "./client.js";

export interface AdapterProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Its own session, away from the terminal's signals: a Ctrl-C meant for the program (or the
   * terminal debugger) must not kill the adapter. It still ends when its stdin closes.
   */
  detached?: boolean;
}

/** Starts `command args...` as a DAP adapter on stdio; its stderr is kept in client.adapterStderr. */
export function spawnAdapterCommand(
  command: string,
  args: string[],
  options: AdapterProcessOptions = {},
): DapClient {
  const child = spawn(command, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: options.detached ?? false,
  });
  const client = new DapClient(new DapConnection(child.stdout, child.stdin, "adapter"));
  child.stderr.on("data", (chunk: Buffer) => client.adapterStderr.push(chunk.toString()));
  // without this a missing command only shows as "link closed before 'initialize' was answered"
  child.on("error", (error: NodeJS.ErrnoException) =>
    client.adapterStderr.push(`cannot start adapter '${command}': ${error.code ?? error.message}\n`),
  );
  client.onClose(() => child.kill());
  return client;
}

/** The tail of what the adapter wrote to stderr: the best explanation when its link dies. */
export function adapterErrorTail(client: DapClient, maxChars = 2000): string {
  return client.adapterStderr.join("").trim().slice(-maxChars);
}
