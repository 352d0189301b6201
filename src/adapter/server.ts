// Serving DAP: on stdio (editors spawn `pdap adapter`) or on a TCP port (one session per connection).
import net from "node:net";
import { DapConnection } from "../dap/connection.js";
import { DebugSession } from "./session.js";

export function serveStdio(): DapConnection {
  const connection = new DapConnection(process.stdin, process.stdout, "client");
  new DebugSession(connection);
  connection.on("close", (error) => {
    if (error) process.stderr.write(`pdap adapter: ${error.message}\n`);
    // give a launched program's kill a moment, then leave
    setTimeout(() => process.exit(0), 1500).unref();
  });
  return connection;
}

export async function serveTcp(host: string, port: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const connection = new DapConnection(socket, socket, "client");
    new DebugSession(connection);
    connection.on("close", (error) => {
      if (error) process.stderr.write(`pdap adapter: client link closed: ${error.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot listen on ${host}:${port}: ${error.code === "EADDRINUSE" ? "port in use" : error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
