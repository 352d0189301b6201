// Threads stop together and every breakpoint hit is reported; pause; output; every way a program ends.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const many = fixture("many_threads.py");
const busy = fixture("busy.py");
const blocked = fixture("blocked.py");
const output = fixture("output.py");
const endings = fixture("endings.py");

forEachPython("threads, pause, output and endings", (target) => {
  it("20 threads hitting one breakpoint at once: every hit is reported, once, with all threads stopped", async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: many.path },
      { [many.path]: [many.line("WORK1")] },
    );
    const hits = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const event = await s.client.nextStop();
      assert.equal(event.body.reason, "breakpoint");
      assert.equal(event.body.allThreadsStopped, true);
      const threadId = event.body.threadId ?? 0;
      const { stackFrames } = await s.client.stackTrace(threadId);
      assert.equal(stackFrames[0].line, many.line("WORK1"), "the named thread is really at the breakpoint");
      const n = (await s.locals(stackFrames[0].id)).n;
      assert.ok(!hits.has(n), `thread with n=${n} reported twice`);
      hits.add(n);
      await s.client.request("continue", { threadId });
    }
    assert.equal(hits.size, 20);
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /done 20 20190/);
    const started = s.client.events.filter((e) => e.event === "thread" && e.body.reason === "started");
    const exited = s.client.events.filter((e) => e.event === "thread" && e.body.reason === "exited");
    assert.equal(started.length, 20);
    assert.equal(exited.length, 20);
    await s.close();
  });

  it("pause stops a busy loop where it runs, lists every thread, and the program resumes", async () => {
    const { scenario: s } = await Scenario.launch(target, { program: busy.path });
    await s.client.waitFor("thread", (e) => e.body.reason === "started");
    // the main thread is in the loop once it has said so (a pause before would stop it elsewhere)
    await s.client.waitFor("output", (e) => /looping/.test(e.body.output));
    const stopped = s.client.nextStop();
    await s.client.request("pause", { threadId: 1 });
    const event = await stopped;
    assert.equal(event.body.reason, "pause");
    const stop = await s.describe(event);
    assert.ok([busy.line("BUSY0"), busy.line("BUSY1")].includes(stop.frames[0].line), "in the busy loop");
    const threads = await s.client.threads();
    assert.deepEqual(threads.map((t) => t.name).sort(), ["MainThread", "sleeper"]);
    const sleeper = threads.find((t) => t.name === "sleeper");
    const { stackFrames } = await s.client.stackTrace(sleeper?.id ?? 0);
    assert.equal(stackFrames[0].name, "sleeper");
    await s.client.evaluate("running = False", stop.frames[0].id, "repl");
    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /stopped after True/);
    await s.close();
  });

  it("pause of a program blocked in a C call reports where it waits", async () => {
    const { scenario: s } = await Scenario.launch(target, { program: blocked.path });
    await s.client.waitFor("output", (e) => /sleeping/.test(e.body.output));
    const stopped = s.client.nextStop();
    await s.client.request("pause", { threadId: 1 });
    const stop = await s.describe(await stopped);
    assert.equal(stop.reason, "pause");
    assert.equal(stop.frames[0].line, blocked.line("BLOCKED1"));
    await s.close();
  });

  it("10,000 lines of output arrive complete and in order, with the last words before exit", async () => {
    const { scenario: s } = await Scenario.launch(target, { program: output.path });
    assert.equal(await s.exitCode(), 4);
    const lines = s.client.output("stdout").split("\n");
    const numbered = lines.filter((line) => line.startsWith("line "));
    assert.equal(numbered.length, 10000);
    numbered.forEach((line, i) => {
      assert.equal(line, `line ${String(i).padStart(5, "0")}`);
    });
    assert.ok(lines.includes("raw bytes line"));
    assert.equal(lines.filter((l) => l === "last words before the crash").length, 1);
    // stdout and stderr in one stream, in the order the program wrote them
    const tail = lines.slice(lines.indexOf("raw bytes line"), lines.indexOf("raw bytes line") + 3);
    assert.deepEqual(tail, ["raw bytes line", "to stderr", "last words before the crash"]);
    assert.equal(s.client.output("stderr"), "");
    await s.close();
  });

  it("terminate asks a running program to end and the client hears exited and terminated", async () => {
    const { scenario: s } = await Scenario.launch(target, { program: blocked.path });
    await s.client.waitFor("output", (e) => /sleeping/.test(e.body.output));
    await s.client.request("terminate");
    const exited = await s.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await s.client.waitFor("terminated");
    assert.equal(exited.body.exitCode, 143, "ended by SIGTERM");
    await s.close();
  });

  for (const [how, code] of [
    ["os_exit", 3],
    ["sigterm", 143],
    ["sigkill", 137],
    ["segfault", 139],
  ] as const) {
    it(`a program ending by ${how} reports exit code ${code}`, async () => {
      const { scenario: s } = await Scenario.launch(target, { program: endings.path, args: [how] });
      const exited = await s.client.waitFor<DebugProtocol.ExitedEvent>("exited");
      await s.client.waitFor("terminated");
      assert.equal(exited.body.exitCode, code);
      assert.match(s.client.output("stdout"), new RegExp(`ending by ${how}`));
      await s.close();
    });
  }
});
