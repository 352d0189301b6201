// What goes wrong in remote attach fails clearly and within a bound: a port in use, nobody
// listening, a peer that never answers, a program that never connects, a silent or a second client.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type Adapter,
  adapterSays,
  attachFails,
  Debuggee,
  listeningRemoteApp,
  outputEvent,
  pathMappings,
  type RemoteDir,
  startAdapter,
  WAIT_MS,
  withTimeout,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const app = fixture("attach_app.py");

/** A loopback port that nobody listens on (the OS picked it free, and it was closed again). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("attach errors on the adapter side", () => {
  const adapters: Adapter[] = [];
  const servers: net.Server[] = [];
  after(async () => {
    for (const adapter of adapters) await adapter.client.disconnect();
    for (const server of servers) server.close();
  });
  function adapter(args: string[] = []): Adapter {
    const started = startAdapter(args);
    adapters.push(started);
    return started;
  }

  it("connect to a port nobody listens on: refused, with a hint", async () => {
    const port = await closedPort();
    const message = await attachFails(adapter().client, { connect: { host: "127.0.0.1", port } });
    assert.match(
      message,
      new RegExp(`cannot connect to a pdap agent at 127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it("connect to a peer that never answers the handshake: fails after the timeout", async () => {
    const server = net.createServer(() => {}); // accepts, then says nothing
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const message = await attachFails(adapter().client, { connect: { host: "127.0.0.1", port }, timeout: 1 });
    assert.match(message, /refused: no handshake answer within 1 s/);
  });

  it("listen for a program that never connects: fails after the timeout", async () => {
    const message = await attachFails(adapter().client, {
      listen: { host: "127.0.0.1", port: 0 },
      timeout: 1,
    });
    assert.match(message, /no pdap agent connected to 127\.0\.0\.1:\d+ within 1 s/);
  });

  it("listen on a port in use: a clear error", async () => {
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const message = await attachFails(adapter().client, { listen: { host: "127.0.0.1", port } });
    assert.match(
      message,
      new RegExp(`cannot listen for agents on 127\\.0\\.0\\.1:${port}: the port is in use`),
    );
  });

  it("pdap adapter --listen-for-agents on a port in use: exits with a clear error", async () => {
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const started = adapter(["--listen-for-agents", `127.0.0.1:${port}`]);
    await adapterSays(started, /the port is in use/);
    const code = await withTimeout(
      new Promise((resolve) => {
        if (started.process.exitCode !== null) resolve(started.process.exitCode);
        else started.process.once("exit", resolve);
      }),
      WAIT_MS,
      "the adapter did not exit",
    );
    assert.equal(code, 2);
  });

  it("wrong attach arguments: clear errors", async () => {
    const { client } = adapter();
    assert.match(
      await attachFails(client, {}),
      /attach needs exactly one of 'connect', 'listen' or 'processId'/,
    );
    assert.match(await attachFails(client, { processId: "x" }), /'processId' must be a process id, got "x"/);
    assert.match(
      await attachFails(client, { connect: { host: "127.0.0.1", port: "x" } }),
      /'connect.port' must be a number/,
    );
    assert.match(
      await attachFails(client, { connect: 5678, timeout: -1 }),
      /'timeout' must be a positive number/,
    );
    assert.match(
      await attachFails(client, { connect: 5678, pathMappings: [{ localRoot: 1 }] }),
      /'pathMappings\[0\]' must be \{localRoot: string, remoteRoot: string\}/,
    );
  });
});

forEachPython("attach errors on the program side", (target) => {
  it("--listen on a port in use: exits 2 with a clear error, the program does not run", async () => {
    const first = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", "-c", "input()"]);
    try {
      const port = await first.listeningPort();
      const second = Debuggee.start(target, [
        "-m",
        "pdap",
        "--listen",
        `127.0.0.1:${port}`,
        "-c",
        "print('the program ran')",
      ]);
      assert.equal(await second.exitCode(), 2);
      assert.match(
        second.stderr,
        new RegExp(`pdap: cannot listen on 127\\.0\\.0\\.1:${port}: .*in use`, "i"),
      );
      assert.doesNotMatch(second.stdout, /the program ran/);
    } finally {
      first.kill();
    }
  });

  it("--connect to a port nobody listens on: exits 2 with a clear error, at once", async () => {
    const port = await closedPort();
    const program = Debuggee.start(target, [
      "-m",
      "pdap",
      "--connect",
      `127.0.0.1:${port}`,
      "-c",
      "print('the program ran')",
    ]);
    assert.equal(await program.exitCode(), 2);
    assert.match(
      program.stderr,
      new RegExp(`pdap: cannot connect to the adapter at 127\\.0\\.0\\.1:${port}: .*refused`, "i"),
    );
    assert.doesNotMatch(program.stdout, /the program ran/);
  });
});

forEachPython("attach: silent and competing clients", (target) => {
  let remote: RemoteDir;
  let program: Debuggee;
  let port: number;
  const adapters: Adapter[] = [];
  const sockets: net.Socket[] = [];

  before(async () => {
    ({ remote, program, port } = await listeningRemoteApp(target));
  });
  after(async () => {
    for (const adapter of adapters) await adapter.client.disconnect();
    for (const socket of sockets) socket.destroy();
    program.kill();
    remote.remove();
  });

  function attach(adapter: Adapter) {
    return adapter.client.start(
      "attach",
      { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote) },
      { [app.path]: [app.line("BP1")] },
    );
  }

  it("a connection that never sends its handshake does not keep a real client out", async () => {
    for (let i = 0; i < 3; i++) {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.on("error", () => {});
      sockets.push(socket);
    }
    const first = startAdapter();
    adapters.push(first);
    await attach(first);
    const stopped = first.client.nextStop();
    program.send("a");
    assert.equal((await stopped).body.reason, "breakpoint");
  });

  it("a second client takes over from the first (stopped, maybe half-dead), which is told and ended", async () => {
    const [first] = adapters;
    const second = startAdapter();
    adapters.push(second);
    const told = outputEvent(first.client, "another client attached to this process", "important");
    const ended = first.client.waitFor("terminated", () => true, WAIT_MS);
    await attach(second);
    await told;
    await ended;
    await program.waitFor("stdout", /done A/); // the first client's stop was released
    const stopped = second.client.nextStop();
    program.send("b");
    const event = await stopped;
    await second.client.request("continue", { threadId: event.body.threadId ?? 0 });
    await outputEvent(second.client, "done B");
    assert.doesNotMatch(first.client.output("stdout"), /done B/);
  });
});
