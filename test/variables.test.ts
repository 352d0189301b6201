// The variables pane on real data: scopes, containers with paging, dict keys, evaluateName, long
// strings, hex, objects with grouped members and lazy properties, and references after a resume.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario, type Stop } from "./support/session.js";

const data = fixture("variables_data.py");

type Variable = DebugProtocol.Variable;

async function children(s: Scenario, ref: number, extra: Record<string, unknown> = {}): Promise<Variable[]> {
  const body = await s.client.request("variables", {
    variablesReference: ref,
    ...extra,
  });
  return body.variables;
}

function byName(vars: Variable[]): Record<string, Variable> {
  return Object.fromEntries(vars.map((v) => [v.name, v]));
}

function pairs(vars: Variable[]): string[] {
  return vars.map((v) => `${v.name}=${v.value}`);
}

forEachPython("variables of real data", (target) => {
  let s: Scenario;
  let frameId: number;
  let locals: Record<string, Variable>;
  before(async () => {
    let stop: Stop;
    ({ scenario: s, stop } = await Scenario.launchToStop(target, data, ["BP1"]));
    frameId = stop.frames[0].id;
    const [scope] = await s.client.scopes(frameId);
    locals = byName(await s.client.variables(scope.variablesReference));
  });
  after(() => s.close());

  it("shows Locals and Globals, in definition order, with types and evaluateNames", async () => {
    const scopes = await s.client.scopes(frameId);
    assert.deepEqual(
      scopes.map((scope) => scope.name),
      ["Locals", "Globals"],
    );
    const vars = await children(s, scopes[0].variablesReference);
    locals = byName(vars);
    assert.deepEqual(
      vars.map((v) => v.name),
      [
        "numbers",
        "big",
        "table",
        "mixed",
        "pair",
        "tags",
        "frozen",
        "queue",
        "raw",
        "doubles",
        "text",
        "loop",
        "where",
        "item",
        "slotted",
        "color",
        "gadget",
        "many",
        "answer",
      ],
    );
    assert.equal(locals.numbers.value, "[10, 20, 30]");
    assert.equal(locals.numbers.type, "list");
    assert.equal(locals.numbers.indexedVariables, 3);
    for (const v of vars) assert.equal(v.evaluateName, v.name);
    assert.equal(locals.answer.variablesReference, 0);
    // the globals: the program's names, functions and classes grouped after them
    const globals = await children(s, scopes[1].variablesReference);
    const names = globals.map((v) => v.name);
    assert.deepEqual(names.slice(0, 2), ["array", "collections"]);
    assert.deepEqual(names.slice(-3), ["special variables", "function variables", "class variables"]);
    const groups = byName(globals);
    const functions = await children(s, groups["function variables"].variablesReference);
    assert.deepEqual(
      functions.map((v) => v.name),
      ["containers"],
    );
    assert.deepEqual(functions[0].presentationHint, { kind: "method" });
    const classes = await children(s, groups["class variables"].variablesReference);
    assert.deepEqual(
      classes.map((v) => v.name),
      ["Color", "Point", "Item", "Slotted", "Gadget"],
    );
    const special = byName(await children(s, groups["special variables"].variablesReference));
    assert.equal(special.__name__.value, "'__main__'");
  });

  it("opens a ten-million-element list at any page", async () => {
    assert.equal(locals.big.indexedVariables, 10_000_000);
    assert.match(locals.big.value, /^\[0, 1, 2, 3, .*\.\.\.$/);
    assert.ok(locals.big.value.length <= 1003, "the value is cut, not ten million reprs");
    const first = await children(s, locals.big.variablesReference, { filter: "indexed", start: 0, count: 3 });
    assert.deepEqual(pairs(first), ["0=0", "1=1", "2=2"]);
    assert.deepEqual(
      first.map((v) => v.evaluateName),
      ["big[0]", "big[1]", "big[2]"],
    );
    const last = await children(s, locals.big.variablesReference, {
      filter: "indexed",
      start: 9_999_998,
      count: 5,
    });
    assert.deepEqual(pairs(last), ["9999998=9999998", "9999999=9999999"]);
    const middle = await children(s, locals.big.variablesReference, { start: 5_000_000, count: 2 });
    assert.deepEqual(pairs(middle), ["5000000=5000000", "5000001=5000001"]);
    // a client that does not page gets the first thousand and a marker, not ten million
    const unpaged = await children(s, locals.big.variablesReference);
    assert.equal(unpaged.length, 1001);
    assert.deepEqual(pairs(unpaged.slice(-1)), ["...=9999000 more: ask with start and count"]);
    assert.equal((await children(s, locals.big.variablesReference, { filter: "named" })).length, 0);
  });

  it("pages a 100k dict by position with its keys as names", async () => {
    assert.equal(locals.table.indexedVariables, 100_000);
    const page = await children(s, locals.table.variablesReference, {
      filter: "indexed",
      start: 0,
      count: 2,
    });
    assert.deepEqual(pairs(page), ["'k0'=0", "'k1'=1"]);
    assert.deepEqual(
      page.map((v) => v.evaluateName),
      ["table['k0']", "table['k1']"],
    );
    const next = await children(s, locals.table.variablesReference, {
      filter: "indexed",
      start: 2,
      count: 2,
    });
    assert.deepEqual(pairs(next), ["'k2'=2", "'k3'=3"]);
    const end = await children(s, locals.table.variablesReference, {
      filter: "indexed",
      start: 99_998,
      count: 10,
    });
    assert.deepEqual(pairs(end), ["'k99998'=99998", "'k99999'=99999"]);
    const back = await children(s, locals.table.variablesReference, {
      filter: "indexed",
      start: 1,
      count: 1,
    });
    assert.deepEqual(pairs(back), ["'k1'=1"]);
  });

  it("shows dict keys of every kind as real keys whose evaluateName gives the item back", async () => {
    const items = await children(s, locals.mixed.variablesReference);
    assert.deepEqual(pairs(items), ["'name'='pdap'", "3=[1, 2]", "(1, 'a')=None", "2.5='x'"]);
    assert.deepEqual(
      items.map((v) => v.evaluateName),
      ["mixed['name']", "mixed[3]", "mixed[(1, 'a')]", "mixed[2.5]"],
    );
    for (const item of items) {
      const result = await s.client.evaluate(item.evaluateName ?? "", frameId, "watch");
      assert.equal(result.result, item.value, `${item.evaluateName} evaluates to the item`);
    }
  });

  it("expands tuples, sets, frozensets, deques, bytes and arrays", async () => {
    const expect: Record<string, [string, string, string[]]> = {
      pair: ["(1, 'two')", "tuple", ["0=1", "1='two'"]],
      tags: ["{'a'}", "set", ["0='a'"]],
      frozen: ["frozenset({7})", "frozenset", ["0=7"]],
      queue: ["deque([1, 2, 3])", "deque", ["0=1", "1=2", "2=3"]],
      raw: ["b'\\x00\\x01AB'", "bytes", ["0=0", "1=1", "2=65", "3=66"]],
      doubles: ["array('d', [0.5, 1.5])", "array", ["0=0.5", "1=1.5"]],
    };
    for (const [name, [value, type, kids]] of Object.entries(expect)) {
      const v = locals[name];
      assert.equal(v.value, value, name);
      assert.equal(v.type, type, name);
      assert.equal(v.indexedVariables, kids.length, name);
      assert.deepEqual(pairs(await children(s, v.variablesReference)), kids, name);
    }
    const queueKids = await children(s, locals.queue.variablesReference, { start: 1, count: 2 });
    assert.deepEqual(pairs(queueKids), ["1=2", "2=3"]);
    const setKid = (await children(s, locals.tags.variablesReference))[0];
    assert.equal(setKid.evaluateName, "list(tags)[0]");
    assert.equal((await s.client.evaluate("list(tags)[0]", frameId, "watch")).result, "'a'");
  });

  it("shows a self-containing list as Python does and expands it as deep as asked", async () => {
    assert.equal(locals.loop.value, "[1, [...]]");
    const inner = (await children(s, locals.loop.variablesReference))[1];
    assert.equal(inner.evaluateName, "loop[1]");
    const again = await children(s, inner.variablesReference);
    assert.deepEqual(pairs(again), ["0=1", "1=[1, [...]]"]);
    assert.equal(again[1].evaluateName, "loop[1][1]");
  });

  it("cuts long strings in the pane and gives them whole for the clipboard", async () => {
    assert.equal(locals.text.value, `'${"x".repeat(999)}...`);
    const whole = await s.client.evaluate("text", frameId, "clipboard");
    assert.equal(whole.result, `'${"x".repeat(5000)}'`);
    const repl = await s.client.evaluate("text", frameId, "repl");
    assert.equal(repl.result.length, 5002);
  });

  it("shows namedtuples, dataclasses, slots and enums by their fields", async () => {
    assert.equal(locals.where.value, "Point(x=3, y=4)");
    assert.equal(locals.where.type, "Point");
    assert.equal(locals.where.namedVariables, 2);
    const fields = await children(s, locals.where.variablesReference);
    assert.deepEqual(pairs(fields), ["x=3", "y=4"]);
    assert.deepEqual(
      fields.map((v) => v.evaluateName),
      ["where.x", "where.y"],
    );

    assert.equal(locals.item.value, "Item(name='bolt', qty=5)");
    const item = await children(s, locals.item.variablesReference);
    assert.deepEqual(pairs(item.slice(0, 2)), ["name='bolt'", "qty=5"]);
    assert.deepEqual(
      item.slice(2).map((v) => v.name),
      ["special variables"],
    );

    assert.match(locals.slotted.value, /^<__main__\.Slotted object at 0x[0-9a-f]+>$/);
    const slotted = await children(s, locals.slotted.variablesReference);
    assert.deepEqual(
      slotted.map((v) => v.name),
      ["a", "special variables"],
      "the unset slot b is left out",
    );
    assert.equal(slotted[0].value, "1");

    assert.equal(locals.color.value, "<Color.GREEN: 2>");
    assert.deepEqual(pairs(await children(s, locals.color.variablesReference)), ["name='GREEN'", "value=2"]);
  });

  it("lists an object's attributes first, properties lazily, methods and specials in groups", async () => {
    const members = await children(s, locals.gadget.variablesReference);
    assert.deepEqual(
      members.map((v) => v.name),
      ["reads", "label", "counted", "broken", "special variables", "function variables", "class variables"],
    );
    const m = byName(members);
    assert.equal(m.reads.value, "0", "listing the members ran no property");
    assert.equal(m.counted.value, "<property: expand to read>");
    assert.deepEqual(m.counted.presentationHint, { kind: "property", lazy: true });
    assert.equal(m.counted.evaluateName, "gadget.counted");
    const read = await children(s, m.counted.variablesReference);
    assert.deepEqual(pairs(read), ["counted=1"]);
    const broken = await children(s, m.broken.variablesReference);
    assert.deepEqual(pairs(broken), ["broken=<property raised RuntimeError: no luck>"]);
    const functions = await children(s, m["function variables"].variablesReference);
    assert.deepEqual(
      functions.map((v) => v.name),
      ["use"],
    );
    assert.match(
      functions[0].value,
      /^<bound method Gadget\.use of <__main__\.Gadget object at 0x[0-9a-f]+>>$/,
    );
    assert.equal(functions[0].evaluateName, "gadget.use");
    const classVars = await children(s, m["class variables"].variablesReference);
    assert.deepEqual(pairs(classVars), ["KIND='tool'"]);
    const special = byName(await children(s, m["special variables"].variablesReference));
    assert.equal(special.__class__.value, "<class '__main__.Gadget'>");
    assert.equal(special.__dict__.evaluateName, "gadget.__dict__");
  });

  it("lists an object with thousands of attributes", async () => {
    const members = await children(s, locals.many.variablesReference);
    assert.equal(members.length, 3001);
    assert.deepEqual(pairs(members.slice(2998, 3000)), ["a2998=2998", "a2999=2999"]);
    assert.equal(members[3000].name, "special variables");
  });

  it("formats integers as hex when asked, in values and in containers", async () => {
    const scopes = await s.client.scopes(frameId);
    const hex = byName(await children(s, scopes[0].variablesReference, { format: { hex: true } }));
    assert.equal(hex.answer.value, "0xff");
    assert.equal(hex.numbers.value, "[0xa, 0x14, 0x1e]");
    const result = await s.client.request("evaluate", {
      expression: "answer + 1",
      frameId,
      context: "watch",
      format: { hex: true },
    });
    assert.equal(result.result, "0x100");
  });

  it("refuses references after the program resumed, with a clear message; the program ran on", async () => {
    const stale = locals.numbers.variablesReference;
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /gadget reads 1\n/, "the property ran once: when expanded");
    await assert.rejects(
      s.client.variables(stale),
      new RegExp(
        `variablesReference ${stale} is no longer valid: the program has run since it was given|needs a running program`,
      ),
    );
  });
});

