// The program is sacred: under pdap it behaves exactly as under plain Python. Objects the
// debugger looked at while stopped are freed after the resume, and finalised at exit.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../src/client/client.js";
import { Debuggee, startAdapter } from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const lifetimes = fixture("sacred/lifetimes.py");
const EXPECTED_FILE = "first line\nlast line\n";
const EXPECTED_STDOUT = "local object freed: True\n";

/** What an editor does at a stop: the stack, every scope of the top frames, values two levels down, evaluations. */
async function lookAtEverything(client: DapClient, threadId: number): Promise<void> {
  const { stackFrames } = await client.stackTrace(threadId);
  for (const frame of stackFrames.slice(0, 2)) {
    for (const scope of await client.scopes(frame.id)) {
      for (const variable of await client.variables(scope.variablesReference)) {
        if (variable.variablesReference === 0) continue;
        for (const child of await client.variables(variable.variablesReference)) {
          if (child.variablesReference > 0) await client.variables(child.variablesReference);
        }
      }
    }
  }
  const top = stackFrames[0].id;
  for (const [expression, context] of [
    ["globals()", "repl"],
    ["Tracked('evaluated')", "repl"],
    ["[Tracked('in a list')]", "watch"],
    ["1 / 0", "repl"],
    ["undefined_name", "hover"],
  ]) {
    const result = await client.evaluate(expression, top, context).catch(() => undefined);
    if (result && result.variablesReference > 0) await client.variables(result.variablesReference);
  }
}

function outFile(dir: string): string {
  return path.join(dir, "written.txt");
}

forEachPython("nothing the debugger took at a stop outlives the resume (launch)", (target) => {
  let dir: string;
  let s: Scenario;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pdap-sacred-"));
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("frees what was inspected and flushes the unclosed file at exit", async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: lifetimes.path, args: [outFile(dir)] },
      { [lifetimes.path]: [lifetimes.line("BP1"), lifetimes.line("BP2")] },
    ));
    for (const marker of ["BP1", "BP2"]) {
      const stop = await s.stop();
      assert.equal(stop.frames[0].line, lifetimes.line(marker));
      await lookAtEverything(s.client, stop.threadId);
      await s.client.request("continue", { threadId: stop.threadId });
    }
    assert.equal(await s.exitCode(), 0);
    assert.equal(s.client.output("stdout"), EXPECTED_STDOUT);
    assert.equal(readFileSync(outFile(dir), "utf8"), EXPECTED_FILE);
  });
});

forEachPython("nothing the debugger took at a stop outlives the resume (attach)", (target) => {
  let dir: string;
  let program: Debuggee;
  let client: DapClient | undefined;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pdap-sacred-"));
  });
  after(async () => {
    await client?.disconnect();
    program?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("frees what was inspected and flushes the unclosed file at exit", async () => {
    program = Debuggee.start(target, [
      "-m",
      "pdap",
      "--listen",
      "127.0.0.1:0",
      "--wait-for-client",
      lifetimes.path,
      outFile(dir),
    ]);
    const port = await program.listeningPort();
    client = startAdapter().client;
    await client.start(
      "attach",
      { connect: { host: "127.0.0.1", port } },
      { [lifetimes.path]: [lifetimes.line("BP1"), lifetimes.line("BP2")] },
    );
    for (const marker of ["BP1", "BP2"]) {
      const stop = await client.nextStop();
      const { stackFrames } = await client.stackTrace(stop.body.threadId ?? 0);
      assert.equal(stackFrames[0].line, lifetimes.line(marker));
      await lookAtEverything(client, stop.body.threadId ?? 0);
      await client.request("continue", { threadId: stop.body.threadId ?? 0 });
    }
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, EXPECTED_STDOUT);
    assert.equal(readFileSync(outFile(dir), "utf8"), EXPECTED_FILE);
  });
});

const subinterpreters = fixture("sacred/subinterpreters.py");
const childStreams = fixture("sacred/child_streams.py");

