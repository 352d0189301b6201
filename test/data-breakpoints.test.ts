// Data breakpoints: dataBreakpointInfo (variables and expression forms) and setDataBreakpoints on a
// local, a global, an attribute (plain and __slots__), a dict item, a list item, a mutated value;
// the stop comes after the line that made the change, in the thread that made it.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { onMainTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario, type Stop } from "./support/session.js";

const program = fixture("data_bps.py");
const library = fixture("data_lib.py");

type Info = DebugProtocol.DataBreakpointInfoResponse["body"];
type StoppedBody = DebugProtocol.StoppedEvent["body"];

/** Stops at a marker of data_bps.py, with that line breakpoint then removed. */
async function launchTo(
  target: Parameters<Parameters<typeof forEachPython>[1]>[0],
  marker: string,
): Promise<{ s: Scenario; stop: Stop }> {
  const { scenario: s, stop } = await Scenario.launchToStop(target, program, [marker]);
  await s.client.setBreakpoints(program.path, []);
  return { s, stop };
}

async function info(s: Scenario, args: DebugProtocol.DataBreakpointInfoArguments): Promise<Info> {
  return s.client.request("dataBreakpointInfo", args);
}

async function watch(
  s: Scenario,
  breakpoints: DebugProtocol.DataBreakpoint[],
): Promise<DebugProtocol.Breakpoint[]> {
  const body = await s.client.request("setDataBreakpoints", { breakpoints });
  return body.breakpoints;
}

/** Continues and returns the next stop with its event body. */
async function next(s: Scenario, threadId: number): Promise<{ stop: Stop; body: StoppedBody }> {
  const event = await s.client.resume("continue", threadId);
  return { stop: await s.describe(event), body: event.body };
}

async function finish(s: Scenario, threadId: number): Promise<{ code: number; out: string }> {
  await s.client.request("continue", { threadId });
  const code = await s.exitCode();
  return { code, out: s.client.output("stdout") };
}

const END_OUTPUT =
  "ready\nslot 7\nmode slow\nitems [1, 20, 3]\nlog ['x']\ntotal 13\nworker done\n" +
  "count 100 True True Counter\nslotted True debug\n";

