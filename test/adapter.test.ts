// The adapter stays up and says what is wrong when a client sends garbage or bad arguments.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import { DapConnection } from "../src/dap/connection.js";
import { encodeMessage } from "../src/dap/framing.js";
import { fixture } from "./support/fixtures.js";
import { pythonMatrix } from "./support/pythons.js";

const basics = fixture("basics.py");
const anyPython = () => pythonMatrix().targets[0]?.python ?? "python3";

it("initialize lists only working capabilities and unknown requests fail clearly", async () => {
  const client = DapClient.spawnAdapter();
  try {
    const caps = await client.initialize();
    assert.equal(caps.supportsConfigurationDoneRequest, true);
    assert.equal(caps.supportsStepBack, true); // step back: test/step-back.test.ts
    assert.equal(caps.supportsRestartFrame, undefined);
    await assert.rejects(client.requestUnchecked("flyToTheMoon"), /unknown request 'flyToTheMoon'/);
    await assert.rejects(client.request("stackTrace", { threadId: 1 }), /needs a running program/);
  } finally {
    await client.disconnect();
  }
});

it("launch arguments of the wrong type get a clear error naming the attribute", async () => {
  const client = DapClient.spawnAdapter();
  try {
    await client.initialize();
    await assert.rejects(
      client.request("launch", { program: 42 }),
      /'program' must be a string, got a number/,
    );
    await assert.rejects(
      client.request("launch", { program: "a.py", args: [1] }),
      /'args' must be a list of strings/,
    );
    await assert.rejects(client.request("launch", {}), /exactly one of 'program', 'module' or 'code'/);
    await assert.rejects(
      client.request("launch", { program: "a.py", stopOnEntry: "yes" }),
      /'stopOnEntry' must be true or false/,
    );
  } finally {
    await client.disconnect();
  }
});

it("a missing interpreter or program fails the launch with the reason", async () => {
  const client = DapClient.spawnAdapter();
  try {
    await client.initialize();
    await assert.rejects(
      client.request("launch", { program: basics.path, python: "/nonexistent/python3" }),
      /cannot start Python '\/nonexistent\/python3': ENOENT/,
    );
  } finally {
    await client.disconnect();
  }
  const second = DapClient.spawnAdapter();
  try {
    await second.initialize();
    const exited = second.waitFor<DebugProtocol.ExitedEvent>("exited");
    await second
      .request("launch", { program: "/nonexistent/program.py", python: anyPython() })
      .catch(() => {});
    await second.request("configurationDone").catch(() => {});
    assert.equal((await exited).body.exitCode, 1);
    assert.match(second.output("stderr"), /No such file or directory|not found/);
  } finally {
    await second.disconnect();
  }
});

it("malformed bodies are reported and the link stays usable; a broken header closes it with a message", async () => {
  const child = spawn(process.execPath, [PDAP_BIN, "adapter"], { stdio: ["pipe", "pipe", "pipe"] });
  const connection = new DapConnection(child.stdout, child.stdin, "adapter");
  const client = new DapClient(connection);
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const body = Buffer.from("{not json");
  child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  child.stdin.write(encodeMessage({ seq: 1, type: "nonsense" }));
  const report = await client.waitFor("output", (e) => /not JSON/.test(e.body.output));
  assert.equal(report.body.category, "console");
  await client.waitFor("output", (e) => /unknown type "nonsense"/.test(e.body.output));
  const caps = await client.initialize();
  assert.equal(caps.supportsConfigurationDoneRequest, true, "still answers after garbage");
  child.stdin.write("Content-Length: banana\r\n\r\n");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
  assert.match(stderr, /bad Content-Length/);
});

it("pdap adapter --port serves DAP on loopback TCP and refuses a port in use", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const busyPort = (blocker.address() as net.AddressInfo).port;
  const busy = spawn(process.execPath, [PDAP_BIN, "adapter", "--port", String(busyPort)], { stdio: "pipe" });
  let busyErr = "";
  busy.stderr.on("data", (chunk) => {
    busyErr += chunk;
  });
  const [busyCode] = await once(busy, "exit");
  blocker.close();
  assert.notEqual(busyCode, 0);
  assert.match(busyErr, /port in use/);

  const server = spawn(process.execPath, [PDAP_BIN, "adapter", "--port", "0"], { stdio: "pipe" });
  try {
    const [line] = (await once(server.stderr, "data")) as [Buffer];
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(line.toString());
    assert.ok(match, line.toString());
    const client = await DapClient.connect("127.0.0.1", Number(match[1]));
    await client.start(
      "launch",
      { program: basics.path, python: anyPython() },
      { [basics.path]: [basics.line("GREET1")] },
    );
    const stop = await client.nextStop();
    assert.equal(stop.body.reason, "breakpoint");
    await client.disconnect();
  } finally {
    server.kill();
  }
});
