// Remote attach, the debugpy walkthrough: a program started with `python -m pdap --listen` runs
// in a directory of its own (the "remote" side); clients attach with path mappings, hit
// breakpoints set on the local files, detach, drop their link, attach again; the program never
// notices, its output stays complete and its exit code right.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import {
  type Adapter,
  type Debuggee,
  failure,
  HELPER_SOURCE,
  listeningRemoteApp,
  outputEvent,
  pathMappings,
  type RemoteDir,
  startAdapter,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const app = fixture("attach_app.py");

forEachPython("attach: listen, path mappings, detach and reattach", (target) => {
  let remote: RemoteDir;
  let program: Debuggee;
  let port: number;
  let adapter: Adapter | undefined;

  before(async () => {
    ({ remote, program, port } = await listeningRemoteApp(target));
  });
  after(async () => {
    await adapter?.client.disconnect();
    program.kill();
    remote.remove();
  });

  async function attach(): Promise<Adapter> {
    adapter = startAdapter();
    const breakpoints = await adapter.client.start(
      "attach",
      { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote) },
      { [app.path]: [app.line("BP1")] },
    );
    const [bp] = breakpoints[app.path];
    assert.equal(bp.verified, true, bp.message);
    assert.equal(bp.line, app.line("BP1"));
    assert.equal(bp.source?.path, app.path, "the breakpoint is reported on the local file");
    return adapter;
  }

  async function stopAtBreakpoint(client: Adapter["client"], item: string) {
    const stopped = client.nextStop();
    program.send(item);
    const event = await stopped;
    assert.equal(event.body.reason, "breakpoint");
    const { stackFrames } = await client.stackTrace(event.body.threadId ?? 0);
    return { threadId: event.body.threadId ?? 0, frames: stackFrames };
  }

  it("runs with no client attached, its output on its own stdout", async () => {
    program.send("one");
    await program.waitFor("stdout", /done ONE/);
  });

  it("attaches with path mappings: a breakpoint on the local file hits in the remote copy", async () => {
    const { client } = await attach();
    const process = await client.waitFor<DebugProtocol.ProcessEvent>("process");
    assert.equal(process.body.startMethod, "attach");
    const { threadId, frames } = await stopAtBreakpoint(client, "two");
    const [work, helper, main] = frames;
    assert.equal(work.name, "work");
    assert.equal(work.line, app.line("BP1"));
    assert.equal(work.source?.path, app.path, "frames of mapped files come back as local paths");
    assert.equal(main.name, "main");
    assert.equal(main.line, app.line("CALL"));
    assert.equal(main.source?.path, app.path);
    // the helper exists only remotely: served by the agent through a sourceReference
    assert.equal(helper.name, "call");
    assert.ok((helper.source?.sourceReference ?? 0) > 0, JSON.stringify(helper.source));
    const { content } = await client.request("source", {
      source: helper.source,
      sourceReference: helper.source?.sourceReference ?? 0,
    });
    assert.equal(content, HELPER_SOURCE);
    const [locals] = await client.scopes(work.id);
    const vars = await client.variables(locals.variablesReference);
    assert.equal(vars.find((v) => v.name === "item")?.value, "'two'");
    // redirectOutput (default): the program's output while attached also comes as output events
    await outputEvent(client, "handling two");
    const done = outputEvent(client, "done TWO");
    await client.request("continue", { threadId });
    await done;
  });

  it("serves only the program's own loaded sources", async () => {
    const { client } = adapter as Adapter;
    const secret = remote.write("secret.txt", "not for clients\n");
    const unused = remote.write("unused.py", "password = 'x'\n");
    for (const file of [secret, unused, "/etc/passwd", path.join(remote.dir, "..", "..", "etc", "passwd")]) {
      const message = await failure(client.request("source", { source: { path: file }, sourceReference: 0 }));
      assert.match(message, /only the sources of the program's loaded modules/);
    }
    const { content } = await client.request("source", {
      source: { path: app.path },
      sourceReference: 0,
    });
    assert.match(content, /def work\(item\)/, "a loaded module's text, asked for by its local path");
  });

  it("detaches: the program runs on with the breakpoints cleared", async () => {
    const { client } = adapter as Adapter;
    await client.disconnect(false);
    program.send("three");
    await program.waitFor("stdout", /done THREE/);
  });

  it("attaches again; a client whose link drops while stopped leaves the program running", async () => {
    const { client, process } = await attach();
    await stopAtBreakpoint(client, "four");
    process.kill("SIGKILL"); // the adapter dies: the agent link drops without a disconnect
    await program.waitFor("stdout", /done FOUR/);
    program.send("five");
    await program.waitFor("stdout", /done FIVE/);
  });

  it("attaches a third time and sees the program to its end: exited with its code, terminated", async () => {
    const { client } = await attach();
    const { threadId } = await stopAtBreakpoint(client, "six");
    await client.request("continue", { threadId });
    await outputEvent(client, "done SIX");
    const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
    const terminated = client.waitFor("terminated");
    program.send("quit 3");
    assert.equal((await exited).body.exitCode, 3);
    await terminated;
    assert.equal(await program.exitCode(), 3);
  });

  it("wrote its whole output, in order, to its own stdout", () => {
    const expected = ["ready"];
    for (const item of ["one", "two", "three", "four", "five", "six"]) {
      expected.push(`handling ${item}`, `done ${item.toUpperCase()}`);
    }
    expected.push("bye");
    assert.deepEqual(program.stdout.trim().split("\n"), expected, program.describe());
  });
});
