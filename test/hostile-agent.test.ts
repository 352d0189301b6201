// The agent's listener (`python -m pdap --listen`) probed as a web page or a hostile local process
// would: HTTP is refused before any handshake, a handshake has one deadline however it drips in,
// idle and slow connections never keep the client with the right token out, and nothing a probe
// carries runs (its payload would create a marker file). Run once per Python version: the
// listener does not depend on the tracing backend.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import {
  type Adapter,
  Debuggee,
  pathMappings,
  type RemoteDir,
  remoteApp,
  startAdapter,
  WAIT_MS,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { browserGet, browserPost, frame, Marker, Probe, request, sleep } from "./support/probe.js";
import { type PythonTarget, pythonMatrix } from "./support/pythons.js";

const app = fixture("attach_app.py");
const TOKEN = "hostile-suite-token";
/** The agent's bounds that the probes go past, read from python/pdap/agent.py. */
function agentBounds(target: PythonTarget): { pendingHandshakes: number; handshakeBytes: number } {
  const code = "from pdap import agent; print(agent.MAX_PENDING_HANDSHAKES, agent.MAX_HANDSHAKE_BYTES)";
  const [pending, bytes] = execFileSync(target.python, ["-c", code], {
    env: { ...process.env, PYTHONPATH: AGENT_PYTHONPATH },
    encoding: "utf8",
  })
    .trim()
    .split(" ")
    .map(Number);
  return { pendingHandshakes: pending, handshakeBytes: bytes };
}

/** One target per Python version present (the first backend listed for it). */
function forEachVersion(title: string, suite: (target: PythonTarget) => void): void {
  const { targets, missing } = pythonMatrix();
  for (const absent of missing) it(`${title} [${absent.label}]`, { skip: absent.reason }, () => {});
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.version)) continue;
    seen.add(target.version);
    describe(`${title} [Python ${target.version}]`, () => suite(target));
  }
}

function handshake(token: string | undefined): string {
  return request(1, "handshake", { protocol: 1, token: token ?? "" });
}

/** A program listening on loopback (with or without a token), and attach clients to it. */
function listeningProgram(target: PythonTarget, token: string | undefined) {
  const state: { remote: RemoteDir; program: Debuggee; port: number; adapters: Adapter[] } = {
    remote: undefined as unknown as RemoteDir,
    program: undefined as unknown as Debuggee,
    port: 0,
    adapters: [],
  };
  before(async () => {
    const copy = remoteApp();
    state.remote = copy.remote;
    const tokenArgs = token ? ["--token", token] : [];
    state.program = Debuggee.start(
      target,
      ["-m", "pdap", "--listen", "127.0.0.1:0", ...tokenArgs, copy.app],
      {
        cwd: copy.remote.dir,
      },
    );
    state.port = await state.program.listeningPort();
  });
  after(async () => {
    for (const adapter of state.adapters) await adapter.client.disconnect();
    state.program?.kill();
    state.remote?.remove();
  });
  return {
    state,
    attachArgs: () => ({
      connect: { host: "127.0.0.1", port: state.port },
      pathMappings: pathMappings(state.remote),
      token,
    }),
    adapter(): Adapter {
      const started = startAdapter();
      state.adapters.push(started);
      return started;
    },
    probe: () => Probe.open(state.port),
  };
}

/** The client stops at BP1 when the program handles `item`, and lets it go on. */
async function stopsAtBreakpoint(client: Adapter["client"], program: Debuggee, item: string): Promise<void> {
  const stopped = client.nextStop();
  program.send(item);
  const event = await stopped;
  await client.request("continue", { threadId: event.body.threadId ?? 0 });
  await program.waitFor("stdout", new RegExp(`done ${item.toUpperCase()}`));
}

