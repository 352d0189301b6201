// The terminal debugger driven as a user drives it: `pdap run` in a pseudo-terminal (tmux), keys
// typed, the screen read back. The first session runs on every Python; the others on one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../src/cli/commands.js";
import { errorLines, mainTarget, runInTerminal, stopsIn } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget } from "./support/pythons.js";
import { haveTmux, type Terminal } from "./support/terminal.js";

const app = fixture("cli_app.py");
const input = fixture("cli_input.py");
const threads = fixture("cli_threads.py");
const noTmux = haveTmux() ? false : "tmux is not installed (apt-get install tmux)";

/** A describe block on the main interpreter only, skipped by name when there is none or no tmux. */
function onMainPython(title: string, suite: (target: PythonTarget) => void): void {
  const target = mainTarget();
  if (!target || noTmux) {
    it(title, { skip: noTmux || "no Python 3.9+ found" }, () => {});
    return;
  }
  describe(`${title} [${target.label}]`, () => suite(target));
}

function session(start: () => Terminal): { term: () => Terminal } {
  let term: Terminal | undefined;
  before(() => {
    term = start();
  });
  after(() => term?.close());
  return { term: () => term as Terminal };
}

forEachPython("terminal debugger: a first session", (target) => {
  if (noTmux) {
    it("needs tmux", { skip: noTmux }, () => {});
    return;
  }
  const { term } = session(() => runInTerminal(target, ["cli_app.py"]));

  it("stops at the first line of the program", async () => {
    const screen = await term().waitFor("(pdap)");
    assert.deepEqual(stopsIn(screen), ["> <module>() at cli_app.py:1"]);
    assert.match(screen, /^ {2}1 {2}-> import sys$/m);
  });

  it("sets a breakpoint by line and continues to it", async () => {
    const set = await term().command(`b ${app.line("ADD")}`);
    assert.equal(set, `Breakpoint 1 at cli_app.py:${app.line("ADD")}`);
    const stop = await term().command("c");
    assert.deepEqual(stopsIn(stop), [`> add() at cli_app.py:${app.line("ADD")}`]);
    assert.match(stop, /\(breakpoint 1\)/);
    assert.match(stop, new RegExp(`^ {2}${app.line("ADD")} B-> {5}total = a \\+ b {2}# ADD$`, "m"));
  });

  it("prints values, steps over a line and shows the stack", async () => {
    assert.equal(await term().command("p a, b"), "(1, 2)");
    const next = await term().command("n");
    assert.deepEqual(stopsIn(next), [`> add() at cli_app.py:${app.line("ADD_RETURN")}`]);
    assert.equal(await term().command("p total"), "3");
    const stack = (await term().command("where")).split("\n");
    assert.equal(stack.length, 3);
    assert.match(stack[0], new RegExp(`^ {2}#2 <module>\\(\\) at cli_app.py:${app.line("ENTRY")} `));
    assert.match(stack[1], new RegExp(`^ {2}#1 main\\(\\) at cli_app.py:${app.line("MAIN_ADD")} `));
    assert.match(stack[2], new RegExp(`^> #0 add\\(\\) at cli_app.py:${app.line("ADD_RETURN")} `));
  });

  it("moves up and down the stack, evaluating in the chosen frame", async () => {
    const up = await term().command("u");
    assert.deepEqual(stopsIn(up), [`> main() at cli_app.py:${app.line("MAIN_ADD")}`]);
    assert.equal(await term().command("p argv"), "[]");
    const down = await term().command("d");
    assert.deepEqual(stopsIn(down), [`> add() at cli_app.py:${app.line("ADD_RETURN")}`]);
  });

  it("returns from the function to its call site and steps into the next call", async () => {
    const back = await term().command("r");
    assert.deepEqual(stopsIn(back), [`> main() at cli_app.py:${app.line("MAIN_ADD")}`]);
    const next = await term().command("n");
    assert.deepEqual(stopsIn(next), [`> main() at cli_app.py:${app.line("MAIN_SCALE")}`]);
    const into = await term().command("s");
    assert.deepEqual(stopsIn(into), [`> scale() at cli_app.py:${app.line("SCALE")}`]);
  });

  it("lists the source around the current line with breakpoints marked", async () => {
    const listing = (await term().command("l")).split("\n");
    assert.equal(listing.length, 11);
    assert.match(listing.find((l) => l.includes("# ADD")) ?? "", new RegExp(`^ {2}${app.line("ADD")} B {3}`));
    assert.match(
      listing.find((l) => l.includes("# SCALE")) ?? "",
      new RegExp(`^ {1}${app.line("SCALE")} {2}-> `),
    );
  });

  it("quits, ending the program before it prints", async () => {
    assert.equal(await term().command("q"), "");
    assert.equal(await term().exitStatus(), 0);
    assert.doesNotMatch(term().screen(), /result/);
  });
});

