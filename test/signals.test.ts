// Signals reach the program's code, never pdap's, and tracing is never lost: a program that gets
// 300 SIGINTs while its loop runs traced (a breakpoint in the same function) catches every
// KeyboardInterrupt in its own frame and still stops at every later breakpoint, and so with 100
// SIGUSR1s whose handler raises an Exception; a SIGINT while it is stopped at a breakpoint is
// delivered in its frame once it is resumed.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario } from "./support/session.js";

const program = fixture("signals.py");
const line = (marker: string) => program.line(marker);

forEachPython("signals reach the program", (target) => {
  let s: Scenario;
  before(async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: program.path },
      { [program.path]: ["AFTER_LOOP", "LATER", "AT_STOP", "STOP_RESULT"].map(line) },
    ));
  });
  after(() => s.close());

  it("300 SIGINTs into a traced loop: each caught by the program, in its own frame", async () => {
    const stop = await s.stop();
    assertAt(stop, "interrupted_loop", line("AFTER_LOOP"), "breakpoint");
    assert.equal((await s.evaluate(stop, "st['caught']")).result, "300");
    assert.equal((await s.evaluate(stop, "st['foreign']")).result, "0", "no traceback held pdap's frames");
  });

  it("100 SIGUSR1s whose handler raises, into a loop that calls a function: the program's, with its handler's frame", async () => {
    const stop = await s.resume("continue", 1);
    assertAt(stop, "interrupted_loop", line("AFTER_LOOP"), "breakpoint");
    assert.equal((await s.evaluate(stop, "st['caught']")).result, "100");
    assert.equal((await s.evaluate(stop, "st['foreign']")).result, "0", "tracebacks as without pdap");
    assert.doesNotMatch(s.client.output("console"), /internal error/, "not taken for pdap's own faults");
  });

  it("tracing survives: the breakpoint in the next function still stops", async () => {
    const stop = await s.resume("continue", 1);
    assertAt(stop, "later", line("LATER"), "breakpoint");
  });

  it("a SIGINT while stopped is raised in the program's frame after the resume", async () => {
    let stop = await s.resume("continue", 1);
    assertAt(stop, "interrupted_at_stop", line("AT_STOP"), "breakpoint");
    const pid = Number((await s.evaluate(stop, "os.getpid()")).result);
    process.kill(pid, "SIGINT");
    await sleep(300); // let the signal arrive while the program is stopped: the case under test
    assert.equal((await s.evaluate(stop, "waiting if 'waiting' in dir() else 'unset'")).result, "'unset'");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "interrupted_at_stop", line("STOP_RESULT"), "breakpoint");
    assert.equal((await s.evaluate(stop, "result")).result, "'interrupted in interrupted_at_stop'");
  });

  it("the program ends as it would without a debugger", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    const stdout = s.client.output("stdout");
    assert.match(stdout, /^SIGINT caught 300 foreign 0$/m);
    assert.match(stdout, /^SIGUSR1 caught 100 foreign 0 later$/m);
    assert.match(stdout, /^interrupted in interrupted_at_stop$/m);
    assert.doesNotMatch(s.client.output("stderr"), /Traceback|Exception ignored/);
  });
});
