// The program is sacred: under pdap it behaves exactly as under plain Python. Objects the
// debugger looked at while stopped are freed after the resume, and finalised at exit.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import type { DapClient } from "../src/client/client.js";
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
      await client.request("continue", { threadId: stop.body.threadId });
    }
    assert.equal(await program.exitCode(), 0);
    assert.equal(program.stdout, EXPECTED_STDOUT);
    assert.equal(readFileSync(outFile(dir), "utf8"), EXPECTED_FILE);
  });
});
