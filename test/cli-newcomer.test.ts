// The terminal debugger as a newcomer meets it (issue 16): the keyboard while the program reads
// its input, programs that die at start, q while running, a takeover, -m of a library module,
// breakpoints in files the program does not have, and the small things of the command line.
import assert from "node:assert/strict";
import { it } from "node:test";
import { onMainTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";

const input = fixture("cli_input.py");

onMainTerminal("terminal debugger: Ctrl-C while the program waits in input()", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["cli_input.py"]));

  it("gives the keyboard to the debugger while stopped, and the pending read its line after resume", async () => {
    await term().waitFor("(pdap)");
    term().type("c");
    await term().waitFor(/^first\? ?$/m);
    term().keys("C-c");
    const paused = await term().waitFor(/\(paused\)[\s\S]*\n\(pdap\)$/);
    assert.match(stopsIn(paused).at(-1) ?? "", /^> ask\(\) at cli_input.py:\d+$/);
    // every key reaches the debugger: no first letter goes to the program
    const where = (await term().command("where")).split("\n");
    assert.match(where.at(-1) ?? "", /^> #0 ask\(\) at cli_input.py:\d+ {2}answer = input\(question\)$/);
    assert.equal(await term().command("p 6 * 7"), "42");
    // the program's stdin is a terminal, as at a shell
    assert.equal(await term().command("p __import__('sys').stdin.isatty()"), "True");
    term().type("c");
    await term().waitFor(/^\(pdap\) c$/m);
    term().type("alpha");
    await term().waitFor(/^second\? ?$/m);
    term().type("beta");
    const end = await term().waitFor(/^got alpha and beta$/m);
    assert.doesNotMatch(end, /NameError/);
    assert.equal(await term().exitStatus(), 0);
    assert.equal(input.line("DONE") > 0, true);
  });
});
