// Attach by process id to a program that opted in (pdap.enable_attach()): a busy loop, a program
// blocked in time.sleep, one with 10 threads. Attach, stop at a breakpoint, inspect, detach, attach
// again; the program's output and exit status are those it has without pdap. Processes that did
// not opt in, or belong to another user, are refused with the reason and left untouched.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ptraceAccess } from "../src/adapter/ptraceAccess.js";
import {
  type Adapter,
  attachFails,
  Debuggee,
  outputEvent,
  RemoteDir,
  startAdapter,
} from "./attach-helpers.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { type PythonTarget, pythonMatrix } from "./support/pythons.js";

const target = fixture("pid_target.py");

/** One backend per version: the tracer hardly matters to how a process is reached. */
function onePerVersion(): PythonTarget[] {
  const seen = new Set<string>();
  return pythonMatrix().targets.filter((t) => !seen.has(t.version) && seen.add(t.version));
}

/** Attaches by pid with a breakpoint at BEAT; returns the adapter and the first stop's thread. */
async function attachAndStop(pid: number): Promise<{ adapter: Adapter; threadId: number }> {
  const adapter = startAdapter();
  const stopped = adapter.client.nextStop();
  await adapter.client.start("attach", { processId: String(pid) }, { [target.path]: [target.line("BEAT")] });
  const event = await stopped;
  assert.equal(event.body.reason, "breakpoint");
  return { adapter, threadId: event.body.threadId ?? 0 };
}

async function inspectBeat(adapter: Adapter, threadId: number): Promise<void> {
  const { stackFrames } = await adapter.client.stackTrace(threadId);
  assert.equal(stackFrames[0].source?.path, target.path);
  assert.equal(stackFrames[0].line, target.line("BEAT"));
  assert.equal(stackFrames[0].name, "beat");
  const n = await adapter.client.evaluate("n > 0 and n", stackFrames[0].id);
  assert.match(n.result, /^[1-9]\d*$/);
}

/** The program run without pdap at all: its stdout and exit status. */
async function plainRun(
  python: PythonTarget,
  mode: string,
): Promise<{ stdout: string; code: number | null }> {
  const plain = Debuggee.start(python, [target.path, mode], { cwd: FIXTURES, env: { PLAIN: "1" } });
  try {
    await plain.waitFor("stdout", /ready/);
    plain.send("stop");
    return { code: await plain.exitCode(), stdout: plain.stdout };
  } finally {
    plain.kill();
  }
}

/** Waits (bounded) until the process runs as this uid (setpriv changes it just before exec). */
async function ownedBy(pid: number, uid: number): Promise<boolean> {
  for (let tries = 0; tries < 200; tries++) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    if (new RegExp(`^Uid:\\s+${uid}\\b`, "m").test(status)) return true;
    await sleep(25);
  }
  return false;
}

for (const python of onePerVersion()) {
  for (const mode of ["busy", "sleep", "threads"]) {
    describe(`attach --pid: ${mode} program [${python.label}]`, () => {
      let program: Debuggee;
      const adapters: Adapter[] = [];
      before(() => {
        program = Debuggee.start(python, [target.path, mode], { cwd: FIXTURES });
      });
      after(async () => {
        for (const adapter of adapters) await adapter.client.disconnect();
        program.kill();
      });

      it("is signalled, stops at a breakpoint, shows its stack and threads, and runs on after detach", async () => {
        await program.waitFor("stdout", /ready/);
        const { adapter, threadId } = await attachAndStop(program.child.pid ?? 0);
        adapters.push(adapter);
        await outputEvent(adapter.client, "sent SIGUSR2", "console");
        await inspectBeat(adapter, threadId);
        const threads = await adapter.client.threads();
        if (mode === "threads") {
          const workers = threads.filter((t) => t.name.startsWith("worker-"));
          assert.equal(workers.length, 10, `threads: ${threads.map((t) => t.name)}`);
          const { stackFrames } = await adapter.client.stackTrace(workers[0].id);
          assert.ok(stackFrames.length > 0, "a worker's stack is inspectable");
        }
        await adapter.client.disconnect();
        assert.ok(program.running, "detach leaves the program running");
      });

      it("attaches again later without a signal: the agent still listens", async () => {
        const { adapter, threadId } = await attachAndStop(program.child.pid ?? 0);
        adapters.push(adapter);
        await inspectBeat(adapter, threadId);
        assert.doesNotMatch(adapter.client.output("console"), /sent SIGUSR2/);
        await adapter.client.disconnect();
        assert.ok(program.running, "detach leaves the program running");
      });

      it("ends with the output and exit status it has without pdap", async () => {
        program.send("stop");
        const code = await program.exitCode();
        const plain = await plainRun(python, mode);
        assert.equal(code, 3);
        assert.equal(code, plain.code);
        assert.equal(program.stdout, plain.stdout);
        assert.equal(program.stdout, `ready ${mode}\ndone True\n`);
        assert.equal(program.stderr, "");
      });
    });
  }
}