onMainPython("terminal debugger: breakpoint commands", () => {
  let term: Terminal;
  before(() => {
    term = runInTerminal(mainTarget() as PythonTarget, [
      "--no-stop-on-entry",
      "-b",
      `cli_app.py:${app.line("MAIN_ADD")}`,
      "cli_app.py",
      "--verbose",
      "-x",
    ]);
  });
  after(() => term.close());

  it("runs to a breakpoint given on the command line, passing options after the program to it", async () => {
    const screen = await term.waitFor("(pdap)");
    assert.match(screen, new RegExp(`Breakpoint 1 at cli_app.py:${app.line("MAIN_ADD")}`));
    assert.deepEqual(stopsIn(screen), [`> main() at cli_app.py:${app.line("MAIN_ADD")}`]);
    assert.equal(await term.command("p argv"), "['--verbose', '-x']");
  });

  it("stops at a function's first line", async () => {
    assert.match(await term.command("b scale"), /^Breakpoint 2 at /);
    const stop = await term.command("c");
    assert.deepEqual(stopsIn(stop), [`> scale() at cli_app.py:${app.line("SCALE")}`]);
    assert.match(stop, /\(breakpoint 2\)/);
  });

  it("stops once at a temporary breakpoint whose condition holds, then deletes it", async () => {
    assert.equal(
      await term.command(`tbreak ${app.line("LOOP_BODY")}, value == 2`),
      `Temporary breakpoint 3 at cli_app.py:${app.line("LOOP_BODY")}`,
    );
    const stop = await term.command("c");
    assert.deepEqual(stopsIn(stop), [`> scale() at cli_app.py:${app.line("LOOP_BODY")}`]);
    assert.match(stop, new RegExp(`Deleted breakpoint 3 at cli_app.py:${app.line("LOOP_BODY")}`));
    assert.equal(await term.command("p value"), "2");
  });

  it("passes a disabled breakpoint by, and lists the table", async () => {
    await term.command(`b ${app.line("LOOP_BODY")}`);
    assert.equal(
      await term.command("disable 4"),
      `Disabled breakpoint 4 at cli_app.py:${app.line("LOOP_BODY")}`,
    );
    await term.command(`b ${app.line("SCALE_RETURN")}`);
    const stop = await term.command("c");
    assert.deepEqual(stopsIn(stop), [`> scale() at cli_app.py:${app.line("SCALE_RETURN")}`]);
    const table = await term.command("b");
    assert.match(table, /^Num Type +Disp Enb +Where$/m);
    assert.match(table, new RegExp(`^4 +breakpoint +keep no +at cli_app.py:${app.line("LOOP_BODY")}$`, "m"));
    assert.match(
      table,
      new RegExp(`^5 +breakpoint +keep yes +at cli_app.py:${app.line("SCALE_RETURN")}$`, "m"),
    );
    assert.match(table, /already stopped here 1 time$/m);
  });

  it("changes a condition, clears by number and clears all", async () => {
    assert.equal(await term.command("condition 4 value > 100"), "New condition set for breakpoint 4.");
    assert.equal(
      await term.command("enable 4"),
      `Enabled breakpoint 4 at cli_app.py:${app.line("LOOP_BODY")}`,
    );
    assert.equal(
      await term.command("clear 4"),
      `Deleted breakpoint 4 at cli_app.py:${app.line("LOOP_BODY")}`,
    );
    const cleared = (await term.command("clear")).split("\n");
    assert.deepEqual(
      cleared.map((line) => line.replace(/ at .*/, "")),
      ["Deleted breakpoint 1", "Deleted breakpoint 2", "Deleted breakpoint 5"],
    );
    assert.equal(await term.command("b"), "No breakpoints.");
  });

  it("runs to the end and reports the exit status", async () => {
    const end = await term.command("c");
    assert.match(end, /^result 3 \[3, 6, 9\] \['--verbose', '-x'\]$/m);
    assert.match(end, /^The program exited with code 0\.$/m);
    assert.equal(await term.exitStatus(), 0);
  });
});

