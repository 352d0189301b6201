// The agent protocol is declared once on each side (src/protocol/*.ts, python/pdap/agent_protocol.py
// and errors.py): these tests fail when the two sides drift apart, on every Python present, and
// check that the adapter and a live agent answer by the declaration.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { CAPABILITIES } from "../src/adapter/capabilities.js";
import { DapClient } from "../src/client/client.js";
import { DapConnection, DapError } from "../src/dap/connection.js";
import {
  AGENT_PROTOCOL,
  AGENT_REQUESTS,
  agentCapabilities,
  CHILD_ANNOUNCEMENT_FIELDS,
  CONFIGURE_OPTIONS,
  HANDSHAKE_FIELDS,
} from "../src/protocol/agent.js";
import { ErrorId } from "../src/protocol/errors.js";
import { fixture } from "./support/fixtures.js";
import { pythonMatrix } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const AGENT = fileURLToPath(new URL("../../python", import.meta.url));

interface PythonDeclaration {
  protocol: number;
  handshake: string[];
  configure: string[];
  childAnnouncement: string[];
  commands: string[];
  errors: Record<string, number>;
}

function declarationOf(python: string): PythonDeclaration {
  const run = spawnSync(
    python,
    ["-c", "import json, pdap.agent_protocol as p; print(json.dumps(p.declaration()))"],
    { encoding: "utf8", env: { ...process.env, PYTHONPATH: AGENT, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as PythonDeclaration;
}

const sorted = (items: readonly string[]) => [...items].sort();
const errorOf = (response: { body?: unknown }) =>
  (response.body as { error: { id: number; showUser: boolean } }).error;

const { targets, missing } = pythonMatrix();
for (const absent of missing) it(`protocol drift [${absent.label}]`, { skip: absent.reason }, () => {});

const versions = new Map(targets.map((target) => [target.version, target.python]));
for (const [version, python] of versions) {
  describe(`the agent protocol, declared alike on both sides [${version}]`, () => {
    it("the protocol version", () => assert.equal(declarationOf(python).protocol, AGENT_PROTOCOL));
    it("the agent's commands are exactly the requests the adapter forwards", () =>
      assert.deepEqual(sorted(declarationOf(python).commands), sorted(Object.keys(AGENT_REQUESTS))));
    it("the handshake's fields", () =>
      assert.deepEqual(sorted(declarationOf(python).handshake), sorted(HANDSHAKE_FIELDS)));
    it("the configure options", () =>
      assert.deepEqual(sorted(declarationOf(python).configure), sorted(CONFIGURE_OPTIONS)));
    it("a child's announcement", () =>
      assert.deepEqual(sorted(declarationOf(python).childAnnouncement), sorted(CHILD_ANNOUNCEMENT_FIELDS)));
    it("the error ids", () => assert.deepEqual(declarationOf(python).errors, { ...ErrorId }));
  });
}

describe("the adapter's side of the declaration", () => {
  it("announces the capability of every request the agent answers", async () => {
    const client = DapClient.spawnAdapter();
    try {
      const caps = await client.initialize();
      for (const [flag, value] of Object.entries(agentCapabilities())) {
        assert.equal((caps as Record<string, unknown>)[flag], value, flag);
      }
      assert.deepEqual(caps, JSON.parse(JSON.stringify(CAPABILITIES)));
    } finally {
      await client.disconnect();
    }
  });

  it("refuses, by id, a request no one declared, one pdap does not implement, and one that needs a program", async () => {
    const client = DapClient.spawnAdapter();
    try {
      await client.initialize();
      assert.equal(errorOf(await client.connection.rawRequest("flyToTheMoon")).id, ErrorId.unknownRequest);
      // a DAP request pdap does not implement is refused by the adapter itself, not relayed
      const memory = await client.connection.rawRequest("readMemory", { memoryReference: "0", count: 1 });
      assert.equal(errorOf(memory).id, ErrorId.unknownRequest);
      const early = await client.connection.rawRequest("stackTrace", { threadId: 1 });
      assert.equal(errorOf(early).id, ErrorId.noProgram);
      const bad = await client.connection.rawRequest("launch", ["not", "an", "object"]);
      assert.equal(errorOf(bad).id, ErrorId.badArguments);
    } finally {
      await client.disconnect();
    }
  });
});

const basics = fixture("basics.py");
const target = targets[0];
describe("a live agent", { skip: target ? false : "no Python present" }, () => {
  it("answers a client's mistakes with the declared error ids", async (t) => {
    if (!target) return;
    const { scenario, stop } = await Scenario.launchToStop(target, basics, ["MAIN1"]);
    t.after(() => scenario.close());
    const client = scenario.client;
    // a frame that does not exist: the client's mistake, with its id, shown to the user
    const frame = await client.connection.rawRequest("scopes", { frameId: 987654 });
    assert.equal(frame.success, false);
    const error = (frame.body as { error: { id: number; showUser: boolean } }).error;
    assert.equal(error.id, ErrorId.unknownReference);
    assert.equal(error.showUser, false, "scopes fails in place: VS Code asks while a stop ends");
    // an argument of the wrong type: a pop-up says so
    const wrong = await client.connection.rawRequest("setBreakpoints", { source: { path: 42 } });
    assert.deepEqual(
      { id: errorOf(wrong).id, showUser: errorOf(wrong).showUser },
      { id: ErrorId.badArguments, showUser: true },
    );
    // a thread that does not exist
    const thread = await client.connection.rawRequest("stackTrace", { threadId: 987654 });
    assert.equal(errorOf(thread).id, ErrorId.unknownReference);
    await client.request("setBreakpoints", { source: { path: basics.path }, breakpoints: [] });
    await client.request("continue", { threadId: stop.threadId });
    assert.equal(await scenario.exitCode(), 0);
  });
});

describe("a fault inside pdap", () => {
  it("is answered with the internal id, no pop-up, and its stack in the adapter's log", async () => {
    const logs = mkdtempSync(path.join(os.tmpdir(), "pdap-faults-"));
    const saved = process.env.PDAP_LOG_DIR;
    process.env.PDAP_LOG_DIR = logs;
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = new DapConnection(toServer, toClient, "test adapter");
    const client = new DapConnection(toClient, toServer, "test client");
    try {
      server.onRequest("threads", () => {
        const broken = undefined as unknown as { threads: [] };
        return { threads: broken.threads }; // a TypeError: pdap's bug, not the client's
      });
      server.onRequest("pause", () => {
        throw new DapError("no such thread 5", { id: ErrorId.unknownReference });
      });
      const fault = await client.rawRequest("threads");
      assert.equal(fault.success, false);
      assert.deepEqual(
        { id: errorOf(fault).id, showUser: errorOf(fault).showUser },
        { id: ErrorId.internal, showUser: false },
      );
      assert.match(
        fault.message ?? "",
        /^pdap internal error in 'threads': .*\(details in .*pdap-adapter-\d+\.log\)$/,
      );
      const [log] = readdirSync(logs);
      assert.match(readFileSync(path.join(logs, log), "utf8"), /TypeError[^\n]*\n\s+at /);
      const mistake = await client.rawRequest("pause", { threadId: 5 });
      assert.deepEqual(errorOf(mistake), {
        id: ErrorId.unknownReference,
        format: "no such thread 5",
        showUser: true,
      });
    } finally {
      if (saved === undefined) delete process.env.PDAP_LOG_DIR;
      else process.env.PDAP_LOG_DIR = saved;
      client.close();
      server.close();
      rmSync(logs, { recursive: true, force: true });
    }
  });
});

describe("an agent that answers fewer requests than declared (another pdap version)", () => {
  it("is forwarded only what it listed, and the client is told which capabilities it lacks", async (t) => {
    const client = DapClient.spawnAdapter();
    t.after(() => client.disconnect());
    await client.initialize();
    const waiting = client.waitFor<DebugProtocol.OutputEvent>("output", (event) =>
      /waiting for a pdap agent on 127\.0\.0\.1:\d+/.test(event.body.output),
    );
    const lacking = client.waitFor<DebugProtocol.CapabilitiesEvent>("capabilities");
    const initialized = client.waitFor("initialized");
    const attached = client.request("attach", { listen: { host: "127.0.0.1", port: 0 } });
    const port = Number(/127\.0\.0\.1:(\d+)/.exec((await waiting).body.output)?.[1]);
    // the agent's side of the link, written with pdap's own DAP connection: it answers what it lists
    const socket = net.connect(port, "127.0.0.1");
    t.after(() => socket.destroy());
    const agent = new DapConnection(socket, socket, "older agent");
    const asked: string[] = [];
    agent.onRequest("configure", () => undefined);
    agent.onRequest("configurationDone", () => undefined);
    agent.onRequest("threads", () => {
      asked.push("threads");
      return { threads: [{ id: 1, name: "MainThread" }] };
    });
    agent.onRequest("disconnect", () => undefined);
    const commands = ["configurationDone", "threads", "continue", "next", "stepIn", "stepOut", "pause"];
    await agent.request("handshake", {
      ...{ protocol: AGENT_PROTOCOL, pid: 4242, python: "3.12.0", implementation: "cpython" },
      ...{ executable: "python3", cwd: "/", argv: ["old.py"], backend: "settrace", commands, token: "" },
    });
    await initialized;
    await client.request("configurationDone");
    await attached;
    const { capabilities } = (await lacking).body;
    assert.equal(capabilities.supportsStepBack, false);
    assert.equal(capabilities.supportsDataBreakpoints, false);
    assert.equal(capabilities.supportsConfigurationDoneRequest, undefined, "it answers configurationDone");
    assert.deepEqual((await client.request("threads")).threads, [{ id: 1, name: "MainThread" }]);
    const refused = await client.connection.rawRequest("stepBack", { threadId: 1 });
    assert.equal(errorOf(refused).id, ErrorId.unknownRequest);
    assert.match(refused.message ?? "", /does not answer 'stepBack'/);
    assert.deepEqual(asked, ["threads"], "nothing it did not list reached it");
  });
});
