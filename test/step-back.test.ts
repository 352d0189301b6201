// Step back (issue 18): recording, stepBack, reverseContinue, forward through the recording to the
// present, the recorded state in stackTrace/scopes/variables/evaluate, history, on every Python
// and both backends; then the scope list, the memory bound and the terminal debugger on one.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { ErrorId } from "../src/protocol/errors.js";
import { mainTarget, onMainTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget } from "./support/pythons.js";
import { assertAt, Scenario, type Stop } from "./support/session.js";

const app = fixture("step_back.py");
const sacred = fixture("step_back_sacred.py");
const signals = fixture("step_back_signals.py");

async function launch(
  target: PythonTarget,
  lines: Array<number | DebugProtocol.SourceBreakpoint>,
  extra: Record<string, unknown> = { record: true },
): Promise<Scenario> {
  const { scenario } = await Scenario.launch(target, { program: app.path, ...extra }, { [app.path]: lines });
  return scenario;
}

/** A request that moves the thread's view (stepBack, reverseContinue, next… in the past), and its stop. */
async function move(s: Scenario, command: string, threadId: number, args: object = {}): Promise<Stop> {
  const stopped = s.client.nextStop();
  await s.client.requestUnchecked(command, { threadId, ...args });
  return s.describe(await stopped);
}

function inPast(stop: Stop): boolean {
  return stop.frames.some((frame) => frame.presentationHint === "label");
}

async function scopeNames(s: Scenario, stop: Stop): Promise<string[]> {
  return (await s.client.scopes(stop.frames[0].id)).map((scope) => scope.name);
}

async function endsWell(s: Scenario, threadId: number): Promise<void> {
  const exited = s.exitCode();
  await s.client.request("continue", { threadId });
  assert.equal(await exited, 0);
  assert.match(s.client.output("stdout"), /^answer -16$/m);
}

