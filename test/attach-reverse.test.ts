// The reverse direction, for hosts where the program cannot open a port: the adapter listens and
// the agent dials out (`python -m pdap --connect HOST:PORT`, or pdap.connect() in code).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import {
  type Adapter,
  adapterSays,
  Debuggee,
  outputEvent,
  pathMappings,
  type RemoteDir,
  remoteApp,
  startAdapter,
  WAIT_MS,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const app = fixture("attach_app.py");

/** The adapter's console line that names the port it waits on. */
async function announcedPort(adapter: Adapter): Promise<number> {
  const event = await adapter.client.waitFor(
    "output",
    (e) => /waiting for a pdap agent on/.test(String(e.body?.output)),
    WAIT_MS,
  );
  return Number(String(event.body.output).match(/waiting for a pdap agent on [^\s:]+:(\d+)/)?.[1]);
}

forEachPython("attach with listen: the agent dials in with --connect", (target) => {
  let remote: RemoteDir;
  let appCopy: string;
  let adapter: Adapter;
  let program: Debuggee;

  before(() => {
    ({ remote, app: appCopy } = remoteApp());
  });
  after(async () => {
    await adapter?.client.disconnect();
    program?.kill();
    remote.remove();
  });

  it("waits on a free port, the program connects, breakpoints are set before it starts", async () => {
    adapter = startAdapter();
    const started = adapter.client.start(
      "attach",
      { listen: { host: "127.0.0.1", port: 0 }, pathMappings: pathMappings(remote) },
      { [app.path]: [app.line("BP1")] },
    );
    started.catch(() => {});
    const port = await announcedPort(adapter);
    program = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, appCopy], {
      cwd: remote.dir,
    });
    const [bp] = (await started)[app.path];
    assert.equal(bp.verified, true, bp.message);
    await program.waitFor("stdout", /ready/);
  });

  it("hits the breakpoint, with frames on local paths", async () => {
    const stopped = adapter.client.nextStop();
    program.send("one");
    const event = await stopped;
    const { stackFrames } = await adapter.client.stackTrace(event.body.threadId ?? 0);
    assert.equal(stackFrames[0].source?.path, app.path);
    assert.equal(stackFrames[0].line, app.line("BP1"));
    await adapter.client.request("continue", { threadId: event.body.threadId ?? 0 });
    await outputEvent(adapter.client, "done ONE");
  });

  it("reports the program's exit code, then terminated", async () => {
    const exited = adapter.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    const terminated = adapter.client.waitFor("terminated");
    program.send("quit 4");
    assert.equal((await exited).body.exitCode, 4);
    await terminated;
    assert.equal(await program.exitCode(), 4);
    assert.deepEqual(program.stdout.trim().split("\n"), ["ready", "handling one", "done ONE", "bye"]);
  });
});

forEachPython("pdap adapter --listen-for-agents: an agent waits for a client", (target) => {
  let remote: RemoteDir;
  let appCopy: string;
  let adapter: Adapter;
  let program: Debuggee;
  let port: number;

  before(async () => {
    ({ remote, app: appCopy } = remoteApp());
    adapter = startAdapter(["--listen-for-agents", "127.0.0.1:0"]);
    port = Number((await adapterSays(adapter, /waiting for agents on 127\.0\.0\.1:(\d+)/))[1]);
  });
  after(async () => {
    await adapter.client.disconnect();
    program?.kill();
    remote.remove();
  });

  it("keeps an agent that dials in before any client; the program waits for its configuration", async () => {
    program = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, appCopy], {
      cwd: remote.dir,
    });
    await adapterSays(adapter, new RegExp(`agent of pid ${program.child.pid} .* waits for a client`));
    assert.doesNotMatch(program.stdout, /ready/);
  });

  it("a client's attach with listen on that port takes it, with breakpoints", async () => {
    const breakpoints = await adapter.client.start(
      "attach",
      { listen: { port }, pathMappings: pathMappings(remote) },
      { [app.path]: [app.line("BP1")] },
    );
    assert.equal(breakpoints[app.path][0].verified, true);
    await program.waitFor("stdout", /ready/);
    const stopped = adapter.client.nextStop();
    program.send("one");
    const event = await stopped;
    const { stackFrames } = await adapter.client.stackTrace(event.body.threadId ?? 0);
    assert.equal(stackFrames[0].source?.path, app.path);
    const exited = adapter.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await adapter.client.request("continue", { threadId: event.body.threadId ?? 0 });
    program.send("quit 0");
    assert.equal((await exited).body.exitCode, 0);
    assert.equal(await program.exitCode(), 0);
  });
});

forEachPython("attach with listen: pdap.connect() in code", (target) => {
  it("connects, waits for the client, and reports its end", async () => {
    const adapter = startAdapter();
    let program: Debuggee | undefined;
    try {
      const exited = adapter.client.waitFor<DebugProtocol.ExitedEvent>("exited");
      const started = adapter.client.start("attach", { listen: { host: "127.0.0.1", port: 0 } });
      started.catch(() => {});
      const port = await announcedPort(adapter);
      const code = [
        "import pdap",
        `pdap.connect('127.0.0.1:${port}')`,
        "pdap.wait_for_client()",
        "print('attached', pdap.is_client_connected(), flush=True)",
      ].join("\n");
      program = Debuggee.start(target, ["-c", code]);
      await started;
      await outputEvent(adapter.client, "attached True");
      assert.equal((await exited).body.exitCode, 0);
      assert.equal(await program.exitCode(), 0);
    } finally {
      await adapter.client.disconnect();
      program?.kill();
    }
  });
});
