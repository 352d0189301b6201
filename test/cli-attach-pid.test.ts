// `pdap attach --pid PID` in the terminal debugger, and `pdap ps` listing what can be attached.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { PythonProcess } from "../src/cli/ps.js";
import { PDAP_BIN } from "../src/client/client.js";
import { Debuggee } from "./attach-helpers.js";
import { mainTarget, onMainTerminal, pdapInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { FIXTURES, fixture } from "./support/fixtures.js";

const target = fixture("pid_target.py");
const run = promisify(execFile);

onMainTerminal("terminal debugger: pdap attach --pid", (python) => {
  let program: Debuggee;
  before(async () => {
    program = Debuggee.start(python, [target.path, "sleep"], { cwd: FIXTURES });
    await program.waitFor("stdout", /ready/);
  });
  after(() => program.kill());
  const term = terminalFor(() =>
    pdapInTerminal([
      "attach",
      "--pid",
      String(program.child.pid),
      "-b",
      `pid_target.py:${target.line("BEAT")}`,
    ]),
  );

  it("signals the process, says it waits, stops at the breakpoint, and detaches leaving it running", async () => {
    await term().waitFor("> beat() at");
    const screen = await term().waitFor("(pdap)");
    assert.match(screen, /sent SIGUSR2 to process \d+; waiting up to \d+ s/);
    assert.match(screen, new RegExp(`^Attached to process ${program.child.pid}\\.`, "m"));
    assert.deepEqual(stopsIn(screen), [`> beat() at pid_target.py:${target.line("BEAT")}`]);
    assert.equal(await term().command("p n > 0"), "True");
    assert.equal(await term().command("q"), "Detached; the program goes on running.");
    assert.equal(await term().exitStatus(), 0);
    assert.ok(program.running);
    program.send("stop");
    assert.equal(await program.exitCode(), 3);
    assert.equal(program.stdout, "ready sleep\ndone True\n");
  });

  it("refuses both an address and --pid", async () => {
    const failed = await run(process.execPath, [PDAP_BIN, "attach", "1234", "--pid", "1"]).catch((e) => e);
    assert.match(failed.stderr, /give the program's address \(\[HOST:\]PORT\) or --pid PID, not both/);
  });
});

describe("pdap ps", () => {
  const python = mainTarget();
  const programs: Debuggee[] = [];
  after(() => {
    for (const program of programs) program.kill();
  });

  it("lists Python processes with version and command line, and which can be attached", {
    skip: !python,
  }, async () => {
    if (!python) return;
    const opted = Debuggee.start(python, [target.path, "busy"], { cwd: FIXTURES });
    const plain = Debuggee.start(python, ["-c", "import sys; print('up', flush=True); sys.stdin.readline()"]);
    programs.push(opted, plain);
    await opted.waitFor("stdout", /ready/);
    await plain.waitFor("stdout", /up/);
    const { stdout } = await run(process.execPath, [PDAP_BIN, "ps", "--json"]);
    const listed = JSON.parse(stdout) as PythonProcess[];
    const optedIn = listed.find((p) => p.pid === opted.child.pid);
    const notOptedIn = listed.find((p) => p.pid === plain.child.pid);
    assert.deepEqual(optedIn, {
      pid: opted.child.pid,
      python: python.version,
      command: `${python.python} ${target.path} busy`,
      attachable: true,
      how: "yes: opted in (SIGUSR2)",
    });
    assert.equal(notOptedIn?.python, python.version);
    // here (gdb, ptrace allowed) through ptrace; elsewhere the reason it cannot be
    assert.match(notOptedIn?.how ?? "", /^yes: through ptrace \(gdb\)$|^no: not opted in, and /);
    assert.equal(notOptedIn?.attachable, notOptedIn?.how.startsWith("yes"));
    const table = (await run(process.execPath, [PDAP_BIN, "ps"])).stdout;
    assert.match(table, /^PID\s+PYTHON\s+ATTACH\s+COMMAND$/m);
    assert.match(
      table,
      new RegExp(`^${opted.child.pid}\\s+${python.version.replace(".", "\\.")}\\s+yes: opted in`, "m"),
    );
  });
});
