// Step out (and `next` or `step` from a `return` line) stops back in the caller at the call site,
// before the rest of the calling line runs, as debugpy, gdb's `finish` and js-debug do; the
// stopOnEntry stop has reason `entry`.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { assertAt, Scenario, type Stop } from "./support/session.js";

const program = fixture("step_out.py");
const line = (marker: string) => program.line(marker);

/** name = value of the Return Value scope of a stop's top frame, or undefined without one. */
async function returned(s: Scenario, stop: Stop): Promise<string | undefined> {
  const scopes = await s.client.scopes(stop.frames[0].id);
  const scope = scopes.find((candidate) => candidate.name === "Return Value");
  if (!scope) return undefined;
  const [value] = await s.client.variables(scope.variablesReference);
  return `${value.name} = ${value.value}`;
}

forEachPython("step out stops at the call site", (target) => {
  let s: Scenario;
  before(async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: program.path },
      { [program.path]: [line("F_RETURN")] },
    ));
  });
  after(() => s.close());

  it("stepOut of f in `x = f() + g()` stops on that line, and stepIn then enters g", async () => {
    let stop = await s.stop();
    assertAt(stop, "f", line("F_RETURN"), "breakpoint");
    stop = await s.resume("stepOut", stop.threadId);
    assertAt(stop, "main", line("CALL_SITE"), "step");
    assert.equal(stop.frames.length, 2, "f is gone from the stack");
    assert.equal(await returned(s, stop), "(return) f = 1", "the Return Value scope is kept");
    assert.equal((await s.locals(stop.frames[0].id)).x, undefined, "the assignment has not run");
    stop = await s.resume("stepIn", stop.threadId);
    assertAt(stop, "g", line("G_BODY"), "step");
  });

  it("`next` from a return line stops at the call site too; `next` again goes to the next line", async () => {
    let stop = await s.resume("next", 1);
    assertAt(stop, "main", line("CALL_SITE"), "step");
    assert.equal(await returned(s, stop), "(return) g = 2");
    stop = await s.resume("next", 1);
    assertAt(stop, "main", line("FOR_GEN"));
    assert.equal((await s.locals(stop.frames[0].id)).x, "3");
  });

  it("stepping out of a generator's yield stops at the loop that asked for the value", async () => {
    let stop = await s.resume("stepIn", 1);
    assertAt(stop, "numbers", line("GEN_YIELD"));
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", line("FOR_GEN"));
    stop = await s.resume("next", 1);
    assertAt(stop, "main", line("FOR_BODY"));
    assert.equal((await s.locals(stop.frames[0].id)).v, "10");
  });

  it("out of a function called by library code (justMyCode): at the user call site", async () => {
    await s.client.setBreakpoints(program.path, [line("SHOWN_RETURN")]);
    let stop = await s.resume("continue", 1);
    assertAt(stop, "shown", line("SHOWN_RETURN"), "breakpoint");
    assert.match(stop.frames[1].source?.path ?? "", /functools\.py$/, "called through functools");
    await s.client.setBreakpoints(program.path, []);
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", line("VIA_LIBRARY"), "step");
    stop = await s.resume("stepIn", 1);
    assertAt(stop, "g", line("G_BODY"), "step");
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", line("VIA_LIBRARY"), "step");
    stop = await s.resume("next", 1);
    assertAt(stop, "main", line("TRY_BOOM") - 1);
  });

  it("an exception leaving the function goes on to the caller's handler", async () => {
    let stop = await s.resume("next", 1);
    assertAt(stop, "main", line("TRY_BOOM"));
    stop = await s.resume("stepIn", 1);
    assertAt(stop, "boom", line("BOOM"));
    stop = await s.resume("stepOut", 1);
    assertAt(stop, "main", line("HANDLER"));
  });

  it("the program's result and exit code are those of a plain run", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /^done 34 8$/m);
  });
});

forEachPython("stopOnEntry", (target) => {
  let s: Scenario;
  before(async () => {
    ({ scenario: s } = await Scenario.launch(target, { program: program.path, stopOnEntry: true }));
  });
  after(() => s.close());

  it("stops at the program's first line with reason `entry`", async () => {
    const stop = await s.stop();
    assertAt(stop, "<module>", line("FIRST_LINE"), "entry");
  });

  it("a step from the entry stop is reported as a step", async () => {
    const stop = await s.resume("next", 1);
    assertAt(stop, "<module>", line("SECOND_LINE"), "step");
  });
});
