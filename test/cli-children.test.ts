// The terminal debugger debugs the child processes a program starts (subprocess, os.fork,
// multiprocessing): each is a numbered process with the session's breakpoints, its stops name it,
// commands act on it, `processes` / `process N` list and switch, and `q` leaves none behind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { PDAP_BIN } from "../src/client/client.js";
import { onMainTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { installDebugpy } from "./support/debugpy.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { pythonMatrix } from "./support/pythons.js";
import { EXIT_MARK, haveTmux, Terminal } from "./support/terminal.js";

const parent = fixture("parent.py");
const childWork = fixture("child_work.py");
const family = fixture("family.py");
const CHILD_LINE = childWork.line("CHILD1");
/** a child's start: a new Python, a new adapter, an attach */
const CHILD_WAIT_MS = 30_000;

const suite = onMainTerminal;

/** `[process N: NAME (pid PID)]`, the line a stop in another process starts with; its pid. */
function processHeader(output: string, number: number, name: string): number {
  const match = new RegExp(
    `^\\[process ${number}: ${name.replace(/\./g, "\\.")} \\(pid (\\d+)\\)\\]$`,
    "m",
  ).exec(output);
  assert.ok(match, `no header of process ${number} (${name}) in:\n${output}`);
  return Number(match[1]);
}

/** The rows of `processes`: number -> {pid, state, name, current}. */
function processRows(
  output: string,
): Map<number, { pid: number; state: string; name: string; current: boolean }> {
  const rows = new Map<number, { pid: number; state: string; name: string; current: boolean }>();
  for (const line of output.split("\n")) {
    const match = /^([* ]) (\d+)\s+(\d+)\s+(running|stopped|ended)\s+(.+)$/.exec(line);
    if (match) {
      rows.set(Number(match[2]), {
        current: match[1] === "*",
        pid: Number(match[3]),
        state: match[4],
        name: match[5],
      });
    }
  }
  return rows;
}

/**
 * A child's end line (`process 2 (pid 1234) exited`, with its code when the adapter knows it). It
 * is printed when the child's session ends, while the parent may be writing to the terminal
 * itself: it can land in the middle of one of the parent's lines.
 */
const END_LINE = /process (\d+) \(pid (\d+)\) exited(?: with code -?\d+)?\n/g;

function endedPids(screen: string): Map<number, number> {
  return new Map([...`${screen}\n`.matchAll(END_LINE)].map((match) => [Number(match[1]), Number(match[2])]));
}

/** The screen without the children's end lines: the programs' own output as they wrote it. */
function withoutEndLines(screen: string): string {
  return `${screen}\n`.replace(END_LINE, "");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process ended (and was reaped, or left as a zombie whose state says so) within `ms`. */
async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid) || isZombie(pid)) return true;
    await sleep(50);
  }
  return false;
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