const gdbMissing = spawnSync("gdb", ["--version"]).error ? "gdb is not installed" : undefined;
const ptraceBlocked = ptraceAccess().allowed
  ? undefined
  : `ptrace is not allowed here: ${ptraceAccess().why}`;

for (const python of onePerVersion()) {
  describe(`attach --pid through ptrace (gdb), no opt-in [${python.label}]`, () => {
    let program: Debuggee;
    const adapters: Adapter[] = [];
    const skip = gdbMissing ?? ptraceBlocked;
    before(() => {
      if (!skip)
        program = Debuggee.start(python, [target.path, "sleep"], { cwd: FIXTURES, env: { PLAIN: "1" } });
    });
    after(async () => {
      for (const adapter of adapters) await adapter.client.disconnect();
      program?.kill();
    });

    it("injects the agent, stops at a breakpoint, detaches; attaches again without injecting; output and status as without pdap", {
      skip,
    }, async () => {
      await program.waitFor("stdout", /ready/);
      const first = await attachAndStop(program.child.pid ?? 0);
      adapters.push(first.adapter);
      await outputEvent(first.adapter.client, "through ptrace (gdb)", "console");
      await inspectBeat(first.adapter, first.threadId);
      await first.adapter.client.disconnect();
      assert.ok(program.running, "detach leaves the program running");
      const second = await attachAndStop(program.child.pid ?? 0);
      adapters.push(second.adapter);
      await inspectBeat(second.adapter, second.threadId);
      assert.doesNotMatch(second.adapter.client.output("console"), /ptrace/);
      await second.adapter.client.disconnect();
      program.send("stop");
      const code = await program.exitCode();
      const plain = await plainRun(python, "sleep");
      assert.equal(code, plain.code);
      assert.equal(program.stdout, plain.stdout);
      assert.equal(program.stderr, "");
    });
  });
}

describe("attach --pid to a program in a container-like setting: its own directory, pathMappings", () => {
  const python = onePerVersion().at(-1);
  const remote = new RemoteDir();
  let program: Debuggee;
  let adapter: Adapter | undefined;
  after(async () => {
    await adapter?.client.disconnect();
    program?.kill();
    remote.remove();
  });

  it("stops at a breakpoint set on the local file, shown at the local path", { skip: !python }, async () => {
    if (!python) return;
    const copy = remote.copy("pid_target.py");
    program = Debuggee.start(python, [copy, "busy"], { cwd: remote.dir });
    await program.waitFor("stdout", /ready/);
    adapter = startAdapter();
    const stopped = adapter.client.nextStop();
    await adapter.client.start(
      "attach",
      { processId: program.child.pid, pathMappings: [{ localRoot: FIXTURES, remoteRoot: remote.dir }] },
      { [target.path]: [target.line("BEAT")] },
    );
    const { stackFrames } = await adapter.client.stackTrace((await stopped).body.threadId ?? 0);
    assert.equal(stackFrames[0].source?.path, target.path);
    assert.equal(stackFrames[0].line, target.line("BEAT"));
    await adapter.client.disconnect();
    program.send("stop");
    assert.equal(await program.exitCode(), 3);
  });
});

