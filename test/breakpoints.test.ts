// Conditions, hit counts, logpoints, function and exception breakpoints, breakpoint locations.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget } from "./support/pythons.js";
import { assertAt, Scenario } from "./support/session.js";

const bps = fixture("bps.py");
const conditions = fixture("conditions.py");

/** Launches bps.py with the given line breakpoints, then applies `configure` before configurationDone. */
async function launch(
  target: PythonTarget,
  lines: DebugProtocol.SourceBreakpoint[],
  configure: (s: Scenario) => Promise<void> = async () => {},
): Promise<Scenario> {
  const { DapClient } = await import("../src/client/client.js");
  const client = DapClient.spawnAdapter();
  const s = new Scenario(client, target);
  await client.initialize();
  const initialized = client.waitFor("initialized");
  const launched = client.request("launch", {
    program: bps.path,
    python: target.python,
    backend: target.backend,
  });
  await initialized;
  await client.setBreakpoints(bps.path, lines);
  await configure(s);
  await client.request("configurationDone");
  await launched;
  return s;
}

forEachPython("breakpoints", (target) => {
  it("a condition is compiled once and stops only when true; hitCondition counts", async () => {
    const s = await launch(target, [
      { line: bps.line("LOOP1"), condition: "i == 7" },
      { line: bps.line("SQUARE1"), hitCondition: "2" },
    ]);
    let stop = await s.stop();
    assertAt(stop, "loop", bps.line("LOOP1"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).i, "7");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "square", bps.line("SQUARE1"), "breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).n, "4", "the second hit, not the first");
    await s.client.request("continue", { threadId: stop.threadId });
    await s.client.waitFor("exited");
    await s.close();
  });

  it("a condition reads locals, closure cells, globals and builtins as eval would, in every kind of scope", async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: conditions.path },
      {
        [conditions.path]: [
          { line: conditions.line("COND_CLASS"), condition: "size == 4 and double_it(size) == 8" },
          { line: conditions.line("COND_CLOSURE"), condition: "seen == LIMIT * factor" },
          { line: conditions.line("COND_UNBOUND"), condition: "n == LIMIT" },
          { line: conditions.line("COND_NESTED"), condition: "any(v > LIMIT for v in values)" },
        ],
      },
    );
    const expected: Array<[string, string, Record<string, string>]> = [
      ["Config", "COND_CLASS", { size: "4" }],
      ["inner", "COND_CLOSURE", { x: "3", seen: "6" }],
      ["shadow", "COND_UNBOUND", { n: "3" }],
      ["comprehension", "COND_NESTED", { values: "[1, 5]" }],
    ];
    let threadId: number | undefined;
    for (const [name, marker, values] of expected) {
      const stop = threadId === undefined ? await s.stop() : await s.resume("continue", threadId);
      threadId = stop.threadId;
      assertAt(stop, name, conditions.line(marker), "breakpoint");
      const locals = await s.locals(stop.frames[0].id);
      for (const [key, value] of Object.entries(values))
        assert.equal(locals[key], value, `${key} at ${marker}`);
    }
    await s.client.request("continue", { threadId: threadId ?? 0 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /conditions done/);
    await s.close();
  });

  it("invalid conditions are reported unverified; a condition that raises stops and says why", async () => {
    let result: DebugProtocol.Breakpoint[] = [];
    const s = await launch(target, [], async (sc) => {
      result = await sc.client.setBreakpoints(bps.path, [
        { line: bps.line("HELLO1"), condition: "name ==" },
        { line: bps.line("SQUARE1"), hitCondition: "sometimes" },
        { line: bps.line("LOOP1"), condition: "undefined_thing > 1" },
      ]);
    });
    const client = s.client;
    assert.equal(result[0].verified, false);
    assert.match(result[0].message ?? "", /invalid condition 'name ==': SyntaxError/);
    assert.equal(result[1].verified, false);
    assert.match(result[1].message ?? "", /invalid hit condition 'sometimes'/);
    assert.equal(result[2].verified, true);
    const event = await client.nextStop();
    assert.match(event.body.text ?? "", /NameError: name 'undefined_thing' is not defined/);
    await s.close();
  });

  it("logpoints print interpolated messages and never stop", async () => {
    const s = await launch(target, [
      { line: bps.line("SQUARE1"), logMessage: "square of {n} is {n * n}, {missing}" },
    ]);
    assert.equal(await s.exitCode(), 1, "the fixture ends with an uncaught ValueError");
    const console = s.client.output("console");
    assert.match(console, /square of 3 is 9, <NameError: name 'missing' is not defined>\n/);
    assert.match(console, /square of 4 is 16/);
    assert.equal(
      s.client.events.filter((e) => e.event === "stopped").length,
      0,
      "no stop for a logpoint (the uncaught filter is off by default here)",
    );
    await s.close();
  });

  it("function breakpoints by name, Class.method and module.func stop on the first line", async () => {
    const s = await launch(target, [], async (sc) => {
      const result = await sc.client.request("setFunctionBreakpoints", {
        breakpoints: [
          { name: "Greeter.hello" },
          { name: "__main__.loop" },
          { name: "square", condition: "n == 4" },
        ],
      });
      assert.equal(result.breakpoints.length, 3);
      assert.ok(result.breakpoints.every((bp) => bp.verified));
    });
    let stop = await s.stop();
    assertAt(stop, "loop", bps.line("LOOP1") - 2, "function breakpoint");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "square", bps.line("SQUARE1"), "function breakpoint");
    assert.equal((await s.locals(stop.frames[0].id)).n, "4");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "hello", bps.line("HELLO1"), "function breakpoint");
    await s.close();
  });

  it("exception filters: raised (with a condition), userUnhandled, uncaught; exceptionInfo", async () => {
    const s = await launch(target, [], async (sc) => {
      await sc.client.request("setExceptionBreakpoints", {
        filters: ["userUnhandled", "uncaught"],
        filterOptions: [{ filterId: "raised", condition: "isinstance(exception, ValueError)" }],
      });
    });
    let stop = await s.stop();
    assertAt(stop, "risky", bps.line("RAISE_VALUE"), "exception");
    assert.equal(stop.frames[1].line, bps.line("HANDLED1"));
    let info = await s.client.request("exceptionInfo", {
      threadId: stop.threadId,
    });
    assert.equal(info.exceptionId, "ValueError");
    assert.equal(info.description, "bad value");
    assert.equal(info.breakMode, "always");
    assert.match(info.details?.stackTrace ?? "", /raise ValueError\("bad value"\)/);

    // the KeyError leaves user code (__missing__) into UserDict.__getitem__, a library caller
    stop = await s.resume("continue", stop.threadId);
    assert.equal(stop.reason, "exception");
    assert.equal(stop.frames[0].name, "__missing__");
    assert.equal(stop.frames[0].line, bps.line("USER_CB"));
    info = await s.client.request("exceptionInfo", { threadId: stop.threadId });
    assert.equal(info.breakMode, "userUnhandled");
    assert.equal(info.exceptionId, "KeyError");

    // the final ValueError is raised (stop 'always' first), then ends the program (uncaught)
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "risky", bps.line("RAISE_VALUE"), "exception");
    stop = await s.resume("continue", stop.threadId);
    assert.equal(stop.reason, "exception");
    info = await s.client.request("exceptionInfo", { threadId: stop.threadId });
    assert.equal(info.breakMode, "unhandled");
    assertAt(stop, "risky", bps.line("RAISE_VALUE"));
    assert.deepEqual(
      stop.frames.map((f) => f.name),
      ["risky", "main", "<module>"],
    );
    assert.equal(stop.frames[1].line, bps.line("UNCAUGHT1"));
    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 1);
    assert.match(s.client.output("stdout"), /caught KeyError in main/);
    await s.close();
  });

  it("a breakpoint in a file that appears later is verified by a breakpoint event when its code runs", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const folder = mkdtempSync(path.join(tmpdir(), "pdap-later-"));
    const generated = path.join(folder, "generated_mod.py");
    const later = fixture("later.py");
    const client = (await import("../src/client/client.js")).DapClient.spawnAdapter();
    const s = new Scenario(client, target);
    const result = await client.start(
      "launch",
      { program: later.path, args: [folder], python: target.python, backend: target.backend },
      { [generated]: [2] },
    );
    assert.equal(result[generated][0].verified, false);
    assert.match(result[generated][0].message ?? "", /file not found/);
    const changed = await client.waitFor<DebugProtocol.BreakpointEvent>("breakpoint");
    assert.equal(changed.body.breakpoint.verified, true);
    assert.equal(changed.body.breakpoint.id, result[generated][0].id);
    assert.equal(changed.body.breakpoint.line, 2);
    const stop = await s.stop();
    assertAt(stop, "compute", 2, "breakpoint");
    await s.close();
  });

  it("breakpointLocations lists the executable lines of a range", async () => {
    const s = await launch(target, [{ line: bps.line("SQUARE1") }]);
    await s.stop();
    const body = await s.client.request("breakpointLocations", {
      source: { path: bps.path },
      line: bps.line("SQUARE1") - 2,
      endLine: bps.line("SQUARE1") + 2,
    });
    assert.deepEqual(
      body.breakpoints.map((b) => b.line),
      [bps.line("SQUARE1") - 1, bps.line("SQUARE1"), bps.line("SQUARE1") + 1],
    );
    await s.close();
  });

  it("justMyCode: an explicit breakpoint in library code still stops there", async () => {
    const library = (await import("node:child_process"))
      .execFileSync(target.python, ["-c", "import collections as c; print(c.__file__)"], { encoding: "utf8" })
      .trim();
    const client = (await import("../src/client/client.js")).DapClient.spawnAdapter();
    const s = new Scenario(client, target);
    const lines = (await import("node:fs")).readFileSync(library, "utf8").split("\n");
    const userDict = lines.findIndex((text) => text.startsWith("class UserDict"));
    const getitem = lines.findIndex((text, i) => i > userDict && text.includes("def __getitem__"));
    await client.start(
      "launch",
      { program: bps.path, python: target.python, backend: target.backend },
      { [library]: [getitem + 2] },
    );
    const stop = await s.stop();
    assert.equal(stop.frames[0].name, "__getitem__");
    assert.equal(stop.frames[0].source?.path, library);
    assert.equal(stop.frames[1].name, "through_library");
    await s.close();
  });
});