onMainPython("terminal debugger: mistakes are one line and the session goes on", (target) => {
  const { term } = session(() => runInTerminal(target, ["cli_app.py"]));

  it("answers each mistake with exactly one error line", async () => {
    await term().waitFor("(pdap)");
    const mistakes = [
      "bogus_name",
      "p (",
      "b nosuch.py:3",
      "b 9999",
      "b 3x",
      "d",
      "list 9999",
      "condition 42",
      "disable",
      "thread 99",
      "up x",
      "jump nowhere",
      "help nosuch",
      "until 1",
    ];
    for (const mistake of mistakes) {
      const output = await term().command(mistake);
      assert.equal(output.split("\n").length, 1, `'${mistake}' printed:\n${output}`);
      assert.equal(errorLines(output).length, 1, `'${mistake}' printed:\n${output}`);
    }
  });

  it("still steps afterwards", async () => {
    const next = await term().command("n");
    assert.deepEqual(stopsIn(next), ["> <module>() at cli_app.py:4"]);
  });
});

onMainPython("terminal debugger: a program that reads stdin", (target) => {
  const { term } = session(() => runInTerminal(target, ["cli_input.py"]));

  it("hands the terminal to the program while it runs and takes it back at a stop", async () => {
    await term().command(`b ${input.line("ANSWER")}`);
    term().type("c");
    await term().waitFor(/^first\?$/m);
    term().type("alpha");
    await term().waitFor(/> ask\(\) at cli_input.py:\d+ {2}\(breakpoint 1\)\n.*\n\(pdap\)/);
    assert.equal(await term().command("p answer"), "'alpha'");
    term().type("c");
    await term().waitFor(/^second\?$/m);
    term().type("beta");
    await term().waitFor(/p answer[\s\S]*\(breakpoint 1\)[\s\S]*\n\(pdap\)$/);
    assert.equal(await term().command("p answer"), "'beta'");
    const end = await term().command("c");
    assert.match(end, /^got alpha and beta$/m);
    assert.equal(await term().exitStatus(), 0);
  });
});

onMainPython("terminal debugger: threads", (target) => {
  // wide enough for library paths in the stop lines
  const { term } = session(() => runInTerminal(target, ["cli_threads.py"], { width: 220 }));

  it("stops in a thread, lists the threads and switches between them", async () => {
    await term().command(`b ${threads.line("WORKER")}`);
    const stop = await term().command("c");
    assert.deepEqual(stopsIn(stop), [`> worker() at cli_threads.py:${threads.line("WORKER")}`]);
    const listed = (await term().command("threads")).split("\n");
    assert.equal(listed.length, 2, listed.join("\n"));
    assert.match(
      listed.find((line) => line.includes("cli-worker")) ?? "",
      /^\* \d+ cli-worker {2}worker\(\) at /,
    );
    const main = listed.find((line) => line.includes("MainThread")) ?? "";
    assert.match(main, /^ {2}\d+ MainThread/);
    const mainId = /^ {2}(\d+)/.exec(main)?.[1];
    const switched = await term().command(`thread ${mainId}`);
    assert.match(switched, /\(thread \d+\)/);
    const stack = await term().command("where");
    assert.match(stack, /<module>\(\) at cli_threads.py:/, term().screen());
    const end = await term().command("c");
    assert.match(end, /^threads done$/m);
  });
});

