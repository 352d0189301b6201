// Launch attributes, breakpoint resolution, scopes/variables/evaluate and every way a program ends.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, it } from "node:test";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario } from "./support/session.js";

const basics = fixture("basics.py");
const crash = fixture("crash.py");
const tool = fixture("pkg/tool.py");
const threads = fixture("threads.py");

forEachPython("launch basics", (target) => {
  let s: Scenario;
  let verified: Array<{ line?: number; verified: boolean; message?: string }>;
  before(async () => {
    const started = await Scenario.launch(
      target,
      { program: basics.path, args: ["pdap"], cwd: FIXTURES, env: { PDAP_FIXTURE_ENV: "from-env" } },
      { [basics.path]: [basics.line("COMMENT"), basics.line("GREET1"), 9999] },
    );
    s = started.scenario;
    verified = started.breakpoints[basics.path];
  });
  after(() => s.close());

  it("moves a breakpoint on a comment to the next executable line and rejects one past the end", () => {
    assert.equal(verified[0].verified, true);
    assert.equal(verified[0].line, basics.line("COMMENT") + 3, "the `def greet` line after the blank lines");
    assert.equal(verified[1].verified, true);
    assert.equal(verified[1].line, basics.line("GREET1"));
    assert.equal(verified[2].verified, false);
    assert.match(verified[2].message ?? "", /no executable code/);
  });

  it("stops at the moved breakpoint, then at the function breakpoint with its arguments", async () => {
    let stop = await s.stop();
    assertAt(stop, "<module>", basics.line("COMMENT") + 3, "breakpoint");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "greet", basics.line("GREET1"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).name, "'pdap'", "args reach the program");
  });

  it("shows Locals and Globals, expands nested objects, and evaluates in a frame", async () => {
    const out = await s.resume("stepOut", 1);
    assertAt(out, "main", basics.line("MAIN1"), "step"); // the call site: `text = …` has not run
    const returnScopes = await s.client.scopes(out.frames[0].id);
    assert.deepEqual(
      returnScopes.map((scope) => scope.name),
      ["Locals", "Globals", "Return Value"],
    );
    const [returned] = await s.client.variables(returnScopes[2].variablesReference);
    assert.equal(returned.value, "'hello pdap'", "the value greet returned to the step-out");
    const stop = await s.resume("next", 1);
    assertAt(stop, "main", basics.line("MAIN2"));
    const frameId = stop.frames[0].id;
    const scopes = await s.client.scopes(frameId);
    const locals = await s.client.variables(scopes[0].variablesReference);
    const box = locals.find((v) => v.name === "box");
    assert.ok(box && box.variablesReference > 0, "box is expandable");
    const members = await s.client.variables(box.variablesReference);
    const items = members.find((v) => v.name === "items");
    assert.equal(items?.value, "[1, [2, 3], {'k': 'v'}]");
    assert.equal(items?.evaluateName, "box.items");
    const children = await s.client.variables(items?.variablesReference ?? 0);
    assert.deepEqual(
      children.map((v) => `${v.name}=${v.value}`),
      ["0=1", "1=[2, 3]", "2={'k': 'v'}"],
    );
    const globals = await s.client.variables(scopes[1].variablesReference);
    const functions = globals.find((v) => v.name === "function variables");
    assert.ok(functions, "functions are grouped apart from data");
    const functionNames = (await s.client.variables(functions.variablesReference)).map((v) => v.name);
    assert.ok(functionNames.includes("greet"));
    for (const context of ["repl", "watch", "hover"]) {
      const result = await s.client.evaluate("len(text) + 100", frameId, context);
      assert.equal(result.result, "110");
    }
    await assert.rejects(
      s.client.evaluate("undefined_name", frameId, "watch"),
      /NameError: name 'undefined_name'/,
    );
    await assert.rejects(s.client.evaluate("1 +", frameId, "hover"), /SyntaxError/);
    const statement = await s.client.evaluate("extra = text.upper(); print(extra)", frameId, "repl");
    assert.equal(statement.result, "HELLO PDAP");
  });

  it("sets a breakpoint while stopped and removes one", async () => {
    await s.client.setBreakpoints(basics.path, [basics.line("LOOP1")]);
    let stop = await s.resume("continue", 1);
    assertAt(stop, "main", basics.line("LOOP1"), "breakpoint");
    stop = await s.resume("continue", 1);
    assertAt(stop, "main", basics.line("LOOP1"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).i, "1");
    await s.client.setBreakpoints(basics.path, []);
  });

  it("runs to the end: stdout and stderr kept apart, cwd and env applied, exit code 0", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), new RegExp(`hello pdap ${FIXTURES} from-env`));
    assert.match(s.client.output("stderr"), /stderr line/);
    assert.doesNotMatch(s.client.output("stdout"), /stderr line/);
  });
});

