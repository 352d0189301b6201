// Objects that fight back: reprs that raise, recurse, spin or sleep, __getattr__/__getattribute__
// that raise, self-containing dicts. Each shows an error or placeholder within a time bound, and
// the program runs on unchanged.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario, type Stop } from "./support/session.js";

const evil = fixture("variables_evil.py");

type Variable = DebugProtocol.Variable;

function byName(vars: Variable[]): Record<string, Variable> {
  return Object.fromEntries(vars.map((v) => [v.name, v]));
}

forEachPython("variables of evil objects", (target) => {
  let s: Scenario;
  let frameId: number;
  let locals: Record<string, Variable>;
  before(async () => {
    let stop: Stop;
    ({ scenario: s, stop } = await Scenario.launchToStop(target, evil, ["BP1"]));
    frameId = stop.frames[0].id;
  });
  after(() => s.close());

  it("shows each bad repr as an error or a placeholder, and every other value as usual", async () => {
    const [scope] = await s.client.scopes(frameId);
    const vars = await s.client.variables(scope.variablesReference);
    locals = byName(vars);
    assert.deepEqual(
      vars.map((v) => v.name),
      ["raising", "recursive", "sleepy", "sleepy_pair", "spinning", "ghost", "shy", "odd", "selfish", "fine"],
    );
    assert.equal(locals.raising.value, "<repr raised ValueError: bad repr>");
    assert.match(locals.recursive.value, /^<repr raised RecursionError: maximum recursion depth exceeded/);
    assert.equal(
      locals.sleepy.value,
      "<repr of SleepyRepr timed out after 1 s (still running in the background)>",
    );
    assert.equal(
      locals.sleepy_pair.value,
      "[<repr of SleepyRepr skipped: an earlier one has not returned>, 5]",
      "a type whose repr hangs is not asked again while it hangs",
    );
    assert.equal(locals.spinning.value, "<repr of SpinningRepr timed out after 1 s>");
    assert.match(locals.ghost.value, /^<__main__\.GetattrRaises object at 0x[0-9a-f]+>$/);
    assert.match(locals.shy.value, /^<__main__\.GetattributeRaises object at 0x[0-9a-f]+>$/);
    assert.equal(locals.odd.value, "<repr raised TypeError: __repr__ returned non-string (type int)>");
    assert.equal(locals.selfish.value, "{'name': 'me', 'self': {...}}");
    assert.equal(locals.fine.value, "'still fine'");
    for (const v of vars.slice(0, -1)) assert.ok(v.variablesReference > 0, `${v.name} can still be expanded`);
  });

  it("expands objects whose __getattr__ or __getattribute__ raise, without calling them", async () => {
    const ghost = await s.client.variables(locals.ghost.variablesReference);
    assert.deepEqual(ghost.map((v) => `${v.name}=${v.value}`).slice(0, 1), ["x=1"]);
    const shy = await s.client.variables(locals.shy.variablesReference);
    assert.deepEqual(shy.map((v) => `${v.name}=${v.value}`).slice(0, 1), ["y=2"]);
    const spinning = await s.client.variables(locals.spinning.variablesReference);
    assert.deepEqual(
      spinning.map((v) => v.name),
      ["special variables"],
    );
    const selfish = await s.client.variables(locals.selfish.variablesReference);
    assert.deepEqual(
      selfish.map((v) => `${v.name}=${v.value}`),
      ["'name'='me'", "'self'={'name': 'me', 'self': {...}}"],
    );
  });

  it("bounds an evaluation that never ends, and refuses a repr still hanging", async () => {
    await assert.rejects(s.client.evaluate("spin()", frameId, "watch"), /evaluation timed out after 3 s$/);
    const again = await s.client.evaluate("sleepy", frameId, "watch");
    assert.equal(again.result, "<repr of SleepyRepr skipped: an earlier one has not returned>");
    await assert.rejects(
      s.client.evaluate("ghost.missing", frameId, "watch"),
      /RuntimeError: no attribute missing/,
    );
    const ok = await s.client.evaluate("fine.upper()", frameId, "watch");
    assert.equal(ok.result, "'STILL FINE'");
  });

  it("lets the program run on to its end, unchanged", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /after still fine 2\n/);
  });
});