forEachVersion("hostile input: the agent's listener without a token (loopback)", (target) => {
  const listener = listeningProgram(target, undefined);
  const marker = new Marker();
  after(() => marker.remove());

  it("a browser's POST whose body is a handshake cannot take the session over", async () => {
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    for (const origin of [undefined, "http://evil.example"]) {
      const page = await listener.probe();
      // the body frames as a handshake, then an evaluate that would create the marker
      const body = `${JSON.stringify({ seq: 1, type: "request", command: "handshake", arguments: { token: "" } })}${request(2, "evaluate", { expression: marker.code, context: "repl" })}`;
      page.send(browserPost(listener.state.port, body, origin));
      await page.answer(/^HTTP\/1\.1 400 /);
      await page.closedByListener("an HTTP POST");
    }
    await stopsAtBreakpoint(client, listener.state.program, "one");
    assert.doesNotMatch(client.output("important") + client.output("console"), /another client attached/);
    assert.equal(marker.exists, false, "the page's evaluate ran");
  });

  it("a GET, or an Origin header before the handshake, is refused as HTTP", async () => {
    const get = await listener.probe();
    get.send(browserGet(listener.state.port, "http://evil.example"));
    await get.answer(/^HTTP\/1\.1 400 /);
    await get.closedByListener("a GET");
    const sneaky = await listener.probe();
    const body = JSON.stringify({ seq: 1, type: "request", command: "handshake", arguments: {} });
    sneaky.send(`Content-Length: ${body.length}\r\nOrigin: http://evil.example\r\n\r\n${body}`);
    await sneaky.answer(/^HTTP\/1\.1 400 /);
    await sneaky.closedByListener("an Origin header");
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    await stopsAtBreakpoint(client, listener.state.program, "two");
  });
});

forEachVersion("hostile input: the agent's listener with a token", (target) => {
  const listener = listeningProgram(target, TOKEN);
  const bounds = agentBounds(target);

  it("a handshake dripped slowly is closed at its one deadline, not kept alive by each byte", async () => {
    const drippers: Probe[] = [];
    for (let i = 0; i < 4; i++) drippers.push(await listener.probe());
    const text = "Content-Length: 100000\r\n";
    let index = 0;
    const drip = setInterval(() => {
      for (const dripper of drippers) dripper.send(text[index % text.length]);
      index++;
    }, 250);
    try {
      for (const dripper of drippers)
        await dripper.closedByListener("a handshake dripped a byte every 250 ms");
    } finally {
      clearInterval(drip);
    }
  });

  it("idle, slow and wrong-token connections never keep the client with the right token out", async () => {
    const crowd: Probe[] = [];
    const drip = setInterval(() => {
      for (const member of crowd) if (!member.isClosed) member.send("X");
    }, 500);
    try {
      for (let i = 0; i < 300; i++) {
        const member = await listener.probe();
        if (i % 3 === 1) member.send("Content-Length: 50\r\nX-Slow: ");
        if (i % 3 === 2) member.send(handshake("a wrong guess"));
        crowd.push(member);
      }
      assert.ok(crowd.length > bounds.pendingHandshakes);
      const { client } = listener.adapter();
      await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
      await stopsAtBreakpoint(client, listener.state.program, "three");
      await client.disconnect();
    } finally {
      clearInterval(drip);
      for (const member of crowd) member.destroy();
    }
  });

  it("malformed, oversized or out-of-order handshakes are closed or refused", async () => {
    const closes: Array<[string, string]> = [
      ["a line that is no header", "hello\r\n\r\n"],
      ["a bad Content-Length", "Content-Length: x\r\n\r\n"],
      ["an oversized handshake", `Content-Length: ${bounds.handshakeBytes + 1}\r\n\r\n`],
      ["a body that is not JSON", "Content-Length: 3\r\n\r\nabc"],
    ];
    for (const [what, bytes] of closes) {
      const probe = await listener.probe();
      probe.send(bytes);
      await probe.closedByListener(what);
    }
    const early = await listener.probe();
    early.send(request(1, "evaluate", { expression: "1" }));
    await early.answer(/expected a handshake request first/);
    await early.closedByListener("a request before the handshake");
    const wrong = await listener.probe();
    wrong.send(handshake("nope"));
    await wrong.answer(/access token refused/);
    await wrong.closedByListener("a wrong token");
  });

  it("a pipelined flood after the handshake is answered; the next client still gets in", async () => {
    const flooder = await listener.probe();
    const count = 2000;
    let flood = handshake(TOKEN);
    for (let seq = 2; seq <= count; seq++) flood += request(seq, "threads");
    flooder.send(flood);
    await flooder.answer(new RegExp(`"request_seq": ?${count},`));
    flooder.destroy();
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    await stopsAtBreakpoint(client, listener.state.program, "four");
    await client.disconnect();
  });

  it("a client that dies at any stage leaves the agent serving", async () => {
    const stages = [
      "",
      "Content-Len",
      "Content-Length: 100\r\n\r\n{",
      handshake(TOKEN),
      `${handshake(TOKEN)}${frame({ seq: 2, type: "request", command: "configure", arguments: {} })}`,
    ];
    for (const bytes of stages) {
      const probe = await listener.probe();
      if (bytes) probe.send(bytes);
      await sleep(50);
      probe.destroy();
    }
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    await stopsAtBreakpoint(client, listener.state.program, "five");
    await client.disconnect();
  });
});

