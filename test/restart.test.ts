// DAP restart: the program starts again (launch) or is attached again (attach) in the same session,
// with the client's breakpoints; the client sees the new program's stops, not the old one's end.
import assert from "node:assert/strict";
import { afterEach, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { listeningRemoteApp, pathMappings, startAdapter } from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario } from "./support/session.js";

const restart = fixture("restart.py");
const app = fixture("attach_app.py");

function processIds(s: Scenario): number[] {
  return s.client.events
    .filter((e) => e.event === "process")
    .map((e) => (e as DebugProtocol.ProcessEvent).body.systemProcessId ?? 0);
}

forEachPython("restart", (target) => {
  // a failed assertion must not leave an adapter and its program running (the run would hang)
  let open: Scenario | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  it("launch: restart with new arguments runs a new process that keeps every kind of breakpoint", async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: restart.path, args: ["first"] },
      { [restart.path]: [restart.line("BP1")] },
    );
    open = s;
    let stop = await s.stop();
    assertAt(stop, "work", restart.line("BP1"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).run, "'first'");
    await s.client.request("setFunctionBreakpoints", { breakpoints: [{ name: "main" }] });
    const [firstPid] = processIds(s);

    await s.client.request("restart", {
      arguments: { program: restart.path, args: ["second"], python: target.python, backend: target.backend },
    });
    // the function breakpoint was set after the first program had passed main: now it hits first
    stop = await s.stop();
    assertAt(stop, "main", restart.line("BP1") + 6, "function breakpoint");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "work", restart.line("BP1"), "breakpoint");
    assert.equal(
      (await s.locals(stop.frames[0].id)).run,
      "'second'",
      "the new arguments reached the program",
    );
    const pids = processIds(s);
    assert.equal(pids.length, 2, "a process event for the new program");
    assert.notEqual(pids[1], firstPid);
    assert.equal(
      s.client.events.filter((e) => e.event === "exited" || e.event === "terminated").length,
      0,
      "the old program's end is not reported as the session's end",
    );

    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 3);
    const out = s.client.output("stdout");
    assert.equal(out.match(/start first/g)?.length, 1);
    assert.doesNotMatch(out, /end first/, "the first program was ended at its stop");
    assert.match(out, new RegExp(`run second ${pids[1]}\\n`));
    assert.match(out, /end second\n/);
    await s.close();
  });

  it("launch: restart without arguments reuses the configuration; removed breakpoints stay removed", async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: restart.path, args: ["same"] },
      { [restart.path]: [restart.line("BP1"), restart.line("END")] },
    );
    open = s;
    let stop = await s.stop();
    assertAt(stop, "work", restart.line("BP1"));
    await s.client.setBreakpoints(restart.path, [restart.line("END")]);
    await s.client.request("restart");
    stop = await s.stop();
    assertAt(stop, "main", restart.line("END"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).run, "'same'");
    const changed = s.client.events.filter((e) => e.event === "breakpoint");
    assert.ok(
      changed.some((e) => (e as DebugProtocol.BreakpointEvent).body.breakpoint.line === restart.line("END")),
      "the client hears about the breakpoint as the new program has it",
    );
    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 3);
    assert.equal(s.client.output("stdout").match(/start same/g)?.length, 2);
    await s.close();
  });

  it("attach: restart detaches and attaches again to the same program, which runs on", async () => {
    const { remote, program, port } = await listeningRemoteApp(target);
    try {
      const adapter = await startAdapter();
      const s = new Scenario(adapter.client, target);
      open = s;
      await s.client.start(
        "attach",
        { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote) },
        { [app.path]: [app.line("BP1")] },
      );
      program.send("one");
      let stop = await s.stop();
      assertAt(stop, "work", app.line("BP1"), "breakpoint");
      await s.client.request("restart");
      await program.waitFor("stdout", /done ONE/);
      program.send("two");
      stop = await s.stop();
      assertAt(stop, "work", app.line("BP1"), "breakpoint");
      assert.equal((await s.locals(stop.frames[0].id)).item, "'two'");
      assert.deepEqual(processIds(s), [program.child.pid, program.child.pid]);
      await s.client.request("continue", { threadId: stop.threadId });
      await program.waitFor("stdout", /done TWO/);
      await s.close();
      assert.ok(program.running, "detaching leaves the program running");
      program.send("quit 0");
      assert.equal(await program.exited, 0);
    } finally {
      program.child.kill();
      remote.remove();
    }
  });
});