forEachPython("launch targets and endings", (target) => {
  it("stopOnEntry stops at the first line of the program; continue then reaches a module-level breakpoint", async () => {
    const moduleLine = crash.line("INNER_CALL");
    const { scenario } = await Scenario.launch(
      target,
      { program: crash.path, stopOnEntry: true },
      { [crash.path]: [moduleLine] },
    );
    try {
      let stop = await scenario.stop();
      assertAt(stop, "<module>", 1, "entry");
      assert.equal(stop.frames.length, 1, "no pdap or runpy frames below the program");
      stop = await scenario.resume("continue", stop.threadId);
      assertAt(stop, "<module>", moduleLine, "breakpoint");
    } finally {
      await scenario.close();
    }
  });

  it("an uncaught exception is printed and the program exits with code 1", async () => {
    const { scenario } = await Scenario.launch(target, { program: crash.path });
    assert.equal(await scenario.exitCode(), 1);
    const stderr = scenario.client.output("stderr");
    assert.match(stderr, /RuntimeError: the program crashed/);
    assert.match(stderr, /line \d+, in inner/);
    assert.ok(!stderr.includes(AGENT_PYTHONPATH), "the traceback holds no pdap frames");
    assert.match(scenario.client.output("stdout"), /before crash/);
    await scenario.close();
  });

  it("sys.exit(n) gives exit code n", async () => {
    const { scenario } = await Scenario.launch(target, {
      program: basics.path,
      env: { PDAP_FIXTURE_EXIT: "7" },
    });
    assert.equal(await scenario.exitCode(), 7);
    await scenario.close();
  });

  it("runs a module with -m semantics and stops in it", async () => {
    const { scenario } = await Scenario.launch(
      target,
      { module: "pkg.tool", args: ["a", "b"], cwd: FIXTURES },
      { [tool.path]: [tool.line("TOOL1")] },
    );
    const stop = await scenario.stop();
    assertAt(stop, "run", tool.line("TOOL1"), "breakpoint");
    assert.equal(path.basename(stop.frames[0].source?.path ?? ""), "tool.py");
    await scenario.client.request("continue", { threadId: stop.threadId });
    assert.equal(await scenario.exitCode(), 0);
    assert.match(scenario.client.output("stdout"), /\{"args": \["a", "b"\]\}/);
    await scenario.close();
  });

  it("runs code given with -c semantics and stops on entry in it", async () => {
    const { scenario } = await Scenario.launch(target, {
      code: "import sys\nx = 41\nprint(x + 1, sys.argv[1:])",
      args: ["z"],
      stopOnEntry: true,
    });
    let stop = await scenario.stop();
    assertAt(stop, "<module>", 1);
    stop = await scenario.resume("next", stop.threadId);
    stop = await scenario.resume("next", stop.threadId);
    assertAt(stop, "<module>", 3);
    assert.equal((await scenario.evaluate(stop, "x")).result, "41");
    await scenario.client.request("continue", { threadId: stop.threadId });
    assert.equal(await scenario.exitCode(), 0);
    assert.match(scenario.client.output("stdout"), /42 \['z'\]/);
    await scenario.close();
  });

  it("justMyCode: stepping in never enters the standard library", async () => {
    const { scenario } = await Scenario.launch(
      target,
      { program: tool.path, cwd: FIXTURES },
      { [tool.path]: [tool.line("TOOL1")] },
    );
    let stop = await scenario.stop();
    stop = await scenario.resume("stepIn", stop.threadId);
    assert.equal(
      stop.frames[0].source?.path?.endsWith("tool.py"),
      true,
      `stepped into ${stop.frames[0].source?.path}`,
    );
    await scenario.close();
  });

  it("lists threads by name and stops a worker thread at its breakpoint", async () => {
    const { scenario } = await Scenario.launch(
      target,
      { program: threads.path },
      { [threads.path]: [threads.line("WORK1")] },
    );
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const stop = await scenario.stop();
      assertAt(stop, "work", threads.line("WORK1"), "breakpoint");
      const list = await scenario.client.threads();
      const name = list.find((t) => t.id === stop.threadId)?.name ?? "?";
      assert.match(name, /^worker-\d$/);
      assert.ok(list.some((t) => t.name === "MainThread"));
      seen.add(name);
      await scenario.client.request("continue", { threadId: stop.threadId });
    }
    assert.equal(seen.size, 3);
    assert.equal(await scenario.exitCode(), 0);
    assert.match(scenario.client.output("stdout"), /joined/);
    await scenario.close();
  });

  it("showReturnValue: false leaves out the Return Value scope after a step out", async () => {
    const { scenario } = await Scenario.launch(
      target,
      { program: basics.path, showReturnValue: false },
      { [basics.path]: [basics.line("GREET1")] },
    );
    let stop = await scenario.stop();
    stop = await scenario.resume("stepOut", stop.threadId);
    const scopes = await scenario.client.scopes(stop.frames[0].id);
    assert.deepEqual(
      scopes.map((scope) => scope.name),
      ["Locals", "Globals"],
    );
    await scenario.close();
  });

  it("disconnect from a launch terminates the program", async () => {
    const { scenario } = await Scenario.launch(
      target,
      { program: basics.path },
      { [basics.path]: [basics.line("GREET1")] },
    );
    await scenario.stop();
    const terminated = scenario.client.waitFor("terminated");
    await scenario.client.request("disconnect", { terminateDebuggee: true });
    await terminated;
    const exited = scenario.client.events.find((e) => e.event === "exited");
    assert.ok(exited, "exited was sent");
    assert.notEqual(exited.body.exitCode, 0);
    await scenario.close();
  });
});
