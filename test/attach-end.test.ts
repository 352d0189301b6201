// How an attached program starts and ends: -m and -c under --listen with --wait-for-client,
// terminateDebuggee and terminate (the agent ends the process: output flushed, exit code 0),
// redirectOutput false, and `exited` only once the program's last thread is done.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import {
  type Adapter,
  Debuggee,
  outputEvent,
  pathMappings,
  RemoteDir,
  remoteApp,
  startAdapter,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget } from "./support/pythons.js";

const mod = fixture("attach_mod.py");

/** Runs a scenario with one program and one adapter, always cleaned up. */
async function withSession(
  target: PythonTarget,
  args: string[],
  options: { cwd?: string },
  body: (program: Debuggee, adapter: Adapter, port: number) => Promise<void>,
): Promise<void> {
  const program = Debuggee.start(target, args, options);
  const adapter = startAdapter();
  try {
    const port = await program.listeningPort();
    await body(program, adapter, port);
  } finally {
    await adapter.client.disconnect();
    program.kill();
  }
}

forEachPython("attach: how an attached program starts and ends", (target) => {
  it("-m module with --wait-for-client; disconnect with terminateDebuggee ends it, output flushed", async () => {
    const remote = new RemoteDir();
    remote.copy("attach_mod.py");
    try {
      const args = ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "-m", "attach_mod", "pdap"];
      await withSession(target, args, { cwd: remote.dir }, async (program, { client }, port) => {
        await client.start(
          "attach",
          { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote) },
          { [mod.path]: [mod.line("MOD_BP")] },
        );
        const stop = await client.nextStop();
        const { stackFrames } = await client.stackTrace(stop.body.threadId ?? 0);
        assert.equal(stackFrames[0].source?.path, mod.path);
        assert.equal(stackFrames[0].line, mod.line("MOD_BP"));
        const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
        await client.disconnect(true);
        assert.equal((await exited).body.exitCode, 0);
        assert.equal(await program.exitCode(), 0);
        assert.equal(program.stdout, "module started\n", "buffered output is flushed before the end");
      });
    } finally {
      remote.remove();
    }
  });

  it("a terminate request ends the program", async () => {
    const { remote, app } = remoteApp();
    try {
      await withSession(
        target,
        ["-m", "pdap", "--listen", "127.0.0.1:0", app],
        { cwd: remote.dir },
        async (program, { client }, port) => {
          await program.waitFor("stdout", /ready/);
          await client.start("attach", { connect: { host: "127.0.0.1", port } });
          const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
          const terminated = client.waitFor("terminated");
          await client.request("terminate");
          assert.equal((await exited).body.exitCode, 0);
          await terminated;
          assert.equal(await program.exitCode(), 0);
        },
      );
    } finally {
      remote.remove();
    }
  });

  it("-c code with --wait-for-client: nothing runs before the client configured; its exit code is reported", async () => {
    const code = "import sys\nprint('hi', flush=True)\nsys.exit(7)";
    const args = ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "-c", code];
    await withSession(target, args, {}, async (program, { client }, port) => {
      assert.equal(program.stdout, "", "the program waits for the client");
      const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
      await client.start("attach", { connect: { host: "127.0.0.1", port } });
      await outputEvent(client, "hi");
      assert.equal((await exited).body.exitCode, 7);
      await client.waitFor("terminated");
      assert.equal(await program.exitCode(), 7);
    });
  });

  it("redirectOutput false: no output events, the program's own stdout has it all", async () => {
    const code = "import sys\nfor line in sys.stdin:\n    print('got', line.strip(), flush=True)";
    const args = ["-m", "pdap", "--listen", "127.0.0.1:0", "-c", code];
    await withSession(target, args, {}, async (program, { client }, port) => {
      await client.start("attach", { connect: { host: "127.0.0.1", port }, redirectOutput: false });
      const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
      program.send("x");
      await program.waitFor("stdout", /got x/);
      program.child.stdin?.end();
      assert.equal((await exited).body.exitCode, 0);
      assert.equal(client.output("stdout"), "");
      assert.equal(program.stdout, "got x\n");
    });
  });

  it("a forked child runs on without the client: its output never enters the parent's link", {
    skip: process.platform === "win32" ? "no fork on Windows" : false,
  }, async () => {
    const code = [
      "import os, sys",
      "pid = os.fork()",
      "if pid == 0:",
      "    for i in range(200):",
      "        sys.stdout.write('child line %d\\n' % i)  # one write: atomic on the shared pipe",
      "    sys.stdout.flush()",
      "    os._exit(0)",
      "for i in range(200):",
      "    sys.stdout.write('parent line %d\\n' % i)",
      "os.waitpid(pid, 0)",
      "print('parent done', flush=True)",
    ].join("\n");
    const args = ["-W", "ignore", "-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "-c", code];
    await withSession(target, args, {}, async (program, { client }, port) => {
      const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
      await client.start("attach", { connect: { host: "127.0.0.1", port } });
      assert.equal((await exited).body.exitCode, 0);
      assert.equal(await program.exitCode(), 0);
      const events = client.output("stdout");
      assert.doesNotMatch(events, /child line/);
      assert.equal(events.match(/parent line \d+\n/g)?.length, 200);
      assert.match(events, /parent done\n$/);
      assert.equal(
        program.stdout.match(/child line \d+\n/g)?.length,
        200,
        "the child's own stdout has its output",
      );
    });
  });

  it("exited comes when the last non-daemon thread is done, not when the main thread ends", async () => {
    const code = [
      "import sys, threading",
      "def worker():",
      "    line = sys.stdin.readline()",
      "    print('worker got', line.strip(), flush=True)",
      "threading.Thread(target=worker).start()",
      "print('main done', flush=True)",
    ].join("\n");
    const args = ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "-c", code];
    await withSession(target, args, {}, async (program, { client }, port) => {
      const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
      await client.start("attach", { connect: { host: "127.0.0.1", port } });
      await outputEvent(client, "main done");
      // the worker is blocked on stdin until we write: no exit can have been reported yet
      assert.equal(client.events.filter((e) => e.event === "exited").length, 0);
      program.send("last");
      await outputEvent(client, "worker got last");
      assert.equal((await exited).body.exitCode, 0);
      assert.equal(await program.exitCode(), 0);
    });
  });
});
