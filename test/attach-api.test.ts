// pdap's in-code API, as debugpy users write it: pdap.listen(), pdap.wait_for_client(),
// pdap.is_client_connected(), pdap.breakpoint(), and PYTHONBREAKPOINT=pdap.breakpoint.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { type Adapter, Debuggee, startAdapter } from "./attach-helpers.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const api = fixture("attach_api.py");

forEachPython("attach: pdap.listen() in code, wait_for_client, breakpoint()", (target) => {
  let program: Debuggee;
  let adapter: Adapter;
  let port: number;

  before(async () => {
    program = Debuggee.start(target, [api.path], {
      cwd: FIXTURES,
      env: { PYTHONBREAKPOINT: "pdap.breakpoint" },
    });
    port = Number((await program.waitFor("stdout", /listening (\d+)/))[1]);
  });
  after(async () => {
    await adapter?.client.disconnect();
    program.kill();
  });

  it("waits for a client; breakpoint() and pdap.breakpoint() do nothing while none is attached", async () => {
    await program.waitFor("stdout", /connected at start: False/);
    assert.doesNotMatch(program.stdout, /connected after wait/, "wait_for_client() returned early");
  });

  it("a client attaches; wait_for_client() returns; the builtin breakpoint() stops in pdap", async () => {
    adapter = startAdapter();
    const { client } = adapter;
    const stopped = client.nextStop();
    await client.start("attach", { connect: { host: "127.0.0.1", port } });
    const event = await stopped;
    assert.equal(event.body.reason, "breakpoint");
    await program.waitFor("stdout", /connected after wait: True/);
    const { stackFrames } = await client.stackTrace(event.body.threadId ?? 0);
    assert.equal(stackFrames[0].source?.path, api.path);
    assert.equal(stackFrames[0].line, api.line("AFTER_BREAK"), "stops on the line after breakpoint()");
    const value = await client.evaluate("value", stackFrames[0].id);
    assert.equal(value.result, "41");
  });

  it("runs to its end: exited 0 and terminated reach the client", async () => {
    const { client } = adapter;
    const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
    const terminated = client.waitFor("terminated");
    await client.request("continue", { threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    await terminated;
    assert.equal(await program.exitCode(), 0);
    assert.match(program.stdout, /value 42\n/);
  });
});

forEachPython("attach: an in-code program that fails reports exit code 1", (target) => {
  it("sends exited 1 after an uncaught exception", async () => {
    const code = [
      "import pdap",
      "host, port = pdap.listen(('127.0.0.1', 0))",
      "print('listening', port, flush=True)",
      "pdap.wait_for_client()",
      "raise ValueError('boom')",
    ].join("\n");
    const program = Debuggee.start(target, ["-c", code]);
    const adapter = startAdapter();
    try {
      const port = Number((await program.waitFor("stdout", /listening (\d+)/))[1]);
      const exited = adapter.client.waitFor<DebugProtocol.ExitedEvent>("exited");
      await adapter.client.start("attach", { connect: { host: "127.0.0.1", port } });
      assert.equal((await exited).body.exitCode, 1);
      await adapter.client.waitFor("terminated");
      assert.equal(await program.exitCode(), 1);
      assert.match(program.stderr, /ValueError: boom/);
    } finally {
      await adapter.client.disconnect();
      program.kill();
    }
  });
});