onMainPython("terminal debugger: until, display, args, repeat, help", (target) => {
  const { term } = session(() =>
    runInTerminal(target, ["--no-stop-on-entry", "-b", `cli_app.py:${app.line("SCALE")}`, "cli_app.py"]),
  );

  it("shows a display when its value changes", async () => {
    await term().waitFor("(pdap)");
    assert.match(await term().command("display out"), /^display out: \*\* NameError: .* \*\*$/);
    const next = await term().command("n");
    assert.match(next, /^display out: \[\] {2}\[old: \*\* NameError: .* \*\*\]$/m);
    const again = await term().command("n");
    assert.doesNotMatch(again, /display out/);
  });

  it("repeats the last command on an empty line", async () => {
    const repeated = await term().command("");
    assert.deepEqual(stopsIn(repeated), [`> scale() at cli_app.py:${app.line("LOOP")}`]);
    assert.match(repeated, /^display out: \[3\] {2}\[old: \[\]\]$/m);
  });

  it("prints the function's arguments", async () => {
    assert.equal(await term().command("a"), "values = [1, 2, 3]\nfactor = 3");
  });

  it("runs until the loop is done", async () => {
    await term().command("n");
    const done = await term().command("until");
    assert.deepEqual(stopsIn(done), [`> scale() at cli_app.py:${app.line("SCALE_RETURN")}`]);
    assert.match(done, /^display out: \[3, 6, 9\]/m);
  });

  it("runs a Python prompt in the frame with interact, blocks included, until Ctrl-D", async () => {
    term().type("interact");
    await term().waitFor(/^\*interactive\* in scale.*\n>>>$/m);
    assert.equal(await term().command("doubled = [v * 2 for v in out]", ">>> "), "");
    assert.equal(await term().command("doubled", ">>> "), "[6, 12, 18]");
    term().type("for v in out:");
    await term().waitFor(/^\.\.\.$/m);
    term().type("    print(v + factor)");
    term().type("");
    await term().waitFor(/^6\n9\n12\n>>>$/m);
    term().keys("C-d");
    await term().waitFor(/^Back in the debugger\.\n\(pdap\)$/m);
    assert.equal(await term().command("p doubled"), "[6, 12, 18]");
  });

  it("lists on from where the last listing ended", async () => {
    const first = (await term().command("l")).split("\n");
    const second = (await term().command("l")).split("\n");
    const number = (line: string) => Number(/^\s*(\d+)/.exec(line)?.[1]);
    assert.equal(number(second[0]), number(first[first.length - 1]) + 1);
  });

  it("shows the whole function with ll", async () => {
    const listing = (await term().command("ll")).split("\n");
    assert.match(listing[0], /def scale\(values, factor\):/);
    assert.match(listing[listing.length - 1], /return out/);
  });

  it("lists every command in help", async () => {
    const help = await term().command("help");
    for (const command of COMMANDS) assert.match(help, new RegExp(`\\b${command.name}\\b`), command.name);
    assert.match(await term().command("h unt"), /^unt\(il\) \[line\]/);
  });

  it("evaluates any other input as Python in the frame", async () => {
    assert.equal(await term().command("factor = 10"), "");
    assert.equal(await term().command("[v * factor for v in values]"), "[10, 20, 30]");
    const end = await term().command("c");
    assert.match(end, /^result 3 \[3, 6, 9\] \[\]$/m);
  });
});

onMainPython("terminal debugger: restart", (target) => {
  const { term } = session(() =>
    runInTerminal(target, ["--no-stop-on-entry", "-b", `cli_app.py:${app.line("ADD")}`, "cli_app.py", "one"]),
  );

  it("starts the program again with its arguments and breakpoints", async () => {
    const first = await term().waitFor("(pdap)");
    assert.deepEqual(stopsIn(first), [`> add() at cli_app.py:${app.line("ADD")}`]);
    const again = await term().command("restart");
    assert.match(again, /^restarting the program$/m);
    assert.deepEqual(stopsIn(again), [`> add() at cli_app.py:${app.line("ADD")}`]);
    assert.equal(await term().command("p a + b"), "3");
    await term().command("c");
    assert.equal(await term().exitStatus(), 0);
    const screen = term().screen();
    assert.equal(screen.match(/result 3 \[3, 6, 9\] \['one'\]/g)?.length, 1, screen);
  });
});
