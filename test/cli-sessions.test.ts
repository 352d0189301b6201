// The terminal debugger's other ways in and out: -m, commands from a pipe (no colour), colour on
// a terminal, Ctrl-C pausing a running program, exception stops, and `pdap attach`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, it } from "node:test";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { PDAP_BIN } from "../src/client/client.js";
import { onMainTerminal, pdapInTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { FIXTURES, fixture } from "./support/fixtures.js";

const app = fixture("cli_app.py");
const raising = fixture("cli_raise.py");
const attached = fixture("cli_attach.py");
const moduleFile = fixture("cli_module.py");
const WAIT_MS = 20_000;
const ESC = String.fromCharCode(27);

const suite = onMainTerminal;

/** Runs a command with its stdin from a string (not a terminal); resolves with stdout and status. */
function runPiped(args: string[], input: string): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PDAP_BIN, ...args], {
      cwd: FIXTURES,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`pdap ${args.join(" ")} did not finish; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, WAIT_MS);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ stdout, status });
    });
    child.stdin.end(input);
  });
}

suite("terminal debugger: python -m", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["-m", "cli_module", "one", "--two"]));

  it("runs a module with its arguments and stops in it", async () => {
    const screen = await term().waitFor("(pdap)");
    assert.deepEqual(stopsIn(screen), ["> <module>() at cli_module.py:1"]);
    await term().command("n");
    const next = await term().command("n");
    assert.deepEqual(stopsIn(next), [`> <module>() at cli_module.py:${moduleFile.line("MODULE_ARGS") + 1}`]);
    assert.equal(await term().command("p args"), "['one', '--two']");
    assert.match(await term().command("c"), /^module args \['one', '--two'\]$/m);
  });
});

suite("terminal debugger: commands from a pipe", (target) => {
  it("reads commands from stdin, echoes them, and writes no colour", async () => {
    const script = [`b ${app.line("ADD")}`, "c", "p a", "l", "c", ""].join("\n");
    const { stdout, status } = await runPiped(
      ["run", "--python", target.python, "--backend", target.backend, "cli_app.py"],
      script,
    );
    assert.equal(status, 0, stdout);
    assert.match(
      stdout,
      new RegExp(`^\\(pdap\\) b ${app.line("ADD")}\\nBreakpoint 1 at cli_app.py:${app.line("ADD")}$`, "m"),
    );
    assert.match(
      stdout,
      new RegExp(`^> add\\(\\) at cli_app.py:${app.line("ADD")} {2}\\(breakpoint 1\\)$`, "m"),
    );
    assert.match(stdout, /^\(pdap\) p a\n1$/m);
    assert.match(stdout, /^The program exited with code 0\.$/m);
    assert.ok(!stdout.includes(ESC), "no colour escapes when piped");
  });

  it("runs -c commands first, and ends the session (and the program) at the end of input", async () => {
    const { stdout, status } = await runPiped(
      ["run", "--python", target.python, "--backend", target.backend, "-c", "p 6 * 7", "cli_app.py"],
      "p 'typed'\n",
    );
    assert.equal(status, 0);
    assert.match(stdout, /^\(pdap\) p 6 \* 7\n42\n\(pdap\) p 'typed'\n'typed'$/m);
    assert.doesNotMatch(stdout, /result/);
  });
});

suite("terminal debugger: colour", (target) => {
  const coloured = terminalFor(() => runInTerminal(target, ["cli_app.py"]));
  const plain = terminalFor(() => runInTerminal(target, ["cli_app.py"], { env: { NO_COLOR: "1" } }));

  it("colours listings on a terminal", async () => {
    await coloured().command("l");
    assert.ok(coloured().colouredScreen().includes(`${ESC}[`), "colour escapes on a terminal");
  });

  it("writes plain text when NO_COLOR is set", async () => {
    await plain().command("l");
    assert.ok(!plain().colouredScreen().includes(`${ESC}[`), "no colour escapes under NO_COLOR");
  });
});

suite("terminal debugger: Ctrl-C", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["cli_spin.py"]));

  it("pauses a running program and gives the prompt back", async () => {
    await term().waitFor("(pdap)");
    term().type("c");
    await term().waitFor(/^\(pdap\) c$/m);
    term().keys("C-c");
    const screen = await term().waitFor(/\(paused\)[\s\S]*\n\(pdap\)$/);
    assert.match(screen, /Pausing the program/);
    assert.match(stopsIn(screen).at(-1) ?? "", /^> <module>\(\) at cli_spin.py:\d+$/);
    assert.match(await term().command("p spins > 0"), /^True$/);
    await term().command("q");
    assert.equal(await term().exitStatus(), 0);
    assert.doesNotMatch(term().screen(), /spun out/);
  });
});

suite("terminal debugger: ignore", (target) => {
  const term = terminalFor(() =>
    runInTerminal(target, ["--no-stop-on-entry", "-b", `cli_app.py:${app.line("LOOP_BODY")}`, "cli_app.py"]),
  );

  it("passes a breakpoint by for the given number of hits", async () => {
    await term().waitFor("(pdap)");
    assert.equal(await term().command("p value"), "1");
    assert.equal(await term().command("ignore 1 1"), "Will ignore next 1 crossing of breakpoint 1.");
    await term().command("c");
    assert.equal(await term().command("p value"), "3");
  });
});

suite("terminal debugger: exceptions", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["cli_raise.py"]));

  it("stops where an exception is raised after catch raised", async () => {
    await term().waitFor("(pdap)");
    assert.equal(await term().command("catch raised"), "Will stop where an exception is raised.");
    const stop = await term().command("c");
    assert.match(stop, /^Exception: ValueError: negative: -1$/m);
    assert.deepEqual(stopsIn(stop), [`> check() at cli_raise.py:${raising.line("RAISE")}`]);
  });

  it("stops only on the uncaught one after catch uncaught", async () => {
    assert.equal(await term().command("catch uncaught"), "Will stop where an exception is not caught.");
    const stop = await term().command("c");
    assert.match(stop, /^Exception: ValueError: negative: -2$/m);
    assert.equal(await term().command("p value"), "-2");
  });
});

suite("terminal debugger: pdap attach", (target) => {
  let program: ReturnType<typeof spawn>;
  let port: number;
  let output = "";
  let exited: Promise<number | null>;
  before(async () => {
    program = spawn(
      target.python,
      [
        "-m",
        "pdap",
        "--listen",
        "127.0.0.1:0",
        "--wait-for-client",
        "--backend",
        target.backend,
        "cli_attach.py",
      ],
      {
        cwd: FIXTURES,
        env: { ...process.env, PYTHONPATH: AGENT_PYTHONPATH },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    exited = new Promise((resolve) => program.once("close", resolve));
    program.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    port = await new Promise<number>((resolve, reject) => {
      let stderr = "";
      const timer = setTimeout(() => reject(new Error(`the program did not listen: ${stderr}`)), WAIT_MS);
      program.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on [^:\s]+:(\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
  });
  after(() => {
    if (program.exitCode === null) program.kill("SIGKILL");
  });
  const term = terminalFor(() =>
    pdapInTerminal(["attach", `127.0.0.1:${port}`, "-b", `cli_attach.py:${attached.line("TICK")}`]),
  );

  it("attaches, stops at a breakpoint set on the command line, and detaches leaving the program running", async () => {
    // the prompt is open while the program runs: the stop comes, then the prompt after it
    await term().waitFor(`> tick() at cli_attach.py:${attached.line("TICK")}`);
    const screen = await term().waitFor(/> tick\(\) at [^\n]*\n[\s\S]*\(pdap\)/);
    assert.match(screen, new RegExp(`^Attached to process \\d+ at 127.0.0.1:${port}\\.`, "m"));
    assert.deepEqual(stopsIn(screen), [`> tick() at cli_attach.py:${attached.line("TICK")}`]);
    assert.equal(await term().command("p n"), "0");
    assert.equal(await term().command("q"), "Detached; the program goes on running.");
    assert.equal(await term().exitStatus(), 0);
    assert.equal(await exited, 0);
    assert.match(output, /^attach done 50$/m);
  });
});