describe("PDAP_ATTACH=SIGNAL: the opt-in of a program that does not call pdap", () => {
  const python = onePerVersion()[0];
  // the line sitecustomize runs when PDAP_ATTACH is set
  const OPT_IN = "from pdap import attach_by_pid; attach_by_pid.enable_from_environment()";
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it("PDAP_ATTACH=SIGUSR1 is attached with SIGUSR1", async () => {
    const code = `${OPT_IN}\nimport sys\nprint('up', flush=True)\nsys.stdin.readline()\nprint('bye')`;
    const program = Debuggee.start(python, ["-c", code], { env: { PDAP_ATTACH: "SIGUSR1" } });
    const adapter = startAdapter();
    cleanups.push(
      () => program.kill(),
      () => void adapter.client.disconnect(),
    );
    await program.waitFor("stdout", /up/);
    await adapter.client.start("attach", { processId: program.child.pid });
    await outputEvent(adapter.client, "sent SIGUSR1", "console");
    await adapter.client.disconnect();
    program.send("");
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, "up\nbye\n");
  });

  it("a signal the program handles itself is refused: the attach says why, the program's handler never runs", async () => {
    const code = [
      "import os, signal, sys",
      "signal.signal(signal.SIGUSR2, lambda *a: print('program handler ran', flush=True))",
      // set here, after the program's handler: from the process's environment sitecustomize would
      // opt in before the program's first line
      "os.environ['PDAP_ATTACH'] = '1'",
      OPT_IN,
      "print('up', flush=True)",
      "sys.stdin.readline()",
    ].join("\n");
    const program = Debuggee.start(python, ["-c", code]);
    const adapter = startAdapter();
    cleanups.push(
      () => program.kill(),
      () => void adapter.client.disconnect(),
    );
    await program.waitFor("stdout", /up/);
    const message = await attachFails(adapter.client, { processId: program.child.pid });
    assert.match(message, /the program already handles SIGUSR2/);
    program.send("");
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, "up\n");
    assert.equal(program.stderr, "", "nothing written on the program's streams");
  });

  it("a forked child is attached by its own pid; its parent stays as it was", async () => {
    const code = [
      "import os, sys, pdap",
      "pdap.enable_attach()",
      "child = os.fork()",
      "if child == 0:",
      "    print('child', os.getpid(), flush=True)",
      "    sys.stdin.readline()",
      "    os._exit(0)",
      "os.waitpid(child, 0)",
      "print('parent done', flush=True)",
    ].join("\n");
    const program = Debuggee.start(python, ["-c", code]);
    const adapter = startAdapter();
    cleanups.push(
      () => program.kill(),
      () => void adapter.client.disconnect(),
    );
    const childPid = Number((await program.waitFor("stdout", /child (\d+)/))[1]);
    await adapter.client.start("attach", { processId: childPid });
    await outputEvent(adapter.client, `sent SIGUSR2 to process ${childPid}`, "console");
    const processEvent = adapter.client.events.find((event) => event.event === "process");
    assert.equal(processEvent?.body?.systemProcessId, childPid);
    await adapter.client.disconnect();
    program.send("");
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, `child ${childPid}\nparent done\n`);
  });

  it("pdap.enable_attach() in code raises when the program handles the signal", async () => {
    const code = [
      "import signal, pdap",
      "signal.signal(signal.SIGUSR2, lambda *a: None)",
      "try:\n    pdap.enable_attach()\nexcept RuntimeError as e:\n    print(e)",
      "pdap.enable_attach('USR1')\nprint('USR1 ok')",
    ].join("\n");
    const program = Debuggee.start(python, ["-c", code]);
    cleanups.push(() => program.kill());
    assert.equal(await program.exitCode(), 0);
    assert.match(program.stdout, /already handles SIGUSR2.*\nUSR1 ok\n$/);
  });
});

describe("attach --pid refuses what it must not touch", () => {
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it("another user's process: refused, naming its owner", async (t) => {
    if (process.getuid?.() !== 0) {
      const adapter = startAdapter();
      cleanups.push(() => void adapter.client.disconnect());
      // pid 1 is root's: not ours when the tests do not run as root
      assert.match(await attachFails(adapter.client, { processId: 1 }), /belongs to user \S+ \(uid 0\)/);
      return;
    }
    const other = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "60"], {
      stdio: "ignore",
    });
    cleanups.push(() => other.kill("SIGKILL"));
    const spawned = await new Promise<boolean>((resolve) => {
      other.once("spawn", () => resolve(true));
      other.once("error", () => resolve(false));
    });
    if (!spawned || !(await ownedBy(other.pid ?? 0, 65534)))
      return t.skip("setpriv cannot start a process as uid 65534 here");
    const adapter = startAdapter();
    cleanups.push(() => void adapter.client.disconnect());
    const message = await attachFails(adapter.client, { processId: other.pid });
    assert.match(message, /belongs to user \S+ \(uid 65534\).*you are \S+ \(uid 0\)/);
  });

  it("no such process", async () => {
    const adapter = startAdapter();
    cleanups.push(() => void adapter.client.disconnect());
    assert.match(await attachFails(adapter.client, { processId: 2 ** 22 + 1 }), /there is no process/);
  });
});