/** Other interpreters a program may start (older ones pdap cannot debug), where this machine has them. */
function otherPythons(): string[] {
  const root = path.join(os.homedir(), ".pyenv", "versions");
  const found: string[] = [];
  for (const version of ["2.7", "3.6", "3.8"]) {
    const dir = existsSync(root)
      ? readdirSync(root).find((name) => name.startsWith(`${version}.`))
      : undefined;
    const python = dir && path.join(root, dir, "bin", "python");
    if (python && existsSync(python)) found.push(python);
  }
  return found;
}

forEachPython("the agent starts only where it was asked to", (target) => {
  let s: Scenario | undefined;
  after(() => s?.close());

  it("leaves subinterpreters alone: the program runs to its end as without pdap", async () => {
    ({ scenario: s } = await Scenario.launch(target, { program: subinterpreters.path }));
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /^run_in_subinterp: 0\n(low-level interpreters: ok\n)?done\n$/);
    assert.equal(s.client.output("stderr"), "");
  });
});

forEachPython("pdap never writes into a program's streams", (target) => {
  let s: Scenario | undefined;
  after(() => s?.close());

  it("children it cannot debug run silently; the session's console says why", async () => {
    const others = otherPythons();
    const pythons = [...others, target.python];
    const client = DapClient.spawnAdapter();
    s = new Scenario(client, target);
    client.connection.onRequest("startDebugging", () => {
      throw new Error("this client debugs no child processes");
    });
    await client.start("launch", {
      program: childStreams.path,
      args: pythons,
      python: target.python,
      backend: target.backend,
    });
    assert.equal(await s.exitCode(), 0);
    const expected = pythons.map((_, i) => `child ${i + 1}: out='child says hi\\n' err='' code=0\n`).join("");
    assert.equal(client.output("stdout"), expected);
    assert.equal(client.output("stderr"), "");
    const console = client.output("console");
    assert.match(console, /child \d+ runs undebugged: .*this client debugs no child processes/);
    for (const old of others) assert.ok(console.includes(`pdap needs Python 3.9 or newer; ${old}`), console);
  });
});

const shadowing = fixture("sacred/shadowing/app.py");
const SHADOWING_OUTPUT = "key: from the program's own secrets.py\n";

/** At the stop: the stack, the locals, an evaluation that fails (pdap formats its traceback). */
async function inspectShadowed(client: DapClient, threadId: number): Promise<void> {
  const { stackFrames } = await client.stackTrace(threadId);
  assert.equal(stackFrames[0].line, shadowing.line("BP1"));
  const [locals] = await client.scopes(stackFrames[0].id);
  const names = (await client.variables(locals.variablesReference)).map((v) => v.name);
  assert.ok(names.includes("key"), names.join());
  assert.equal(
    (await client.evaluate("secrets.API_KEY", stackFrames[0].id, "watch")).result,
    `"from the program's own secrets.py"`,
  );
  await client.evaluate("1 / 0", stackFrames[0].id).catch(() => undefined);
}

forEachPython("files named like standard modules beside the program", (target) => {
  let s: Scenario | undefined;
  let program: Debuggee | undefined;
  let client: DapClient | undefined;
  after(async () => {
    await s?.close();
    await client?.disconnect();
    program?.kill();
  });

  it("launch: pdap imports none of them, the program imports its own", async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: shadowing.path, cwd: path.dirname(shadowing.path) },
      { [shadowing.path]: [shadowing.line("BP1")] },
    ));
    const stop = await s.stop();
    await inspectShadowed(s.client, stop.threadId);
    await s.client.request("continue", { threadId: stop.threadId });
    assert.equal(await s.exitCode(), 0);
    assert.equal(s.client.output("stdout"), SHADOWING_OUTPUT);
    assert.equal(s.client.output("stderr"), "");
  });

  it("python -m pdap --listen with a token: the same", async () => {
    const token = "a-token-for-this-test";
    program = Debuggee.start(
      target,
      ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "app.py"],
      {
        cwd: path.dirname(shadowing.path),
        env: { PDAP_TOKEN: token },
      },
    );
    const port = await program.listeningPort();
    client = startAdapter().client;
    await client.start(
      "attach",
      { connect: { host: "127.0.0.1", port }, token },
      { [shadowing.path]: [shadowing.line("BP1")] },
    );
    const stop = await client.nextStop();
    await inspectShadowed(client, stop.body.threadId ?? 0);
    await client.request("continue", { threadId: stop.body.threadId ?? 0 });
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, SHADOWING_OUTPUT);
    assert.match(program.stderr, /^pdap: listening on \S+\n$/);
  });
});

