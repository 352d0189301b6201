// A launch owns its program's process tree: stdin at end of file, the end reported when the program
// exits, and nothing left running however the session ends (terminate, client gone, adapter killed).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import { DapConnection } from "../src/dap/connection.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const tree = fixture("tree.py");

/** Whether a process runs: a zombie (ended, not yet reaped by whoever inherited it) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    if (existsSync("/proc/self/stat")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pids still running after up to 15 s: a bounded wait for them to go, not a timing claim. */
async function survivors(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 150 && pids.some(alive); i++) await sleep(100);
  return pids.filter(alive);
}

/** A bound on a request that may hang, as waitFor's on events: a broken ending fails, never stalls. */
async function answered<T>(request: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within 20 s`)), 20_000);
  });
  try {
    return await Promise.race([request, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills what a failed scenario left behind, so that no test leaves processes. */
function reap(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
}

/** The program's pid (the process event) and its two children's, once it has said them. */
async function family(client: DapClient): Promise<number[]> {
  const processEvent = await client.waitFor<DebugProtocol.ProcessEvent>("process");
  const said = await client.waitFor("output", (e) => /children \d+ \d+/.test(e.body.output));
  const [, shared, apart] = /children (\d+) (\d+)/.exec(said.body.output) ?? [];
  return [Number(processEvent.body.systemProcessId), Number(shared), Number(apart)];
}

forEachPython("a launch owns its process tree", (target) => {
  it("input() gets end of file, as under plain Python with stdin on /dev/null, and the console says so once", async (t) => {
    const { scenario: s } = await Scenario.launch(target, { program: tree.path, args: ["input"] });
    t.after(() => s.close());
    const code = await s.exitCode();
    const plain = spawnSync(target.python, [tree.path, "input"], { stdio: ["ignore", "pipe", "pipe"] });
    assert.equal(plain.stdout.toString(), "your name? end of file at input()\nrest: ''\n");
    assert.equal(s.client.output("stdout"), plain.stdout.toString());
    assert.equal(s.client.output("stderr"), plain.stderr.toString());
    assert.equal(code, plain.status);
    const notes = s.client.output("console").match(/stdin is empty/g) ?? [];
    assert.equal(notes.length, 1, s.client.output("console"));
  });

  it("terminate ends the whole tree, children in their own session too, and reports the program's end", async (t) => {
    const { scenario: s } = await Scenario.launch(target, { program: tree.path, args: ["family"] });
    const pids = await family(s.client);
    t.after(async () => {
      await s.close();
      reap(pids);
    });
    await s.client.request("terminate");
    const exited = await s.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await s.client.waitFor("terminated");
    assert.equal(exited.body.exitCode, 143, "the program ended by SIGTERM");
    assert.deepEqual(await survivors(pids), [], "nothing of the tree runs on");
  });

  it("a program that exits while its children hold its stdout is reported at once, output complete, then its tree goes with the session", async (t) => {
    const { scenario: s } = await Scenario.launch(target, { program: tree.path, args: ["family", "exit"] });
    const pids = await family(s.client);
    t.after(() => reap(pids));
    const exited = await s.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    const [program, ...children] = pids;
    // the children still run: the end came when the program exited, not when its pipes closed
    assert.deepEqual(children.filter(alive), children, "the children run on until the session ends");
    assert.equal(exited.body.exitCode, 5);
    const before = s.client.events.slice(0, s.client.events.indexOf(exited));
    const out = (category: string) =>
      before
        .filter((e) => e.event === "output" && e.body.category === category)
        .map((e) => e.body.output)
        .join("");
    const lines = out("stdout")
      .split("\n")
      .filter((line) => line.startsWith("line "));
    assert.equal(lines.length, 2000, "everything written before the exit came before exited");
    assert.equal(lines.at(-1), "line 1999");
    assert.equal(out("stderr"), "last words\n");
    await s.client.waitFor("terminated");
    await s.close();
    assert.deepEqual(await survivors([program, ...children]), []);
  });

  it("disconnect at a breakpoint ends the program and every child, then answers", async (t) => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: tree.path, args: ["family"] },
      { [tree.path]: [tree.line("WAITING")] },
    );
    const pids = await family(s.client);
    t.after(() => reap(pids));
    await s.stop();
    await answered(s.client.disconnect(), "disconnect");
    const exited = s.client.events.find((e) => e.event === "exited") as DebugProtocol.ExitedEvent | undefined;
    assert.equal(exited?.body.exitCode, 143, "ended by SIGTERM, reported before the disconnect's answer");
    assert.deepEqual(await survivors(pids), [], "nothing of the tree runs on");
  });

  it("a client that vanishes mid-session leaves nothing running", async (t) => {
    const server = spawn(process.execPath, [PDAP_BIN, "adapter", "--port", "0"], { stdio: "pipe" });
    const pids: number[] = [];
    t.after(() => {
      server.kill("SIGKILL");
      reap(pids);
    });
    const [line] = (await once(server.stderr, "data")) as [Buffer];
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(line.toString())?.[1]);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
      socket.once("error", reject);
    });
    const client = new DapClient(new DapConnection(socket, socket, "adapter"));
    await client.start("launch", {
      program: tree.path,
      args: ["family"],
      python: target.python,
      backend: target.backend,
    });
    pids.push(...(await family(client)));
    socket.destroy();
    assert.deepEqual(await survivors(pids), [], "the program and its children ended with the session");
    assert.equal(server.exitCode, null, "the adapter serves on");
  });

  it("an adapter killed by SIGKILL leaves nothing running", async (t) => {
    const adapter = spawn(process.execPath, [PDAP_BIN, "adapter"], { stdio: "pipe" });
    const client = new DapClient(new DapConnection(adapter.stdout, adapter.stdin, "adapter"));
    const pids: number[] = [];
    t.after(() => {
      adapter.kill("SIGKILL");
      reap(pids);
    });
    await client.start("launch", {
      program: tree.path,
      args: ["family"],
      python: target.python,
      backend: target.backend,
    });
    pids.push(...(await family(client)));
    adapter.kill("SIGKILL");
    assert.deepEqual(await survivors(pids), [], "the program and its children ended with the adapter");
  });
});
