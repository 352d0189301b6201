// A program that dies before the debugger connects: the launch fails with the reason (the agent's
// own error, the interpreter too old, a python that is no Python), whichever console it runs in.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { DapClient } from "../src/client/client.js";
import { mainTarget } from "./support/cli.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { pythonMatrix } from "./support/pythons.js";

const app = fixture("cli_app.py");

/** An interpreter pdap does not support (2.7, 3.6), from pyenv; undefined when not installed. */
function oldPython(version: string): string | undefined {
  const root = process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? "", ".pyenv");
  const versions = path.join(root, "versions");
  if (!existsSync(versions)) return undefined;
  const dir = readdirSync(versions).find((name) => name.startsWith(`${version}.`));
  const python = dir && path.join(versions, dir, "bin", "python");
  return python && existsSync(python) ? python : undefined;
}

const clients: DapClient[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.disconnect(true).catch(() => undefined)));
});

/** The error a launch fails with, the program started by the adapter or by us as a terminal would. */
async function launchError(args: Record<string, unknown>, inTerminal: boolean): Promise<string> {
  const client = DapClient.spawnAdapter();
  clients.push(client);
  if (inTerminal) {
    client.onRunInTerminal((request) => {
      const [command, ...rest] = request.args;
      const child = spawn(command, rest, {
        cwd: request.cwd,
        env: { ...process.env, ...(request.env as Record<string, string>) },
        stdio: "ignore",
      });
      return { processId: child.pid };
    });
  }
  const launch = {
    program: app.path,
    cwd: FIXTURES,
    console: inTerminal ? "integratedTerminal" : "internalConsole",
    ...args,
  };
  try {
    await client.begin("launch", launch, { supportsRunInTerminalRequest: inTerminal });
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("the launch succeeded");
}

const target = mainTarget();
const settraceOnly = pythonMatrix().targets.find((t) => t.version === "3.11") ?? undefined;

for (const inTerminal of [false, true]) {
  const where = inTerminal ? "in the client's terminal" : "internalConsole";
  describe(`a program that dies at start (${where})`, () => {
    it("names an interpreter that is too old", {
      skip: !oldPython("2.7") && "no Python 2.7 in pyenv",
    }, async () => {
      const python = oldPython("2.7") as string;
      const message = await launchError({ python }, inTerminal);
      assert.equal(message, `pdap needs Python 3.9 or newer; ${python} is 2.7`);
    });

    it("names Python 3.6 too", { skip: !oldPython("3.6") && "no Python 3.6 in pyenv" }, async () => {
      const python = oldPython("3.6") as string;
      assert.equal(
        await launchError({ python }, inTerminal),
        `pdap needs Python 3.9 or newer; ${python} is 3.6`,
      );
    });

    it("says a python that is none ended at once", async () => {
      const message = await launchError({ python: "/bin/false" }, inTerminal);
      assert.match(message, /^'\/bin\/false' exited.* before the debugger connected/);
    });

    it("fails on an unknown backend with the agent's reason", {
      skip: !target && "no Python 3.9+",
    }, async () => {
      const message = await launchError({ python: target?.python, backend: "bogus" }, inTerminal);
      if (inTerminal)
        assert.match(message, /exited before the debugger connected: its error is in the terminal/);
      else assert.match(message, /tracer backend 'bogus' is not available/);
    });

    it("fails on sys.monitoring before 3.12 with the agent's reason", {
      skip: !settraceOnly && "no Python 3.11",
    }, async () => {
      const message = await launchError({ python: settraceOnly?.python, backend: "monitoring" }, inTerminal);
      if (inTerminal) assert.match(message, /exited before the debugger connected/);
      else assert.match(message, /tracer backend 'monitoring' is not available on Python 3\.11/);
    });
  });
}
