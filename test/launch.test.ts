// Launching a program under pdap: breakpoints, stepping, stacks, variables, evaluation, exit codes.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario, where } from "./support/session.js";

const stepping = fixture("stepping.py");

forEachPython("stepping walk", (target) => {
  let s: Scenario;
  before(async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: stepping.path },
      {
        [stepping.path]: [stepping.line("MAIN1")],
      },
    ));
  });
  after(() => s.close());

  it("stops at the breakpoint in main", async () => {
    const stop = await s.stop();
    assertAt(stop, "main", stepping.line("MAIN1"), "breakpoint");
    assert.deepEqual(where(stop, 2), [
      `main:${stepping.line("MAIN1")}`,
      `<module>:${stepping.line("ENTRY")}`,
    ]);
  });

  it("steps into a call, over its lines and back out", async () => {
    let stop = await s.resume("stepIn", 1);
    assertAt(stop, "add", stepping.line("ADD1"), "step");
    assert.equal((await s.locals(stop.frames[0].id)).a, "1");
    stop = await s.resume("next", 1);
    assertAt(stop, "add", stepping.line("ADD2"));
    assert.equal((await s.locals(stop.frames[0].id)).total, "3");
    stop = await s.resume("next", 1);
    assertAt(stop, "main", stepping.line("MAIN1")); // `next` from a return line: the call site
    assert.equal((await s.locals(stop.frames[0].id)).x, undefined, "the assignment has not run");
    stop = await s.resume("next", 1);
    assertAt(stop, "main", stepping.line("MAIN2"));
    assert.equal((await s.locals(stop.frames[0].id)).x, "3");
  });

  it("steps into a generator and out of it back to the caller", async () => {
    let stop = await s.resume("stepIn", 1);
    assertAt(stop, "numbers", stepping.line("GEN1"));
    stop = await s.resume("next", 1);
    assertAt(stop, "numbers", stepping.line("GEN2"));
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", stepping.line("MAIN2")); // back in list(numbers(2)), which goes on
    stop = await s.resume("next", 1);
    assertAt(stop, "main", stepping.line("MAIN3"));
  });

  it("follows an exception that unwinds a frame into the handler", async () => {
    let stop = await s.resume("stepIn", 1);
    assertAt(stop, "catches", stepping.line("CATCH1") - 1);
    stop = await s.resume("next", 1);
    assertAt(stop, "catches", stepping.line("CATCH1"));
    stop = await s.resume("stepIn", 1);
    assertAt(stop, "fails", stepping.line("FAIL1"));
    stop = await s.resume("next", 1);
    assertAt(stop, "catches", stepping.line("CATCH2") - 1);
    stop = await s.resume("next", 1);
    assertAt(stop, "catches", stepping.line("CATCH2"));
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", stepping.line("MAIN3")); // the call site of catches()
    stop = await s.resume("next", 1);
    assertAt(stop, "main", stepping.line("MAIN4"));
  });

  it("steps through async coroutines, over an await staying in the coroutine", async () => {
    let stop = await s.resume("stepIn", 1);
    assertAt(stop, "parent", stepping.line("APARENT1"));
    stop = await s.resume("stepIn", 1);
    assertAt(stop, "child", stepping.line("ACHILD1"));
    stop = await s.resume("next", 1);
    assertAt(stop, "child", stepping.line("ACHILD2"));
    stop = await s.resume("next", 1);
    assertAt(stop, "parent", stepping.line("APARENT1")); // the await that called child
    stop = await s.resume("next", 1);
    assertAt(stop, "parent", stepping.line("APARENT2"));
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", stepping.line("MAIN4")); // through asyncio's code, back at asyncio.run()
  });

  it("runs to the end with the program's output and exit code 0", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /result 3 \[0, 10\] True 6/);
  });
});
