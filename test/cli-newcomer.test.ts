// The terminal debugger as a newcomer meets it (issue 16): the keyboard while the program reads
// its input, programs that die at start, q while running, a takeover, -m of a library module,
// breakpoints in files the program does not have, and the small things of the command line.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { DapClient } from "../src/client/client.js";
import { onMainTerminal, pdapInTerminal, runInTerminal, stopsIn, terminalFor } from "./support/cli.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import type { PythonTarget } from "./support/pythons.js";

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

/** `python -m pdap --listen 127.0.0.1:0 FILE` (a program that runs a minute); its port and process. */
function listeningProgram(
  target: PythonTarget,
  file: string,
): { port: Promise<number>; program: ChildProcess } {
  const program = spawn(
    target.python,
    ["-m", "pdap", "--listen", "127.0.0.1:0", "--backend", target.backend, file],
    {
      cwd: FIXTURES,
      env: { ...process.env, PYTHONPATH: AGENT_PYTHONPATH },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const port = new Promise<number>((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`the program did not listen: ${stderr}`)), 20_000);
    program.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on [^:\s]+:(\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { port, program };
}

onMainTerminal("terminal debugger: q while an attached program runs", (target) => {
  const { port, program } = listeningProgram(target, "cli_spin.py");
  after(() => program.kill("SIGKILL"));
  let address = "";
  before(async () => {
    address = `127.0.0.1:${await port}`;
  });
  const term = terminalFor(() => pdapInTerminal(["attach", address]));

  it("detaches at once, leaving the program running", async () => {
    await term().waitFor(/Attached to process \d+ .*q detaches\.\n\(pdap\)/);
    assert.equal(await term().command("p 1"), "*** the program is running: Ctrl-C pauses it, q detaches");
    term().type("q");
    assert.equal(await term().exitStatus(), 0);
    assert.match(term().screen(), /^Detached; the program goes on running\.$/m);
    assert.equal(program.exitCode, null, "the program runs on");
  });
});

onMainTerminal("terminal debugger: another client takes the session over", (target) => {
  const { port, program } = listeningProgram(target, "cli_spin.py");
  const second = DapClient.spawnAdapter();
  after(async () => {
    await second.disconnect(false).catch(() => undefined);
    program.kill("SIGKILL");
  });
  let address = { host: "127.0.0.1", port: 0 };
  before(async () => {
    address = { host: "127.0.0.1", port: await port };
  });
  const term = terminalFor(() => pdapInTerminal(["attach", `${address.host}:${address.port}`]));

  it("says so in the first one, which ends while the program runs on", async () => {
    await term().waitFor(/q detaches\.\n\(pdap\)/);
    await second.begin("attach", { connect: address });
    assert.equal(await term().exitStatus(), 0);
    const screen = term().screen();
    assert.match(screen, /^Another client took the session over; the program goes on running\.$/m);
    assert.doesNotMatch(screen, /The program ended/);
    assert.equal(program.exitCode, null, "the program runs on");
  });
});

onMainTerminal("terminal debugger: the module the user runs is theirs", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["-m", "json.tool", "cli_data.json"]));

  it("stops on entry in a standard-library module run with -m, and runs it to its end", async () => {
    const screen = await term().waitFor("(pdap)");
    assert.match(stopsIn(screen)[0] ?? "", /^> <module>\(\) at .*json[/\\]tool\.py:1$/);
    const end = await term().command("c");
    assert.match(end, /"tool": \[/);
    assert.equal(await term().exitStatus(), 0);
  });
});

onMainTerminal("terminal debugger: --no-just-my-code", (target) => {
  const library = fixture("cli_library.py");
  const mine = terminalFor(() =>
    runInTerminal(target, [
      "--no-stop-on-entry",
      "-b",
      `cli_library.py:${library.line("CALL")}`,
      "cli_library.py",
    ]),
  );
  const everything = terminalFor(() =>
    runInTerminal(target, [
      "--no-just-my-code",
      "--no-stop-on-entry",
      "-b",
      `cli_library.py:${library.line("CALL")}`,
      "cli_library.py",
    ]),
  );

  it("steps over the standard library by default, and says so in help", async () => {
    await mine().waitFor("(pdap)");
    assert.deepEqual(stopsIn(await mine().command("s")), [
      `> <module>() at cli_library.py:${library.line("PRINT")}`,
    ]);
    assert.match(await mine().command("help"), /only your code stops and steps \(justMyCode\)/i);
  });

  it("steps into it with --no-just-my-code", async () => {
    await everything().waitFor("(pdap)");
    assert.match(
      stopsIn(await everything().command("s"))[0] ?? "",
      /^> dumps\(\) at .*json[/\\]__init__\.py:\d+$/,
    );
  });
});

