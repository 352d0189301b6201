// Changing a stopped program: setVariable (locals, cells, globals, attributes, items),
// setExpression, statements in the debug console, and completions. The program really uses the
// new values: it prints them after it resumes.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario, type Stop } from "./support/session.js";

const program = fixture("variables_set.py");

type Variable = DebugProtocol.Variable;

function byName(vars: Variable[]): Record<string, Variable> {
  return Object.fromEntries(vars.map((v) => [v.name, v]));
}

forEachPython("setting variables and running statements", (target) => {
  let s: Scenario;
  let frameId: number;
  let scopes: DebugProtocol.Scope[];
  let locals: Record<string, Variable>;

  function setVariable(variablesReference: number, name: string, value: string) {
    return s.client.request("setVariable", {
      variablesReference,
      name,
      value,
    });
  }

  function completions(text: string, column = text.length + 1) {
    return s.client.request("completions", { text, column, frameId }).then((body) => body.targets);
  }

  before(async () => {
    let stop: Stop;
    ({ scenario: s, stop } = await Scenario.launchToStop(target, program, ["BP1", "BP2"]));
    frameId = stop.frames[0].id;
    scopes = await s.client.scopes(frameId);
    locals = byName(await s.client.variables(scopes[0].variablesReference));
  });
  after(() => s.close());

  it("sets locals, a closure's cell, globals, attributes and items", async () => {
    const total = await setVariable(scopes[0].variablesReference, "total", "100");
    assert.equal(total.value, "100");
    assert.equal(total.type, "int");
    const n = await setVariable(scopes[0].variablesReference, "n", "n + 1");
    assert.equal(n.value, "6", "the new value is an expression evaluated in the frame");
    const plain = await setVariable(scopes[0].variablesReference, "plain", "'q' * 3");
    assert.equal(plain.value, "'qqq'");
    const counter = await setVariable(scopes[1].variablesReference, "counter", "41");
    assert.equal(counter.value, "41");
    const size = await setVariable(locals.box.variablesReference, "size", "7");
    assert.equal(size.value, "7");
    const item = await setVariable(locals.items.variablesReference, "1", "20");
    assert.equal(item.value, "20");
    const [mode] = await s.client.variables(locals.config.variablesReference);
    assert.equal(mode.name, "'mode'");
    const changed = await setVariable(locals.config.variablesReference, mode.name, "'fast'");
    assert.equal(changed.value, "'fast'");
    const list = await setVariable(scopes[0].variablesReference, "items", "items + [4]");
    assert.equal(list.value, "[1, 20, 3, 4]");
    assert.equal(list.indexedVariables, 4);
    // reading the frame again shows the new values, not the snapshot taken at the stop
    const again = byName(await s.client.variables((await s.client.scopes(frameId))[0].variablesReference));
    assert.equal(again.total.value, "100");
    assert.equal(again.n.value, "6");
  });

  it("refuses what cannot be set, with the reason", async () => {
    await assert.rejects(setVariable(scopes[0].variablesReference, "total", "1 +"), /SyntaxError/);
    await assert.rejects(
      setVariable(scopes[0].variablesReference, "total", "nope"),
      /NameError: name 'nope'/,
    );
    const tuple = await s.client.evaluate("(1, 2)", frameId, "watch");
    await assert.rejects(
      setVariable(tuple.variablesReference, "0", "5"),
      /cannot change an item of a tuple: it is immutable/,
    );
  });

  it("sets an expression: an item, an attribute, a name", async () => {
    const set = (expression: string, value: string) =>
      s.client.request("setExpression", {
        expression,
        value,
        frameId,
      });
    assert.equal((await set("items[0]", "10")).value, "10");
    assert.equal((await set("box.size", "box.size * 2")).value, "14");
    assert.equal((await set("total", "total + 1")).value, "101");
    await assert.rejects(set("total + 1", "3"), /cannot assign to 'total \+ 1'/);
  });

  it("runs statements in the console: assignments, imports, loops; printed output comes back", async () => {
    const imported = await s.client.evaluate(
      "import math\nroot = math.isqrt(n * 6)\nprint('root is', root)",
      frameId,
      "repl",
    );
    assert.equal(imported.result, "root is 6");
    assert.equal((await s.client.evaluate("root", frameId, "repl")).result, "6");
    const loop = await s.client.evaluate("for k in range(3):\n    print(k)", frameId, "repl");
    assert.equal(loop.result, "0\n1\n2");
    const last = await s.client.evaluate("x2 = total * 2\nx2 + 1", frameId, "repl");
    assert.equal(last.result, "203", "the value of a final expression is shown");
    const comprehension = await s.client.evaluate("[total + k for k in range(2)]", frameId, "repl");
    assert.equal(comprehension.result, "[101, 102]", "a comprehension sees the function's locals");
    const printed = await s.client.evaluate("print('hi')", frameId, "repl");
    assert.equal(printed.result, "hi");
    await assert.rejects(s.client.evaluate("x = 1", frameId, "watch"), /SyntaxError/);
    await assert.rejects(
      s.client.evaluate("print('partial'); 1 / 0", frameId, "repl"),
      /partial\nZeroDivisionError: division by zero/,
    );
  });

  it("completes names in scope, attributes after a dot and dict keys after a bracket", async () => {
    const names = (targets: DebugProtocol.CompletionItem[]) => targets.map((t) => t.label);
    const inScope = await completions("to");
    assert.ok(names(inScope).includes("total"), names(inScope).join(" "));
    assert.equal(inScope.find((t) => t.label === "total")?.type, "variable");
    assert.ok(names(await completions("pri")).includes("print"));
    const attrs = await completions("box.si");
    assert.deepEqual(names(attrs), ["size"]);
    assert.equal(attrs[0].length, 2);
    const methods = await completions("plain.up");
    assert.deepEqual(names(methods), ["upper"]);
    assert.equal(methods[0].type, "method");
    const keys = await completions("config['m");
    assert.deepEqual(names(keys), ["'mode'"]);
    assert.equal(keys[0].text, "'mode']");
    assert.ok(names(await completions("math.fl")).includes("floor"), "a module imported at the console");
    assert.deepEqual(await completions("nothing_here."), []);
  });

  it("the program runs on with every new value", async () => {
    const stop = await s.resume("continue", 1);
    assert.equal(stop.frames[0].line, program.line("BP2"));
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(
      s.client.output("stdout"),
      /after 101 6 qqq 14 \[10, 20, 3, 4\] \{'mode': 'fast'\} 41 101\ndone\n/,
    );
  });
});