forEachPython("variable references", (target) => {
  it("are refused clearly once the program ran on, and never-given ones are named as such", async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: data.path },
      { [data.path]: [data.line("BP1"), data.line("BP1") + 1] },
    );
    try {
      let stop = await s.stop();
      const [localsScope] = await s.client.scopes(stop.frames[0].id);
      const vars = byName(await s.client.variables(localsScope.variablesReference));
      stop = await s.resume("continue", stop.threadId);
      await assert.rejects(
        s.client.variables(vars.numbers.variablesReference),
        new RegExp(
          `variablesReference ${vars.numbers.variablesReference} is no longer valid: the program has run since it was given \\(references last only while the program stays stopped\\)`,
        ),
      );
      await assert.rejects(
        s.client.scopes(1),
        /frameId 1 is no longer valid: the program has run since it was given/,
      );
      await assert.rejects(
        s.client.variables(987_654),
        /variablesReference 987654 is not valid: it was never given/,
      );
      const [fresh] = await s.client.scopes(stop.frames[0].id);
      assert.ok((await s.client.variables(fresh.variablesReference)).length > 0);
    } finally {
      await s.close();
    }
  });
});

forEachPython("cyclic GC while stopped", (target) => {
  it("is paused while the client inspects a stop and runs again once the program resumes", async () => {
    const gcState = fixture("gc_state.py");
    const { scenario: s, stop } = await Scenario.launchToStop(target, gcState, ["BP1"]);
    try {
      await s.client.stackTrace(stop.threadId);
      const paused = await s.evaluate(stop, "__import__('gc').isenabled()");
      assert.equal(paused.result, "False", "no collection walks the program's objects during a stop");
      await s.client.request("continue", { threadId: stop.threadId });
      assert.equal(await s.exitCode(), 0);
      const out = s.client.output("stdout");
      assert.match(out, /gc enabled before the stop: True/);
      assert.match(out, /gc enabled after resume: True/);
    } finally {
      await s.close();
    }
  });
});