forEachVersion("hostile input: absurd requests to an attached agent", (target) => {
  const listener = listeningProgram(target, undefined);

  it("setBreakpoints at line -1 or 0 is refused (unverified, with a message)", async () => {
    const { client } = listener.adapter();
    const bps = await client.start("attach", listener.attachArgs(), { [app.path]: [-1, 0, app.line("BP1")] });
    const [minus, zero, real] = bps[app.path];
    for (const bp of [minus, zero]) {
      assert.equal(bp.verified, false);
      assert.match(bp.message ?? "", /line numbers start at 1/);
    }
    assert.equal(real.verified, true);
    assert.equal(real.line, app.line("BP1"));
    await client.disconnect();
  });

  it("a 1 MB expression is a plain evaluation error", async () => {
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    const stopped = client.nextStop();
    listener.state.program.send("six");
    const event = await stopped;
    const [top] = (await client.stackTrace(event.body.threadId ?? 0)).stackFrames;
    for (const expression of [
      `${"1+".repeat(500_000)}1`,
      `${"(".repeat(500_000)}1${")".repeat(500_000)}`,
      `x${" ".repeat(1_000_000)}`,
      `a${".b".repeat(40_000)}`, // short enough to compile, too deep for the compiler
    ]) {
      const message = await client.evaluate(expression, top.id, "repl").then(
        () => "",
        (error: Error) => error.message,
      );
      assert.doesNotMatch(message, /internal error|RecursionError/);
    }
    assert.equal(
      await client.evaluate("1 + 1", top.id, "repl").then((r) => (r as { result: string }).result),
      "2",
    );
    await client.request("continue", { threadId: event.body.threadId ?? 0 });
    await listener.state.program.waitFor("stdout", /done SIX/);
    await client.disconnect();
  });

  it("a client that vanishes during a repl evaluate lets the program go, and the next client gets in", async () => {
    const doomed = listener.adapter();
    await doomed.client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    const stopped = doomed.client.nextStop();
    listener.state.program.send("seven");
    const event = await stopped;
    const [top] = (await doomed.client.stackTrace(event.body.threadId ?? 0)).stackFrames;
    void doomed.client.evaluate("__import__('time').sleep(25)", top.id, "repl").catch(() => {});
    await sleep(300);
    doomed.process.kill("SIGKILL");
    // the evaluation still sleeps, but the program is let go well before its 25 s
    await listener.state.program.waitFor("stdout", /done SEVEN/, WAIT_MS);
    const { client } = listener.adapter();
    await client.start("attach", listener.attachArgs(), { [app.path]: [app.line("BP1")] });
    const next = client.nextStop();
    listener.state.program.send("eight");
    const again = await next;
    const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await client.request("continue", { threadId: again.body.threadId ?? 0 });
    listener.state.program.send("quit 0");
    assert.equal((await exited).body.exitCode, 0);
  });
});
