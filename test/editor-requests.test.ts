// Requests VS Code sends in ordinary use never end in an error pop-up: `threads` and
// `breakpointLocations` when no program runs are answered, and expected failures (an expression
// that does not evaluate) carry showUser: false, so VS Code shows them only where they were made.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../src/client/client.js";
import { mainTarget } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { Scenario } from "./support/session.js";

const basics = fixture("basics.py");

it("threads and breakpointLocations before launch and after the end answer empty, not an error", async (t) => {
  const target = mainTarget();
  if (!target) return t.skip("no Python found");
  const client = DapClient.spawnAdapter();
  t.after(() => client.disconnect().catch(() => {}));
  await client.initialize();
  const where = { source: { path: basics.path }, line: basics.line("MAIN2") };
  assert.deepEqual(await client.request("threads"), { threads: [] });
  assert.deepEqual(await client.request("breakpointLocations", where), { breakpoints: [] });

  const s = new Scenario(client, target);
  const initialized = client.waitFor("initialized");
  const launched = client.request("launch", { program: basics.path, python: target.python });
  await initialized;
  await client.request("configurationDone");
  await launched;
  assert.equal(await s.exitCode(), 0);
  // VS Code asks for threads when it hears exited/terminated
  assert.deepEqual(await client.request("threads"), { threads: [] });
  assert.deepEqual(await client.request("breakpointLocations", where), { breakpoints: [] });
  // and for the variables, scopes, stack and data breakpoint of the stop it showed last
  for (const [command, args] of [
    ["variables", { variablesReference: 1 }],
    ["scopes", { frameId: 1 }],
    ["stackTrace", { threadId: 1 }],
    ["dataBreakpointInfo", { variablesReference: 1, name: "total" }],
  ] as const) {
    const response = await client.connection.rawRequest(command, args);
    assert.equal(response.success, false, command);
    const error = (response.body as { error?: DebugProtocol.Message } | undefined)?.error;
    assert.equal(error?.showUser, false, `${command} after the end: no pop-up`);
  }
});

it("a failed evaluation is showUser: false; a failed launch is still shown to the user", async (t) => {
  const target = mainTarget();
  if (!target) return t.skip("no Python found");
  const { scenario: s } = await Scenario.launch(
    target,
    { program: basics.path },
    { [basics.path]: [basics.line("MAIN2")] },
  );
  t.after(() => s.close());
  const stop = await s.stop();
  for (const context of ["repl", "watch", "hover"]) {
    const response = await s.client.connection.rawRequest("evaluate", {
      expression: "no_such_name",
      frameId: stop.frames[0].id,
      context,
    });
    assert.equal(response.success, false);
    assert.match(response.message ?? "", /NameError/);
    const error = (response.body as { error?: DebugProtocol.Message } | undefined)?.error;
    assert.equal(error?.showUser, false, `${context}: no pop-up`);
  }

  const other = DapClient.spawnAdapter();
  t.after(() => other.disconnect().catch(() => {}));
  await other.initialize();
  const response = await other.connection.rawRequest("launch", {
    program: basics.path,
    python: "/nonexistent/python3",
  });
  assert.equal(response.success, false);
  assert.equal((response.body as { error?: DebugProtocol.Message }).error?.showUser, true);
});