suite("terminal debugger: a subprocess child", (target) => {
  const term = terminalFor(() =>
    runInTerminal(target, ["-b", `child_work.py:${CHILD_LINE}`, "parent.py", "subprocess"]),
  );

  it("stops at the child's breakpoint, naming its process", async () => {
    await term().waitFor("(pdap)");
    const stop = await term().command("c");
    const pid = processHeader(stop, 2, "child_work.py");
    assert.match(stop, new RegExp(`^process 2 \\(pid ${pid}\\) started: child_work.py$`, "m"));
    assert.deepEqual(stopsIn(stop), [`> child_main() at child_work.py:${CHILD_LINE}`]);
    assert.match(stop, /\(breakpoint 1\)/);
  });

  it("acts on the child: where, print", async () => {
    const stack = await term().command("where");
    assert.match(stack, new RegExp(`^> #0 child_main\\(\\) at child_work.py:${CHILD_LINE} `, "m"));
    assert.match(stack, /^ {2}#1 <module>\(\) at child_work.py:\d+ /m);
    assert.equal(await term().command("p tag"), "'sub'");
    const step = await term().command("n");
    assert.deepEqual(stopsIn(step), [`> child_main() at child_work.py:${CHILD_LINE + 1}`]);
    assert.doesNotMatch(step, /\[process/, "no process line while it stays the same process");
    assert.equal(await term().command("p answer"), "42");
    const rows = processRows(await term().command("processes"));
    assert.equal(rows.get(1)?.state, "running");
    assert.equal(rows.get(1)?.name, "parent.py");
    assert.deepEqual(
      { ...rows.get(2), pid: 0 },
      { current: true, pid: 0, state: "stopped", name: "child_work.py" },
    );
  });

  it("continues the child to its end, then the parent to its end, each output once", async () => {
    term().type("c");
    assert.equal(await term().exitStatus(CHILD_WAIT_MS), 0);
    const screen = term().screen();
    const tail = screen.slice(screen.lastIndexOf("(pdap) c"));
    const program = withoutEndLines(tail);
    // the child's end line comes when its session ends, in no fixed order with the parent's output
    const order = ["child sub 42", "subprocess exit 0", "not python", "parent done", "The program exited"];
    const at = order.map((text) => program.indexOf(text));
    assert.ok(
      at.every((index, i) => index >= 0 && (i === 0 || index > at[i - 1])),
      `in this order: ${order.join(" | ")}\n${tail}`,
    );
    assert.ok(endedPids(tail).has(2), `no end line of process 2 in:\n${tail}`);
    assert.ok(tail.indexOf("process 2 (pid") > tail.indexOf("child sub 42"));
    assert.match(tail, /^The program exited with code 0\.$/m);
    assert.equal(screen.split("child sub 42").length, 2, "the child's output is shown once");
  });
});

suite("terminal debugger: two processes stopped at once", (target) => {
  const term = terminalFor(() =>
    runInTerminal(target, ["-b", `family.py:${family.line("PARENT_STOP")}`, "family.py"]),
  );
  let childPid = 0;

  it("sets a conditional breakpoint for children to come, and both processes stop", async () => {
    await term().waitFor("(pdap)");
    assert.equal(
      await term().command(`b child_work.py:${CHILD_LINE}, tag == 'popen'`),
      `Breakpoint 2 at child_work.py:${CHILD_LINE}`,
    );
    term().type("c");
    // whichever stops second is announced at the prompt of the first
    await term().waitFor(
      /^process [12] \(pid \d+\) stopped \(breakpoint\): 'process [12]' switches to it$/m,
      CHILD_WAIT_MS,
    );
    const rows = processRows(await term().command("processes"));
    assert.equal(rows.size, 2);
    assert.equal(rows.get(1)?.state, "stopped");
    assert.equal(rows.get(1)?.name, "family.py");
    assert.equal(rows.get(2)?.state, "stopped");
    assert.equal(rows.get(2)?.name, "child_work.py");
    assert.equal([...rows.values()].filter((row) => row.current).length, 1);
    childPid = rows.get(2)?.pid ?? 0;
  });

  it("switches to the child and back, each with its own stack", async () => {
    const toChild = await term().command("process 2");
    assert.equal(processHeader(toChild, 2, "child_work.py"), childPid);
    assert.deepEqual(stopsIn(toChild), [`> child_main() at child_work.py:${CHILD_LINE}`]);
    assert.match(await term().command("where"), /^> #0 child_main\(\) at child_work.py/m);
    assert.equal(await term().command("p tag"), "'popen'");
    const marked = processRows(await term().command("inferior"));
    assert.equal(marked.get(2)?.current, true);
    const toParent = await term().command("process 1");
    processHeader(toParent, 1, "family.py");
    assert.deepEqual(stopsIn(toParent), [`> main() at family.py:${family.line("PARENT_STOP")}`]);
    assert.equal(await term().command("p child.pid"), String(childPid));
    assert.match(await term().command("process 3"), /^\*\*\* no process 3/);
  });

  it("continue resumes the current process only: the child, still stopped, comes up", async () => {
    const next = await term().command("c");
    processHeader(next, 2, "child_work.py");
    assert.deepEqual(stopsIn(next), [`> child_main() at child_work.py:${CHILD_LINE}`]);
    const rows = processRows(await term().command("processes"));
    assert.equal(rows.get(1)?.state, "running");
    assert.equal(rows.get(2)?.current, true);
    term().type("c");
    assert.equal(await term().exitStatus(CHILD_WAIT_MS), 0);
    const screen = term().screen();
    assert.equal(endedPids(screen).get(2), childPid);
    assert.match(withoutEndLines(screen), /^popen exit 0 True$/m);
  });
});

suite("terminal debugger: q with two processes stopped", (target) => {
  const term = terminalFor(() =>
    runInTerminal(target, [
      "-b",
      `family.py:${family.line("PARENT_STOP")}`,
      "-b",
      `child_work.py:${CHILD_LINE}`,
      "family.py",
    ]),
  );

  it("ends the program and its stopped child", async () => {
    await term().waitFor("(pdap)");
    term().type("c");
    await term().waitFor(/^process [12] \(pid \d+\) stopped/m, CHILD_WAIT_MS);
    const rows = processRows(await term().command("processes"));
    const pids = [rows.get(1)?.pid ?? 0, rows.get(2)?.pid ?? 0];
    assert.ok(pids.every((pid) => pid > 0 && alive(pid)));
    term().type("q");
    assert.equal(await term().exitStatus(), 0);
    for (const pid of pids) assert.ok(await waitGone(pid, 5_000), `process ${pid} still there`);
    // ended, not let go: the child never got past its breakpoint, the parent never past its wait
    await sleep(300);
    assert.doesNotMatch(term().screen(), /child popen 42|popen exit/);
  });
});

suite("terminal debugger: forked children", (target) => {
  const forked = terminalFor(() =>
    runInTerminal(target, [
      "--no-stop-on-entry",
      "-b",
      `child_work.py:${CHILD_LINE}`,
      "parent.py",
      "os_fork",
    ]),
  );
  const pooled = terminalFor(() =>
    runInTerminal(target, [
      "--no-stop-on-entry",
      "-b",
      `parent.py:${parent.line("POOL1")}`,
      "parent.py",
      "spawn",
    ]),
  );

  it("an os.fork child stops at its breakpoint as process 2", async () => {
    const stop = await forked().waitFor("(pdap)", CHILD_WAIT_MS);
    processHeader(stop, 2, "parent.py");
    assert.deepEqual(stopsIn(stop), [`> child_main() at child_work.py:${CHILD_LINE}`]);
    assert.equal(await forked().command("p tag"), "'forked'");
    forked().type("c");
    assert.equal(await forked().exitStatus(CHILD_WAIT_MS), 0);
    const screen = forked().screen();
    assert.ok(endedPids(screen).has(2), `no end line of process 2 in:\n${screen}`);
    assert.match(withoutEndLines(screen), /^fork exit 0$/m);
    assert.match(withoutEndLines(screen), /^parent done$/m);
  });

  it("a multiprocessing (spawn) worker stops at its breakpoint", async () => {
    const stop = await pooled().waitFor("(pdap)", CHILD_WAIT_MS);
    assert.match(stop, /^\[process \d+: multiprocessing spawn \(pid \d+\)\]$/m);
    assert.deepEqual(stopsIn(stop), [`> square() at parent.py:${parent.line("POOL1")}`]);
    // the pool's resource tracker, another child, may announce itself while the command runs
    const printed = (await pooled().command("p n")).split("\n");
    assert.deepEqual(
      printed.filter((line) => !/^process \d+ \(pid \d+\) started: /.test(line)),
      ["3"],
    );
    pooled().type("c");
    assert.equal(await pooled().exitStatus(CHILD_WAIT_MS), 0);
    assert.match(pooled().screen(), /^pool \[9\]$/m);
    assert.ok(pooled().screen().includes(EXIT_MARK));
  });
});

// ----- another adapter: debugpy names where its child sessions are served ---------------------------

const debugpyPython = pythonMatrix().targets.find((t) => t.version === "3.11");
const debugpy =
  debugpyPython && haveTmux() ? installDebugpy(debugpyPython.python, debugpyPython.version) : undefined;
const debugpySkip = !debugpyPython
  ? "no Python 3.11 for debugpy"
  : !haveTmux()
    ? "tmux is not installed"
    : debugpy && "skip" in debugpy
      ? debugpy.skip
      : false;

if (debugpySkip || !debugpyPython || !debugpy || !("pythonPath" in debugpy)) {
  it("terminal debugger: a child under debugpy's adapter", { skip: debugpySkip || true }, () => {});
} else {
  const pythonPath = debugpy.pythonPath;
  const python = debugpyPython.python;
  describe(`terminal debugger: a child under debugpy's adapter [${debugpyPython.label}]`, () => {
    const term = terminalFor(() =>
      Terminal.start(
        [
          process.execPath,
          PDAP_BIN,
          "run",
          "--adapter",
          `${python} -m debugpy.adapter`,
          "--python",
          python,
          "--no-stop-on-entry",
          "-b",
          `child_work.py:${CHILD_LINE}`,
          "parent.py",
          "subprocess",
        ],
        { cwd: FIXTURES, env: { PYTHONPATH: pythonPath, PYDEVD_DISABLE_FILE_VALIDATION: "1" } },
      ),
    );

    it("stops in the child as process 2, and runs both to their end", async () => {
      const stop = await term().waitFor("(pdap)", CHILD_WAIT_MS);
      processHeader(stop, 2, "child_work.py");
      assert.deepEqual(stopsIn(stop), [`> child_main() at child_work.py:${CHILD_LINE}`]);
      assert.equal(await term().command("p tag"), "'sub'");
      term().type("c");
      assert.equal(await term().exitStatus(CHILD_WAIT_MS), 0);
      const screen = withoutEndLines(term().screen());
      assert.match(screen, /^subprocess exit 0$/m);
      assert.match(screen, /^parent done$/m);
      assert.equal(screen.split("child sub 42").length, 2, "the child's output is shown once");
    });
  });
}