forEachPython("step back", (target) => {
  it("steps back line by line with the recorded locals, into a callee's last line, and forward again to the live present", async (t) => {
    const s = await launch(target, [app.line("BP1")]);
    t.after(() => s.close());
    assert.equal(s.client.capabilities.supportsStepBack, true);
    let stop = await s.stop();
    assertAt(stop, "compute", app.line("BP1"), "breakpoint");
    const tid = stop.threadId;
    assert.equal((await s.locals(stop.frames[0].id)).result, "-16");

    stop = await move(s, "stepBack", tid);
    assertAt(stop, "compute", app.line("RESULT"), "step");
    assert.ok(inPast(stop), "the stack says it shows the recorded state");
    assert.deepEqual(
      stop.frames.filter((f) => f.presentationHint !== "label").map((f) => `${f.name}:${f.line}`),
      [`compute:${app.line("RESULT")}`, `<module>:${app.line("MAIN_CALL")}`],
    );
    assert.match((await scopeNames(s, stop))[0], /^Locals \(recorded at step \d+, line \d+\)$/);
    let locals = await s.locals(stop.frames[0].id);
    assert.equal(locals.total, "-8");
    assert.equal(locals.message, "'negative -8'");
    assert.equal(locals.seen, "[3, 4, -20, 5]");
    assert.equal(locals.result, undefined, "result is not set yet at this moment");
    assert.equal(locals.exc, undefined, "the except clause deleted exc");

    stop = await move(s, "stepBack", tid);
    assertAt(stop, "compute", app.line("CAUGHT"));
    locals = await s.locals(stop.frames[0].id);
    assert.equal(locals.message, undefined);
    assert.match(locals.exc, /^ValueError\('negative -8'\)$/);

    // back over the except clause, into the function that raised: its last line
    for (let i = 0; i < 4 && stop.frames[0].name !== "risky"; i++) stop = await move(s, "stepBack", tid);
    assertAt(stop, "risky", app.line("RAISE"));
    assert.deepEqual(
      stop.frames.filter((f) => f.presentationHint !== "label").map((f) => f.name),
      ["risky", "compute", "<module>"],
    );
    assert.equal((await s.locals(stop.frames[0].id)).x, "-8");
    const raised = (await s.client.scopes(stop.frames[0].id)).find((scope) =>
      scope.name.startsWith("Exception"),
    );
    assert.ok(raised, "the raise is recorded");
    assert.deepEqual(
      (await s.client.variables(raised.variablesReference)).map((v) => `${v.name} ${v.value}`),
      ["(exception) ValueError: negative -8"],
    );
    // the caller's frame shows its recorded state at the call
    const [callerLocals] = await s.client.scopes(stop.frames[1].id);
    const caller = await s.client.variables(callerLocals.variablesReference);
    assert.equal(caller.find((v) => v.name === "total")?.value, "-8");

    // expressions over recorded values; nothing with side effects
    const sum = await s.client.evaluate("x * 2 + len([1, 2])", stop.frames[0].id, "repl");
    assert.equal(sum.result, "-14");
    await assert.rejects(s.client.evaluate("print('hi')", stop.frames[0].id, "repl"), /in the past.*calls/);
    await assert.rejects(
      s.client.request("setVariable", {
        variablesReference: callerLocals.variablesReference,
        name: "total",
        value: "1",
      }),
      /in the past \(recorded state\): setVariable is not possible/,
    );
    // refusals of the past are the client's to read (a stable id), not pdap faults
    const refused = await s.client.connection.rawRequest("evaluate", {
      expression: "print('hi')",
      frameId: stop.frames[0].id,
      context: "repl",
    });
    assert.equal((refused.body as { error: { id: number } }).error.id, ErrorId.refused);
    const unknown = await s.client.connection.rawRequest("evaluate", {
      expression: "never_recorded + 1",
      frameId: stop.frames[0].id,
      context: "repl",
    });
    assert.equal((unknown.body as { error: { id: number } }).error.id, ErrorId.evaluationFailed);
    assert.match(unknown.message ?? "", /name 'never_recorded' was not recorded here/);

    // history: when total changed, with line and value
    const history = await s.client.request("history", {
      name: "total",
      frameId: stop.frames[1].id,
    });
    assert.deepEqual(
      history.changes.map((c) => c.value),
      ["0", "3", "7", "-13", "-8"],
    );
    assert.deepEqual(
      history.changes.map((c) => c.line),
      [app.line("FIRST"), app.line("CALL"), app.line("CALL"), app.line("CALL"), app.line("CALL")],
    );
    const seen = await s.client.request("history", {
      name: "seen",
      frameId: stop.frames[1].id,
    });
    assert.deepEqual(
      seen.changes.map((c) => `${c.line}: ${c.value}`),
      [
        `${app.line("FIRST") + 1}: []`,
        `${app.line("APPEND")}: [3]`,
        `${app.line("APPEND")}: [3, 4]`,
        `${app.line("APPEND")}: [3, 4, -20]`,
        `${app.line("APPEND")}: [3, 4, -20, 5]`,
      ],
      "changed in place by append: seen at the line after",
    );
    const console = await s.client.evaluate(":history total", stop.frames[1].id, "repl");
    assert.match(console.result, /total changed 5 times/);
    assert.match(console.result, new RegExp(`line ${app.line("CALL")} in compute: total = -13`));

    // forward: stepOut leaves risky, next walks compute's lines, then the present (live again)
    stop = await move(s, "stepOut", tid);
    assertAt(stop, "compute", app.line("RISKY") + 1);
    assert.ok(inPast(stop));
    for (let i = 0; i < 5 && inPast(stop); i++) stop = await move(s, "next", tid);
    assert.ok(!inPast(stop), "back at the present");
    assertAt(stop, "compute", app.line("BP1"));
    assert.equal((await s.locals(stop.frames[0].id)).result, "-16");
    assert.equal((await scopeNames(s, stop))[0], "Locals");
    await endsWell(s, tid);
  });

  it("reverseContinue goes back to a breakpoint's earlier hit whose condition held on the recorded values, else to the start", async (t) => {
    const s = await launch(target, [app.line("BP1")]);
    t.after(() => s.close());
    let stop = await s.stop();
    const tid = stop.threadId;
    await s.client.setBreakpoints(app.path, [
      { line: app.line("BP1") },
      { line: app.line("CALL"), condition: "v < 0 and total > 5" },
    ]);
    stop = await move(s, "reverseContinue", tid);
    assertAt(stop, "compute", app.line("CALL"), "breakpoint");
    let locals = await s.locals(stop.frames[0].id);
    assert.deepEqual([locals.v, locals.total], ["-20", "7"]);

    // reverse next from there: the loop's previous line, not add's lines
    stop = await move(s, "stepBack", tid, { over: true });
    assertAt(stop, "compute", app.line("FOR"));
    assert.equal((await s.locals(stop.frames[0].id)).v, "4");
    stop = await move(s, "stepBack", tid, { over: true });
    assertAt(stop, "compute", app.line("APPEND"));
    const returned = (await s.client.scopes(stop.frames[0].id)).find((scope) =>
      scope.name.startsWith("Return"),
    );
    assert.ok(returned, "add just returned: its value is recorded");
    assert.deepEqual(
      (await s.client.variables(returned.variablesReference)).map((v) => `${v.name} ${v.value}`),
      ["(return) add 7"],
    );

    stop = await move(s, "reverseContinue", tid);
    assert.ok(inPast(stop));
    assert.match(stop.frames[0].name, /<module>/);
    assert.equal(stop.frames[0].line, app.line("START"), "the first recorded line");

    // continue forward stops at the recorded hit, then at the present
    stop = await move(s, "continue", tid);
    assertAt(stop, "compute", app.line("CALL"), "breakpoint");
    locals = await s.locals(stop.frames[0].id);
    assert.equal(locals.v, "-20");
    stop = await move(s, "continue", tid);
    assert.ok(!inPast(stop));
    assertAt(stop, "compute", app.line("BP1"));
    await s.client.setBreakpoints(app.path, []);
    await endsWell(s, tid);
  });

  it("reverseContinue replays a data breakpoint on a local: back to the line after each change, old -> new, its condition on recorded values", async (t) => {
    const s = await launch(target, [app.line("BP1")]);
    t.after(() => s.close());
    let stop = await s.stop();
    const tid = stop.threadId;
    const [locals] = await s.client.scopes(stop.frames[0].id);
    const info = await s.client.request("dataBreakpointInfo", {
      variablesReference: locals.variablesReference,
      name: "total",
    });
    assert.ok(info.dataId, info.description);
    const watch = async (condition?: string) => {
      const { breakpoints } = await s.client.request("setDataBreakpoints", {
        breakpoints: [{ dataId: info.dataId as string, accessType: "write", condition }],
      });
      assert.equal(breakpoints[0].verified, true, breakpoints[0].message);
    };
    await watch();
    await s.client.setBreakpoints(app.path, []);

    // total went 0, 3, 7, -13, -8: the stop is the line after the change, as it is live
    const reverse = async () => {
      const stopped = s.client.nextStop();
      await s.client.request("reverseContinue", { threadId: tid });
      const event = await stopped;
      return { stop: await s.describe(event), said: event.body.description ?? "" };
    };
    let back = await reverse();
    assertAt(back.stop, "compute", app.line("APPEND"), "data breakpoint");
    assert.ok(inPast(back.stop));
    assert.equal((await s.locals(back.stop.frames[0].id)).total, "-8");
    assert.match(back.said, /total: -13 -> -8/);
    back = await reverse();
    assertAt(back.stop, "compute", app.line("APPEND"), "data breakpoint");
    assert.equal((await s.locals(back.stop.frames[0].id)).total, "-13");
    assert.match(back.said, /total: 7 -> -13/);

    // a condition is evaluated on the recorded values
    await watch("total > 5");
    stop = await move(s, "reverseContinue", tid);
    assertAt(stop, "compute", app.line("APPEND"), "data breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).total, "7");

    // forward through the recording: the next change that holds, then the present
    await watch();
    stop = await move(s, "continue", tid);
    assertAt(stop, "compute", app.line("APPEND"), "data breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).total, "-13");
    await s.client.request("setDataBreakpoints", { breakpoints: [] });
    stop = await move(s, "continue", tid);
    assert.ok(!inPast(stop));
    assertAt(stop, "compute", app.line("BP1"));
    await endsWell(s, tid);
  });

  it("recording leaves the program as it is: its objects finalised when they would be, its output and gc", async (t) => {
    const expected = execFileSync(target.python, [sacred.path], { encoding: "utf8" });
    assert.match(expected, /^finalised a\nafter del a\nfinalised b\n/);
    const { scenario: s } = await Scenario.launch(target, { program: sacred.path, record: true });
    t.after(() => s.close());
    assert.equal(await s.exitCode(), 0);
    assert.equal(s.client.output("stdout"), expected);
  });

  it("a signal handler's exception reaches the recorded program's frame, with no pdap frames in its traceback", async (t) => {
    const expected = execFileSync(target.python, [signals.path], { encoding: "utf8" });
    const { scenario: s } = await Scenario.launch(target, { program: signals.path, record: true });
    t.after(() => s.close());
    assert.equal(await s.exitCode(), 0);
    assert.equal(s.client.output("stdout"), expected);
  });

  it("records each thread apart: going back in a thread shows only that thread's past", async (t) => {
    const s = await launch(target, [app.line("THREAD1")]);
    t.after(() => s.close());
    let stop = await s.stop();
    assertAt(stop, "worker", app.line("THREAD1"));
    const tid = stop.threadId;
    stop = await move(s, "stepBack", tid);
    assertAt(stop, "worker", app.line("THREAD1") - 1);
    assert.deepEqual(
      stop.frames.filter((f) => f.presentationHint !== "label").map((f) => f.name),
      ["worker"],
    );
    assert.deepEqual(await s.locals(stop.frames[0].id), { n: "10" });
    stop = await move(s, "stepBack", tid);
    assertAt(stop, "worker", app.line("THREAD1") - 1);
    assert.match(
      (stop.frames.at(-1) as DebugProtocol.StackFrame).name,
      /step 1 of/,
      "the start of this thread's recording",
    );
    stop = await move(s, "stepIn", tid);
    assertAt(stop, "worker", app.line("THREAD1"));
    assert.ok(!inPast(stop));
    assert.equal((await s.locals(stop.frames[0].id)).count, "10");
    await endsWell(s, tid);
  });
});

const main = mainTarget();

for (const backend of ["monitoring", "settrace"] as const) {
  const target = main && { ...main, backend, label: `${main.version} ${backend}` };
  it(`without recording, stepBack says how to turn it on; the record request turns it on mid-run [${backend}]`, {
    skip: !main,
  }, async (t) => {
    const s = await launch(target as PythonTarget, [app.line("APPEND")], {});
    t.after(() => s.close());
    let stop = await s.stop();
    await assert.rejects(
      s.client.request("stepBack", { threadId: stop.threadId }),
      /nothing was recorded.*record/,
    );
    const on = await s.client.request("record", { on: true });
    assert.equal(on.recording, true);
    await s.client.setBreakpoints(app.path, [app.line("BP1")]);
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "compute", app.line("BP1"));
    stop = await move(s, "stepBack", stop.threadId);
    assertAt(stop, "compute", app.line("RESULT"));
    assert.equal((await s.locals(stop.frames[0].id)).total, "-8");
    stop = await move(s, "reverseContinue", stop.threadId);
    assert.equal(
      stop.frames[0].line,
      app.line("FOR"),
      "the recording starts after the line where it was turned on",
    );
    stop = await move(s, "continue", stop.threadId);
    await endsWell(s, stop.threadId);
  });
}

for (const backend of ["monitoring", "settrace"] as const) {
  const target = main && { ...main, backend, label: `${main.version} ${backend}` };
  it(`record names module:function: only it is recorded; recordMemory bounds the buffer [${backend}]`, {
    skip: !main,
  }, async (t) => {
    const s = await launch(target as PythonTarget, [app.line("BP1")], { record: ["__main__:add"] });
    t.after(() => s.close());
    let stop = await s.stop();
    const tid = stop.threadId;
    // the previous recorded line is add's last, of its last call
    stop = await move(s, "stepBack", tid);
    assertAt(stop, "add", app.line("ADD_RET"));
    assert.deepEqual(await s.locals(stop.frames[0].id), { total: "-13", value: "5", new: "-8" });
    assert.deepEqual(
      stop.frames.filter((f) => f.presentationHint !== "label").map((f) => f.name),
      ["add"],
      "compute was not recorded",
    );
    stop = await move(s, "continue", tid);
    assert.ok(!inPast(stop), "continue in the past stops at the present first, as gdb does");
    assertAt(stop, "compute", app.line("BP1"));
    await endsWell(s, tid);

    const small = await launch(target as PythonTarget, [app.line("BP1")], {
      record: true,
      recordMemory: 2000,
    });
    t.after(() => small.close());
    stop = await small.stop();
    stop = await move(small, "reverseContinue", stop.threadId);
    assert.match(
      stop.frames[0].name,
      /compute|add/,
      "the oldest events were dropped: the start is late in the run",
    );
    const label = stop.frames.at(-1) as DebugProtocol.StackFrame;
    const [, first] = /step (\d+) of/.exec(label.name) ?? [];
    assert.ok(Number(first) > 1, label.name);
    stop = await move(small, "continue", stop.threadId);
    assert.ok(!inPast(stop));
    await endsWell(small, stop.threadId);
  });
}

it("reverseContinue stops where a function breakpoint's function started and where an exception was raised", {
  skip: !main,
}, async (t) => {
  const s = await launch(main as PythonTarget, [app.line("BP1")]);
  t.after(() => s.close());
  let stop = await s.stop();
  const tid = stop.threadId;
  await s.client.request("setFunctionBreakpoints", {
    breakpoints: [{ name: "add", condition: "value == 4" }],
  });
  stop = await move(s, "reverseContinue", tid);
  assertAt(stop, "add", app.line("ADD1"), "function breakpoint");
  assert.deepEqual(await s.locals(stop.frames[0].id), { total: "3", value: "4" });
  await s.client.request("setFunctionBreakpoints", { breakpoints: [] });
  await s.client.request("setExceptionBreakpoints", { filters: ["raised"] });
  stop = await move(s, "continue", tid);
  assertAt(stop, "risky", app.line("RAISE"), "exception");
  const stopped = s.client.events.filter((e) => e.event === "stopped").at(-1) as DebugProtocol.StoppedEvent;
  assert.match(stopped.body.description ?? "", /ValueError: negative -8 raised here/);
  stop = await move(s, "reverseContinue", tid);
  assert.match(stop.frames.at(-1)?.name ?? "", /step 1 of/, "no earlier raise: the start");
  stop = await move(s, "continue", tid);
  assertAt(stop, "risky", app.line("RAISE"), "exception");
  stop = await move(s, "continue", tid);
  assert.ok(!inPast(stop));
  await s.client.request("setExceptionBreakpoints", { filters: [] });
  await endsWell(s, tid);
});

it("a reverse next from a call site (after a step out, a stop not recorded) stays in the caller", {
  skip: !main,
}, async (t) => {
  const s = await launch(main as PythonTarget, [{ line: app.line("ADD_RET"), condition: "value == -20" }]);
  t.after(() => s.close());
  let stop = await s.stop();
  const tid = stop.threadId;
  stop = await s.resume("stepOut", tid);
  assertAt(stop, "compute", app.line("CALL"));
  // back to the start of the calling line (before the call), not into add
  stop = await move(s, "stepBack", tid, { over: true });
  assertAt(stop, "compute", app.line("CALL"));
  assert.ok(inPast(stop));
  let locals = await s.locals(stop.frames[0].id);
  assert.deepEqual([locals.v, locals.total], ["-20", "7"]);
  stop = await move(s, "stepBack", tid, { over: true });
  assertAt(stop, "compute", app.line("FOR"));
  locals = await s.locals(stop.frames[0].id);
  assert.equal(locals.v, "4");
  stop = await move(s, "next", tid);
  assertAt(stop, "compute", app.line("CALL"));
  assert.ok(inPast(stop));
  stop = await move(s, "next", tid);
  assert.ok(!inPast(stop), "back at the present, the call site");
  assertAt(stop, "compute", app.line("CALL"));
  await s.client.setBreakpoints(app.path, []);
  await endsWell(s, tid);
});

onMainTerminal("step back in the terminal debugger", (target) => {
  const term = terminalFor(() =>
    runInTerminal(target, ["--record", "--no-stop-on-entry", "-b", `${app.line("BP1")}`, "step_back.py"]),
  );

  it("rstep, rnext, rcontinue, history, then forward to the present and on to the end", async () => {
    let screen = await term().waitFor("(pdap)");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("BP1")}`]);
    screen = await term().command("rs");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("RESULT")}`]);
    assert.match(screen, /recorded state, step \d+ of \d+/);
    assert.equal(await term().command("p total"), "-8");
    assert.match(await term().command("p print(1)"), /in the past/);
    const history = await term().command("history total");
    assert.match(history, new RegExp(`line ${app.line("CALL")} in compute: total = -13`));
    assert.equal(history.split("\n").filter((line) => line.includes("total =")).length, 5);
    screen = await term().command(`b ${app.line("APPEND")}, v == 4`);
    screen = await term().command("rc");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("APPEND")}`]);
    assert.equal(await term().command("p v, total"), "(4, 7)");
    screen = await term().command("rn");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("CALL")}`]);
    screen = await term().command("c");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("APPEND")}`]);
    screen = await term().command("c");
    assert.deepEqual(stopsIn(screen), [`> compute() at step_back.py:${app.line("BP1")}`]);
    assert.match(screen, /back at the present/);
    assert.equal(await term().command("p result"), "-16");
    const end = await term().command("c");
    assert.match(end, /^answer -16$/m);
    assert.match(end, /^The program exited with code 0\.$/m);
    assert.equal(await term().exitStatus(), 0);
  });
});

it("attach with record: a program already running is recorded from the attach on", {
  skip: !main,
}, async (t) => {
  const { listeningRemoteApp, pathMappings, startAdapter } = await import("./attach-helpers.js");
  const remoteApp = fixture("attach_app.py");
  const { remote, program, port } = await listeningRemoteApp(main as PythonTarget);
  t.after(() => {
    program.kill();
    remote.remove();
  });
  const adapter = startAdapter();
  t.after(() => adapter.client.disconnect());
  await adapter.client.start(
    "attach",
    { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote), record: true },
    { [remoteApp.path]: [remoteApp.line("BP1")] },
  );
  const s = new Scenario(adapter.client, main as PythonTarget);
  const stopped = s.client.nextStop();
  program.send("two");
  let stop = await s.describe(await stopped);
  assertAt(stop, "work", remoteApp.line("BP1"), "breakpoint");
  const tid = stop.threadId;
  for (let i = 0; i < 4 && stop.frames[0].name !== "main"; i++) stop = await move(s, "stepBack", tid);
  assertAt(stop, "main", remoteApp.line("CALL"));
  assert.ok(inPast(stop));
  assert.equal(stop.frames[0].source?.path, remoteApp.path, "recorded frames are mapped to local paths too");
  assert.equal((await s.locals(stop.frames[0].id)).item, "'two'");
  stop = await move(s, "continue", tid);
  assert.ok(!inPast(stop));
  await s.client.request("continue", { threadId: tid });
  await program.waitFor("stdout", /done TWO/);
});
