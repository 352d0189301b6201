// Child Python processes are debugged too: each becomes its own session through startDebugging.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../src/client/client.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const parent = fixture("parent.py");
const childWork = fixture("child_work.py");

/** Launches parent.py; every child session is attached by a new adapter with `breakpoints` set. */
async function launchFamily(target: PythonTarget, how: string, breakpoints: Record<string, number[]>) {
  const client = DapClient.spawnAdapter();
  const children: DapClient[] = [];
  const childStops: Array<Promise<DebugProtocol.StoppedEvent>> = [];
  let firstStop: (stop: { client: DapClient; event: DebugProtocol.StoppedEvent }) => void = () => {};
  // the first stop in any child session (a pool also starts helpers, like the resource tracker)
  const anyChildStop = new Promise<{ client: DapClient; event: DebugProtocol.StoppedEvent }>((resolve) => {
    firstStop = resolve;
  });
  client.connection.onRequest("startDebugging", async ({ configuration }) => {
    const child = DapClient.spawnAdapter();
    children.push(child);
    const stop = child.nextStop(60_000);
    childStops.push(stop);
    stop.then(
      (event) => firstStop({ client: child, event }),
      () => {},
    );
    await child.start("attach", configuration, breakpoints);
    return {};
  });
  const parentSession = new Scenario(client, target);
  await client.start(
    "launch",
    { program: parent.path, args: [how], python: target.python, backend: target.backend },
    breakpoints,
  );
  return { parentSession, children, childStops, anyChildStop };
}

forEachPython("subprocesses", (target) => {
  it("a child started by subprocess hits its breakpoint in its own session; non-Python children are left alone", async () => {
    const family = await launchFamily(target, "subprocess", { [childWork.path]: [childWork.line("CHILD1")] });
    const child = await family.parentSession.client
      .waitFor("output", (e) => /child sub 42/.test(e.body.output), 30_000)
      .catch(() => undefined);
    assert.equal(child, undefined, "the child must stop before it prints");
    assert.equal(family.children.length, 1);
    const stop = await family.childStops[0];
    assert.equal(stop.body.reason, "breakpoint");
    const session = new Scenario(family.children[0], target);
    const described = await session.describe(stop);
    assert.equal(described.frames[0].name, "child_main");
    assert.equal((await session.locals(described.frames[0].id)).tag, "'sub'");
    await family.children[0].request("continue", { threadId: stop.body.threadId ?? 0 });
    assert.equal(await family.parentSession.exitCode(), 0);
    const out = family.parentSession.client.output("stdout");
    assert.match(out, /child sub 42\n/);
    assert.match(out, /subprocess exit 0\n/);
    assert.match(out, /not python\n/);
    assert.match(out, /parent done/);
    await Promise.all(family.children.map((c) => c.disconnect()));
    await family.parentSession.close();
  });

  it("a child made by os.fork is debugged: its breakpoint hits in its own session", async () => {
    const family = await launchFamily(target, "os_fork", { [childWork.path]: [childWork.line("CHILD1")] });
    const { client: forked, event } = await withDeadline(family.anyChildStop, 60_000, "no child stopped");
    const { stackFrames } = await forked.stackTrace(event.body.threadId ?? 0);
    assert.equal(stackFrames[0].name, "child_main");
    await forked.request("continue", { threadId: event.body.threadId ?? 0 });
    assert.equal(await family.parentSession.exitCode(), 0);
    assert.match(family.parentSession.client.output("stdout"), /child forked 42\n/);
    assert.match(family.parentSession.client.output("stdout"), /fork exit 0\n/);
    await Promise.all(family.children.map((c) => c.disconnect()));
    await family.parentSession.close();
  });

  for (const method of ["spawn", "fork"]) {
    it(`a multiprocessing pool (${method}) worker hits its breakpoint`, async () => {
      const family = await launchFamily(target, method, { [parent.path]: [parent.line("POOL1")] });
      const { client: worker, event } = await withDeadline(family.anyChildStop, 60_000, "no child stopped");
      assert.equal(event.body.reason, "breakpoint");
      const { stackFrames } = await worker.stackTrace(event.body.threadId ?? 0);
      assert.equal(stackFrames[0].name, "square");
      await worker.request("continue", { threadId: event.body.threadId ?? 0 });
      assert.equal(await family.parentSession.exitCode(), 0);
      assert.match(family.parentSession.client.output("stdout"), /pool \[9\]/);
      await Promise.all(family.children.map((c) => c.disconnect()));
      await family.parentSession.close();
    });
  }
});

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms).unref(),
    ),
  ]);
}