const started = fixture("sacred/started.py");

interface Ending {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** The fixture under plain Python: what pdap must reproduce. */
function plainRun(python: string, ending: string): Ending {
  const run = spawnSync(python, [started.path, ending], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: "" },
  });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status, signal: run.signal };
}

forEachPython("a program sees the start and the end it has without pdap", (target) => {
  for (const ending of ["", "error", "interrupt", "exit"]) {
    it(`python -m pdap --listen, ending ${ending || "normally"}: same __main__, output, traceback and exit`, async () => {
      const plain = plainRun(target.python, ending);
      const program = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", started.path, ending]);
      try {
        await program.exitCode();
        assert.equal(program.stdout, plain.stdout);
        assert.equal(program.stderr.replace(/^pdap: listening on \S+\n/, ""), plain.stderr);
        assert.deepEqual(
          { status: program.child.exitCode, signal: program.child.signalCode },
          { status: plain.status, signal: plain.signal },
        );
      } finally {
        program.kill();
      }
    });
  }

  it("python -m pdap -m module: the module's __main__ holds nothing of pdap's", async () => {
    const cwd = path.dirname(started.path);
    const run = spawnSync(target.python, ["-m", "started"], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: "" },
    });
    const program = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", "-m", "started"], {
      cwd,
    });
    try {
      assert.equal(await program.exitCode(), run.status);
      assert.equal(program.stdout, run.stdout);
      assert.equal(program.stderr.replace(/^pdap: listening on \S+\n/, ""), run.stderr);
    } finally {
      program.kill();
    }
  });

  it("launch: an exception that ends a thread stops there, then threading reports it as usual", async () => {
    const plain = plainRun(target.python, "");
    const client = DapClient.spawnAdapter();
    const s = new Scenario(client, target);
    try {
      await client.initialize();
      const initialized = client.waitFor("initialized");
      const launched = client.request("launch", {
        program: started.path,
        python: target.python,
        backend: target.backend,
      });
      await initialized;
      await client.request("setExceptionBreakpoints", { filters: ["uncaught"] });
      await client.request("configurationDone");
      await launched;
      const stop = await s.stop();
      assert.equal(stop.reason, "exception");
      assert.equal(stop.frames[0].line, started.line("THREAD_RAISE"));
      await client.request("continue", { threadId: stop.threadId });
      assert.equal(await s.exitCode(), 0);
      assert.equal(client.output("stdout"), plain.stdout);
      assert.equal(client.output("stderr"), plain.stderr);
    } finally {
      await s.close();
    }
  });
});

forEachPython("logToFile", (target) => {
  let dir: string;
  let adapter: ReturnType<typeof startAdapter> | undefined;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pdap-log-"));
  });
  after(async () => {
    await adapter?.client.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the agent logs to its own file and says where in the console; the program's streams stay its own", async () => {
    adapter = startAdapter([], { ...process.env, PDAP_LOG_DIR: dir });
    const { client } = adapter;
    await client.start("launch", {
      program: lifetimes.path,
      args: [outFile(dir)],
      logToFile: true,
      python: target.python,
      backend: target.backend,
    });
    const exited = await client.waitFor<DebugProtocol.ExitedEvent>("exited");
    assert.equal(exited.body.exitCode, 0);
    assert.match(client.output("console"), /the agent logs to .*pdap-agent-PID\.log/);
    const logs = readdirSync(dir).filter((name) => /^pdap-agent-\d+\.log$/.test(name));
    assert.equal(logs.length, 1, readdirSync(dir).join());
    assert.match(readFileSync(path.join(dir, logs[0]), "utf8"), /agent of pid \d+, Python \d/);
    assert.equal(client.output("stdout"), EXPECTED_STDOUT);
    assert.equal(client.output("stderr"), "");
  });
});
