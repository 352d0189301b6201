// A launched program's stdout and stderr reach the Debug Console in the order the program wrote
// them (console internalConsole): both are one stream to the adapter, as to a terminal.
import assert from "node:assert/strict";
import { it } from "node:test";
import { mainTarget } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { Scenario } from "./support/session.js";

const interleaved = fixture("interleaved.py");

it("stdout and stderr written in turn arrive in turn, Python's writes and raw fd writes alike", async (t) => {
  const target = mainTarget();
  if (!target) return t.skip("no Python found");
  const { scenario } = await Scenario.launch(target, {
    program: interleaved.path,
    console: "internalConsole",
  });
  t.after(() => scenario.close());
  assert.equal(await scenario.exitCode(), 0);
  const expected = [];
  for (let i = 0; i < 300; i++) expected.push(`out ${i}`, `err ${i}`);
  expected.push("fd 1 last", "fd 2 last", "");
  assert.deepEqual(scenario.client.output("stdout").split("\n"), expected);
});