onMainTerminal("terminal debugger: a breakpoint in a file the attached program does not have", (target) => {
  const spin = fixture("cli_spin.py");
  // the program runs its own copy, elsewhere: the local file is not one of its files
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), "pdap-remote-"));
  copyFileSync(spin.path, path.join(elsewhere, "cli_spin.py"));
  const { port, program } = listeningProgram(target, path.join(elsewhere, "cli_spin.py"));
  after(() => {
    program.kill("SIGKILL");
    rmSync(elsewhere, { recursive: true, force: true });
  });
  let address = "";
  before(async () => {
    address = `127.0.0.1:${await port}`;
  });
  const unmapped = terminalFor(() =>
    pdapInTerminal(["attach", address, "-b", `${spin.path}:${spin.line("SPIN")}`]),
  );

  it("says it is not loaded in the program and hints at the path mapping", async () => {
    const screen = await unmapped().waitFor(/q detaches\.\n\(pdap\)/);
    assert.match(
      screen,
      new RegExp(
        `^Breakpoint 1 at cli_spin.py:${spin.line("SPIN")} \\(pending: not loaded in the program; missing --path-map \\(pathMappings\\)\\?\\)$`,
        "m",
      ),
    );
    unmapped().type("q");
    assert.equal(await unmapped().exitStatus(), 0);
  });

  it("is verified and stops with the mapping", async () => {
    const client = DapClient.spawnAdapter();
    try {
      const connect = { host: "127.0.0.1", port: await port };
      const pathMappings = [{ localRoot: path.dirname(spin.path), remoteRoot: elsewhere }];
      const result = await client.start(
        "attach",
        { connect, pathMappings },
        { [spin.path]: [spin.line("SPIN")] },
      );
      assert.equal(result[spin.path][0].verified, true);
      assert.equal(result[spin.path][0].message, undefined);
      const stop = await client.nextStop();
      const { stackFrames } = await client.stackTrace(stop.body.threadId ?? 0);
      assert.equal(stackFrames[0].source?.path, spin.path);
    } finally {
      await client.disconnect(false);
    }
  });
});

onMainTerminal("terminal debugger: breakpoints not there yet, and refused ones", (target) => {
  const app = fixture("cli_app.py");
  const term = terminalFor(() => runInTerminal(target, ["cli_app.py"]));

  it("says a function breakpoint is pending until the function is defined", async () => {
    await term().waitFor("(pdap)");
    assert.equal(
      await term().command("b nosuchfunc"),
      "Breakpoint 1 at function nosuchfunc (pending until a function nosuchfunc is defined)",
    );
  });

  it("gives a refused breakpoint's number to the next one", async () => {
    assert.match(await term().command("b 999"), /^\*\*\* breakpoint not set: no executable code/);
    assert.equal(
      await term().command(`b ${app.line("ADD")}`),
      `Breakpoint 2 at cli_app.py:${app.line("ADD")}`,
    );
  });
});

onMainTerminal("terminal debugger: -c commands of an attach wait for the first stop", (target) => {
  const spin = fixture("cli_spin.py");
  const { port, program } = listeningProgram(target, "cli_spin.py");
  after(() => program.kill("SIGKILL"));
  let address = "";
  before(async () => {
    address = `127.0.0.1:${await port}`;
  });
  const term = terminalFor(() =>
    pdapInTerminal(["attach", address, "-b", `cli_spin.py:${spin.line("SPIN")}`, "-c", "p 6 * 7"]),
  );

  it("runs them there, not while the program runs", async () => {
    const screen = await term().waitFor(/\(pdap\) p 6 \* 7\n42\n\(pdap\)/);
    assert.doesNotMatch(screen, /the program is running/);
    term().type("q");
    assert.equal(await term().exitStatus(), 0);
  });
});