forEachPython("data breakpoints", (target) => {
  it("the adapter offers data breakpoints with a mutation mode", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const caps = s.client.capabilities;
      assert.equal(caps.supportsDataBreakpoints, true);
      assert.deepEqual(
        caps.breakpointModes?.map((mode) => mode.mode),
        ["change", "mutation"],
      );
      const { code, out } = await finish(s, stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("an attribute (expression form): stops after the changing line, in every thread, with hitCondition", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const found = await info(s, { name: "counter.count", frameId: stop.frames[0].id });
      assert.ok(found.dataId, found.description);
      assert.deepEqual(found.accessTypes, ["write"]);
      assert.match(found.description, /counter\.count/);
      const [bp] = await watch(s, [{ dataId: found.dataId, accessType: "write", hitCondition: ">= 2" }]);
      assert.equal(bp.verified, true, bp.message);
      let hit = await next(s, stop.threadId);
      assertAt(hit.stop, "bump", program.line("AFTER_BUMP"), "data breakpoint");
      assert.deepEqual(hit.body.hitBreakpointIds, [bp.id]);
      assert.equal(hit.body.description, "counter.count: 1 -> 2", "the first change did not count (>= 2)");
      assert.equal((await s.evaluate(hit.stop, "self.count")).result, "2");
      hit = await next(s, hit.stop.threadId);
      assertAt(hit.stop, "bump", program.line("AFTER_BUMP"), "data breakpoint");
      assert.equal(hit.body.description, "counter.count: 2 -> 3");
      hit = await next(s, hit.stop.threadId);
      assertAt(hit.stop, "worker", program.line("WORKER_AFTER"), "data breakpoint");
      assert.equal(hit.body.description, "counter.count: 3 -> 100");
      const threads = await s.client.threads();
      assert.equal(threads.find((t) => t.id === hit.stop.threadId)?.name, "worker");
      await watch(s, []); // the object gets its own class back
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("an attribute of a __slots__ object (variables form), with a condition", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const vars = await s.client.variables((await s.client.scopes(stop.frames[0].id))[0].variablesReference);
      const slotted = vars.find((v) => v.name === "slotted");
      assert.ok(slotted && slotted.variablesReference > 0);
      const found = await info(s, { variablesReference: slotted.variablesReference, name: "value" });
      assert.ok(found.dataId, found.description);
      const [bp] = await watch(s, [{ dataId: found.dataId, condition: "slotted.value > 5" }]);
      assert.equal(bp.verified, true, bp.message);
      const hit = await next(s, stop.threadId);
      assertAt(hit.stop, "main", program.line("AFTER_SLOT"), "data breakpoint");
      assert.equal(hit.body.description, "slotted.value: 0 -> 7");
      assert.doesNotMatch(s.client.output("stdout"), /slot/, "stopped after the line, before the next");
      assert.equal((await s.evaluate(hit.stop, "slotted.__class__ is Slotted")).result, "True");
      await watch(s, []); // type(slotted) is Slotted again
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("a module global: stops in the function that stores it; canPersist", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const found = await info(s, { name: "SETTING", frameId: stop.frames[0].id });
      assert.ok(found.dataId, found.description);
      assert.equal(found.canPersist, true);
      assert.equal(found.description, "SETTING (global)");
      const globals = (await s.client.scopes(stop.frames[0].id))[1];
      const fromView = await info(s, { variablesReference: globals.variablesReference, name: "SETTING" });
      assert.equal(fromView.dataId, found.dataId, "the Globals view names the same global");
      const [bp] = await watch(s, [{ dataId: found.dataId }]);
      const hit = await next(s, stop.threadId);
      assertAt(hit.stop, "configure", program.line("AFTER_GLOBAL"), "data breakpoint");
      assert.deepEqual(hit.body.hitBreakpointIds, [bp.id]);
      assert.equal(hit.body.description, "SETTING: 'start' -> 'debug'");
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("a local of one frame: stops after the line that rebinds it; ends when the frame returns", async () => {
    const { s, stop } = await launchTo(target, "ACC_LOOP");
    try {
      assertAt(stop, "accumulate", program.line("ACC_LOOP"));
      const found = await info(s, { name: "total", frameId: stop.frames[0].id });
      assert.ok(found.dataId, found.description);
      assert.match(found.description, /total \(local variable of accumulate\)/);
      assert.equal(found.canPersist, false);
      const [bp] = await watch(s, [{ dataId: found.dataId }]);
      assert.equal(bp.verified, true, bp.message);
      const hit = await next(s, stop.threadId);
      assertAt(hit.stop, "accumulate", program.line("ACC_AFTER"), "data breakpoint");
      assert.equal(hit.body.description, "total: 0 -> 10");
      assert.equal((await s.locals(hit.stop.frames[0].id)).i, "2");
      const ended = s.client.waitFor<DebugProtocol.BreakpointEvent>(
        "breakpoint",
        (event) => event.body.breakpoint.id === bp.id,
      );
      const { code, out } = await finish(s, hit.stop.threadId);
      const event = await ended;
      assert.equal(event.body.breakpoint.verified, false);
      assert.match(event.body.breakpoint.message ?? "", /returned/);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("a dict item and a list item; storing an equal value is no change", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const frameId = stop.frames[0].id;
      const level = await info(s, { name: 'config["level"]', frameId });
      const mode = await info(s, { name: 'config["mode"]', frameId });
      const vars = await s.client.variables((await s.client.scopes(frameId))[0].variablesReference);
      const items = vars.find((v) => v.name === "items");
      assert.ok(items);
      const item = await info(s, { variablesReference: items.variablesReference, name: "1" });
      for (const found of [level, mode, item]) assert.ok(found.dataId, found.description);
      const bps = await watch(
        s,
        [level, mode, item].map((found) => ({ dataId: found.dataId as string })),
      );
      let hit = await next(s, stop.threadId);
      assertAt(hit.stop, "main", program.line("AFTER_ITEM"), "data breakpoint");
      assert.deepEqual(hit.body.hitBreakpointIds, [bps[1].id]);
      assert.equal(hit.body.description, "config[\"mode\"]: 'fast' -> 'slow'");
      hit = await next(s, hit.stop.threadId);
      assertAt(hit.stop, "main", program.line("AFTER_LIST"), "data breakpoint");
      assert.deepEqual(hit.body.hitBreakpointIds, [bps[2].id]);
      assert.equal(hit.body.description, "items[1]: 2 -> 20");
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("mutation mode: a list changed in place, compared by a shallow snapshot", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const plain = await info(s, { name: "log", frameId: stop.frames[0].id });
      const found = await info(s, { name: "log", frameId: stop.frames[0].id, mode: "mutation" });
      assert.ok(found.dataId, found.description);
      assert.notEqual(found.dataId, plain.dataId);
      assert.match(found.description, /changed in place/);
      await watch(s, [{ dataId: found.dataId }]);
      const hit = await next(s, stop.threadId);
      assertAt(hit.stop, "main", program.line("AFTER_MUTATE"), "data breakpoint");
      assert.equal(hit.body.description, "log: [] -> ['x']");
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });

  it("library code that sets a watched attribute stops at the program's call into it (justMyCode)", async () => {
    const { scenario: s, stop } = await Scenario.launchToStop(target, library, ["PARSE_READY"]);
    try {
      await s.client.setBreakpoints(library.path, []);
      const found = await info(s, { name: "options.verbose", frameId: stop.frames[0].id });
      assert.ok(found.dataId, found.description);
      await watch(s, [{ dataId: found.dataId }]);
      const hit = await next(s, stop.threadId);
      assertAt(hit.stop, "main", library.line("PARSE"), "data breakpoint");
      assert.equal(hit.body.description, "options.verbose: False -> True");
      const { code, out } = await finish(s, hit.stop.threadId);
      assert.equal(code, 0);
      assert.equal(out, "parsing\nverbose True\n");
    } finally {
      await s.close();
    }
  });

  it("a global's data breakpoint lasts through restart (canPersist)", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const found = await info(s, { name: "SETTING", frameId: stop.frames[0].id });
      assert.ok(found.dataId, found.description);
      const [bp] = await watch(s, [{ dataId: found.dataId, condition: "SETTING == 'debug'" }]);
      await s.client.request("restart");
      // the new process: the same breakpoint (its id is the new process's), stops in configure
      const hit = await s.client.nextStop();
      const again = await s.describe(hit);
      assertAt(again, "configure", program.line("AFTER_GLOBAL"), "data breakpoint");
      assert.equal(hit.body.description, "SETTING: 'start' -> 'debug'");
      assert.equal(typeof bp.id, "number");
      const { code, out } = await finish(s, again.threadId);
      assert.equal(code, 0);
      assert.match(out, /slotted True debug\n$/);
    } finally {
      await s.close();
    }
  });

  it("what cannot be watched says why; a write made by setVariable during the stop is no hit", async () => {
    const { s, stop } = await launchTo(target, "READY");
    try {
      const frameId = stop.frames[0].id;
      const computed = await info(s, { name: "len(items)", frameId });
      assert.equal(computed.dataId, null);
      assert.match(computed.description, /not an expression that computes/);
      const builtin = await info(s, { name: "config.keys", frameId });
      assert.equal(builtin.dataId, null);
      assert.match(builtin.description, /builtin type dict/);
      const missing = await info(s, { name: "nothing.here", frameId });
      assert.equal(missing.dataId, null);
      assert.match(missing.description, /nothing/);
      const stale = await watch(s, [{ dataId: "attr#999:gone" }]);
      assert.equal(stale[0].verified, false);
      assert.ok(stale[0].message);
      const found = await info(s, { name: "slotted.value", frameId });
      assert.ok(found.dataId);
      await watch(s, [{ dataId: found.dataId }]);
      await s.client.request("setExpression", { expression: "slotted.value", value: "7", frameId });
      // the program's own write stores 7 again: no change from the value set while stopped
      await s.client.setBreakpoints(program.path, [program.line("AFTER_ITEM")]);
      const { stop: later } = await next(s, stop.threadId);
      assertAt(later, "main", program.line("AFTER_ITEM"), "breakpoint");
      await watch(s, []);
      const { code, out } = await finish(s, later.threadId);
      assert.equal(code, 0);
      assert.equal(out, END_OUTPUT);
    } finally {
      await s.close();
    }
  });
});

onMainTerminal("terminal debugger: watch", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["data_bps.py"]));

  it("watch EXPR is listed with the breakpoints, takes ignore and stops with old -> new", async () => {
    await term().waitFor("(pdap)");
    await term().command(`b ${program.line("READY")}`);
    await term().command("c");
    assert.equal(
      await term().command("clear 1"),
      `Deleted breakpoint 1 at data_bps.py:${program.line("READY")}`,
    );
    assert.equal(await term().command("watch counter.count"), "Watchpoint 2: counter.count (attribute)");
    assert.equal(await term().command("ignore 2 1"), "Will ignore next 1 crossing of breakpoint 2.");
    assert.equal(await term().command("watch SETTING"), "Watchpoint 3: SETTING (global)");
    assert.match(await term().command("watch len(items)"), /^\*\*\* cannot watch len\(items\): .*computes/);
    const listing = await term().command("b");
    assert.match(listing, /^2 {3}watchpoint {3}keep yes {3}counter\.count$/m);
    assert.match(listing, /will ignore the next 1 hits/);
    assert.match(listing, /^3 {3}watchpoint {3}keep yes {3}SETTING$/m);
    const first = await term().command("c");
    assert.deepEqual(stopsIn(first), [`> bump() at data_bps.py:${program.line("AFTER_BUMP")}`]);
    assert.match(first, /\(watchpoint 2, counter\.count: 1 -> 2\)/);
    assert.equal(await term().command("delete 2"), "Deleted watchpoint 2: counter.count");
    const second = await term().command("c");
    assert.deepEqual(stopsIn(second), [`> configure() at data_bps.py:${program.line("AFTER_GLOBAL")}`]);
    assert.match(second, /\(watchpoint 3, SETTING: 'start' -> 'debug'\)/);
    const end = await term().command("c");
    assert.match(end, /^count 100 True True Counter$/m);
    assert.match(end, /^slotted True debug$/m);
    assert.equal(await term().exitStatus(), 0);
  });
});

onMainTerminal("terminal debugger: watch a local", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["data_bps.py"]));

  it("stops after the line that rebinds it, and the watchpoint goes when its frame returns", async () => {
    await term().waitFor("(pdap)");
    await term().command(`b ${program.line("ACC_LOOP")}`);
    await term().command("c");
    assert.equal(await term().command("watch total"), "Watchpoint 2: total (local variable of accumulate)");
    await term().command("clear 1");
    const hit = await term().command("c");
    assert.deepEqual(stopsIn(hit), [`> accumulate() at data_bps.py:${program.line("ACC_AFTER")}`]);
    assert.match(hit, /\(watchpoint 2, total: 0 -> 10\)/);
    const end = await term().command("c");
    // said as the frame returns, which may be in the middle of a line the program is printing
    assert.match(end, /Watchpoint 2 deleted: total: its frame has returned$/m);
    assert.match(end, /^slotted True debug$/m);
    assert.equal(await term().exitStatus(), 0);
  });
});
