// Serving DAP: on stdio (editors spawn `pdap adapter`) or on a TCP port (one session per connection).
import net from "node:net";
import { DapConnection } from "../dap/connection.js";
import { type AgentListener, generateToken, isLoopbackHost, listenForAgents } from "./agentLink.js";
import { parseHostPort } from "./config.js";
import { adapterTokenRequired } from "./requestGates.js";
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

/**
 * `pdap adapter --port`: one session per connection. With an access token (env PDAP_ADAPTER_TOKEN;
 * generated and printed when the address is not loopback and none is given), launch and attach
 * must carry it as `adapterToken`. On loopback without one, editors' debugServer setups work as is.
 */
export async function serveTcp(
  host: string,
  port: number,
  token = process.env.PDAP_ADAPTER_TOKEN || undefined,
): Promise<net.Server> {
  const generated = !token && !(await isLoopbackHost(host));
  const required = generated ? generateToken() : token;
  const server = net.createServer((socket) => {
    const connection = new DapConnection(socket, socket, "client");
    if (required) connection.addRequestGate(adapterTokenRequired(required, connection));
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
  if (generated) {
    process.stderr.write(
      `pdap adapter: ${host} is not a loopback address, so clients must present an access token as the ` +
        `launch/attach attribute "adapterToken"; generated one (set PDAP_ADAPTER_TOKEN to choose it): ${required}\n`,
    );
  }
  return server;
}

/**
 * `pdap adapter --listen-for-agents [HOST:]PORT`: agents that dial in (`python -m pdap --connect`)
 * wait here, for the adapter's lifetime, until a DAP client's attach with `listen` on this port
 * takes one. A non-loopback address needs a token: env PDAP_TOKEN, else one is generated and printed.
 */
export async function startAgentListener(address: string): Promise<AgentListener> {
  const { host, port } = parseHostPort(address, "--listen-for-agents");
  let token = process.env.PDAP_TOKEN || undefined;
  const generated = !token && !(await isLoopbackHost(host));
  if (generated) token = generateToken();
  const listener = await listenForAgents(host, port, token);
  listener.onQueued = (agent) => {
    const program = agent.info.argv?.join(" ") ?? "";
    process.stderr.write(`pdap adapter: agent of pid ${agent.info.pid} (${program}) waits for a client\n`);
  };
  const where = `${host}:${listener.port}`;
  process.stderr.write(
    `pdap adapter: waiting for agents on ${where} (python -m pdap --connect ${where} PROGRAM); ` +
      `an attach with "listen": {"port": ${listener.port}} takes the next one\n`,
  );
  if (generated) {
    process.stderr.write(
      `pdap adapter: ${host} is not a loopback address, so agents must present an access token; ` +
        `generated one (set PDAP_TOKEN to choose it; give it to the agent as PDAP_TOKEN): ${token}\n`,
    );
  }
  return listener;
}
