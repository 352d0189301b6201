// Jumping (gotoTargets / goto): another line of the stopped frame becomes the next one, on every
// Python and backend; a jump Python refuses is an error and the thread stays where it was.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario, type Stop } from "./support/session.js";

const app = fixture("cli_app.py");

forEachPython("goto", (target) => {
  let s: Scenario;
  let stop: Stop;
  before(async () => {
    const started = await Scenario.launch(
      target,
      { program: app.path, args: [] },
      { [app.path]: [app.line("MAIN_SCALE"), app.line("ADD_RETURN")] },
    );
    s = started.scenario;
    stop = await s.stop(); // in add(), called from MAIN_ADD
    assertAt(stop, "add", app.line("ADD_RETURN"), "breakpoint");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "main", app.line("MAIN_SCALE"), "breakpoint");
  });
  after(() => s.close());

  it("offers the line asked for as a target", async () => {
    assert.equal(s.client.capabilities.supportsGotoTargetsRequest, true);
    const { targets } = await s.client.request("gotoTargets", {
      source: { path: app.path },
      line: app.line("MAIN_ADD"),
    });
    assert.deepEqual(
      targets.map((t) => t.line),
      [app.line("MAIN_ADD")],
    );
  });

  it("refuses a jump out of the function, and the thread stays stopped where it was", async () => {
    await assert.rejects(
      s.client.request("goto", { threadId: stop.threadId, targetId: app.line("ADD") }),
      /cannot jump to line/,
    );
    const { stackFrames } = await s.client.stackTrace(stop.threadId);
    assert.equal(stackFrames[0].line, app.line("MAIN_SCALE"));
  });

  it("jumps back: the thread stops at the line (reason goto) and runs it again", async () => {
    const stopped = s.client.nextStop();
    await s.client.request("goto", { threadId: stop.threadId, targetId: app.line("MAIN_ADD") });
    stop = await s.describe(await stopped);
    assertAt(stop, "main", app.line("MAIN_ADD"), "goto");
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "add", app.line("ADD_RETURN"), "breakpoint"); // add() runs a second time
    stop = await s.resume("continue", stop.threadId);
    assertAt(stop, "main", app.line("MAIN_SCALE"), "breakpoint");
    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /^result 3 /m);
    assert.doesNotMatch(
      s.client.output("stderr"),
      /Warning/,
      "Python's warnings about the jump are not the program's",
    );
  });
});
