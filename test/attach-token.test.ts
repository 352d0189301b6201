// Access tokens: a client must present the agent's token (and an agent the adapter's); a wrong or
// missing one is refused with a clear message while the program runs on. A non-loopback listener
// without a token gets a generated one, printed for the user to copy.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import {
  type Adapter,
  adapterSays,
  attachFails,
  Debuggee,
  outputEvent,
  pathMappings,
  type RemoteDir,
  remoteApp,
  startAdapter,
  WAIT_MS,
} from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const app = fixture("attach_app.py");
const TOKEN = "correct-horse-battery-staple";

/** The agent tells of refused clients in its log (never on the program's stderr): waits until it does. */
async function logSays(program: Debuggee, remote: RemoteDir, pattern: RegExp): Promise<void> {
  const log = path.join(remote.dir, `pdap-agent-${program.child.pid}.log`);
  const deadline = Date.now() + WAIT_MS;
  while (!(existsSync(log) && pattern.test(readFileSync(log, "utf8")))) {
    if (Date.now() > deadline) throw new Error(`the agent's log never matched ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.match(program.stderr, /^pdap: listening on \S+\n$/, "the program's stderr holds nothing else");
}

function attachArgs(remote: RemoteDir, port: number, token?: string): Record<string, unknown> {
  return { connect: { host: "127.0.0.1", port }, pathMappings: pathMappings(remote), token };
}

forEachPython("attach: access token on a loopback listener (--token)", (target) => {
  let remote: RemoteDir;
  let program: Debuggee;
  let port: number;
  const adapters: Adapter[] = [];

  before(async () => {
    const copy = remoteApp();
    remote = copy.remote;
    program = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", "--token", TOKEN, copy.app], {
      cwd: remote.dir,
      env: { PDAP_LOG_DIR: remote.dir },
    });
    port = await program.listeningPort();
  });
  after(async () => {
    for (const adapter of adapters) await adapter.client.disconnect();
    program.kill();
    remote.remove();
  });

  function adapter(): Adapter {
    const started = startAdapter();
    adapters.push(started);
    return started;
  }

  it("refuses a wrong token with a clear message; the program runs on", async () => {
    const message = await attachFails(adapter().client, attachArgs(remote, port, "guess"));
    assert.match(message, /refused: pdap: access token refused/);
    program.send("one");
    await program.waitFor("stdout", /done ONE/);
    await logSays(program, remote, /refused a client from 127\.0\.0\.1:\d+: wrong access token/);
  });

  it("refuses a client without a token", async () => {
    const message = await attachFails(adapter().client, attachArgs(remote, port));
    assert.match(message, /this agent needs an access token/);
    await logSays(program, remote, /refused a client from 127\.0\.0\.1:\d+: no access token/);
  });

  it("accepts the right token: breakpoints hit", async () => {
    const { client } = adapter();
    await client.start("attach", attachArgs(remote, port, TOKEN), { [app.path]: [app.line("BP1")] });
    const stopped = client.nextStop();
    program.send("two");
    const event = await stopped;
    const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await client.request("continue", { threadId: event.body.threadId ?? 0 });
    program.send("quit 0");
    assert.equal((await exited).body.exitCode, 0);
    assert.equal(await program.exitCode(), 0);
  });

  it("never wrote the token to a log", () => {
    assert.doesNotMatch(program.stderr, new RegExp(TOKEN));
    assert.doesNotMatch(program.stdout, new RegExp(TOKEN));
    for (const { stderr } of adapters) assert.doesNotMatch(stderr(), new RegExp(TOKEN));
  });
});

forEachPython("attach: a token from PDAP_TOKEN", (target) => {
  it("is required, and the program does not see it in its environment", async () => {
    const code = [
      "import os, pdap",
      "print('program sees', os.environ.get('PDAP_TOKEN'), flush=True)",
      "pdap.wait_for_client()",
      "print('attached', flush=True)",
    ].join("\n");
    const program = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", "-c", code], {
      env: { PDAP_TOKEN: TOKEN },
    });
    const refused = startAdapter();
    const accepted = startAdapter();
    try {
      const port = await program.listeningPort();
      await program.waitFor("stdout", /program sees None/);
      const message = await attachFails(refused.client, {
        connect: { host: "127.0.0.1", port },
        token: "nope",
      });
      assert.match(message, /access token refused/);
      await accepted.client.start("attach", { connect: { host: "127.0.0.1", port }, token: TOKEN });
      await outputEvent(accepted.client, "attached");
      assert.equal(await program.exitCode(), 0);
    } finally {
      await refused.client.disconnect();
      await accepted.client.disconnect();
      program.kill();
    }
  });
});

forEachPython("attach: a non-loopback listener without a token", (target) => {
  let remote: RemoteDir;
  let program: Debuggee;
  let port: number;
  let token: string;
  const adapters: Adapter[] = [];

  before(async () => {
    const copy = remoteApp();
    remote = copy.remote;
    program = Debuggee.start(target, ["-m", "pdap", "--listen", "0.0.0.0:0", copy.app], { cwd: remote.dir });
    port = await program.listeningPort();
    token = (await program.waitFor("stderr", /generated access token[^:]*: (\S+)/))[1];
  });
  after(async () => {
    for (const adapter of adapters) await adapter.client.disconnect();
    program.kill();
    remote.remove();
  });

  it("generates a token and prints it for the user", () => {
    assert.ok(token.length >= 20, token);
    assert.match(
      program.stderr,
      /0\.0\.0\.0 is not a loopback address, so clients must present an access token/,
    );
  });

  it("refuses a client without it; the program runs on", async () => {
    const refused = startAdapter();
    adapters.push(refused);
    const message = await attachFails(refused.client, attachArgs(remote, port));
    assert.match(message, /this agent needs an access token/);
    program.send("one");
    await program.waitFor("stdout", /done ONE/);
  });

  it("accepts a client that presents it", async () => {
    const accepted = startAdapter();
    adapters.push(accepted);
    await accepted.client.start("attach", attachArgs(remote, port, token), { [app.path]: [app.line("BP1")] });
    const stopped = accepted.client.nextStop();
    program.send("two");
    const event = await stopped;
    assert.equal(event.body.reason, "breakpoint");
    const exited = accepted.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await accepted.client.request("continue", { threadId: event.body.threadId ?? 0 });
    program.send("quit 0");
    assert.equal((await exited).body.exitCode, 0);
  });
});

forEachPython("attach with listen: the adapter's token for agents that dial in", (target) => {
  it("refuses an agent with a wrong token (it says why and exits 2), accepts the right one", async () => {
    const adapter = startAdapter();
    const programs: Debuggee[] = [];
    try {
      const started = adapter.client.start("attach", {
        listen: { host: "127.0.0.1", port: 0 },
        token: TOKEN,
      });
      started.catch(() => {});
      const event = await adapter.client.waitFor(
        "output",
        (e) => /waiting for a pdap agent on/.test(String(e.body?.output)),
        WAIT_MS,
      );
      const port = Number(String(event.body.output).match(/127\.0\.0\.1:(\d+)/)?.[1]);
      const code = "print('the program ran', flush=True)";
      const wrong = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, "-c", code], {
        env: { PDAP_TOKEN: "wrong" },
      });
      programs.push(wrong);
      assert.equal(await wrong.exitCode(), 2);
      assert.match(wrong.stderr, /the adapter refused this agent: access token refused/);
      assert.doesNotMatch(wrong.stdout, /the program ran/);
      const right = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, "-c", code], {
        env: { PDAP_TOKEN: TOKEN },
      });
      programs.push(right);
      await started;
      await outputEvent(adapter.client, "the program ran");
      assert.equal(await right.exitCode(), 0);
    } finally {
      await adapter.client.disconnect();
      for (const program of programs) program.kill();
    }
  });
});

forEachPython("pdap adapter --listen-for-agents on a non-loopback address", (target) => {
  it("generates and prints a token; an agent without it is refused, one with it is taken", async () => {
    const adapter = startAdapter(["--listen-for-agents", "0.0.0.0:0"]);
    const programs: Debuggee[] = [];
    try {
      const port = Number((await adapterSays(adapter, /waiting for agents on 0\.0\.0\.0:(\d+)/))[1]);
      const token = (await adapterSays(adapter, /generated one[^:]*: (\S+)/))[1];
      const code = "print('the program ran', flush=True)";
      const without = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, "-c", code]);
      programs.push(without);
      assert.equal(await without.exitCode(), 2);
      assert.match(without.stderr, /the adapter refused this agent: this adapter needs an access token/);
      const withToken = Debuggee.start(target, ["-m", "pdap", "--connect", `127.0.0.1:${port}`, "-c", code], {
        env: { PDAP_TOKEN: token },
      });
      programs.push(withToken);
      await adapterSays(adapter, new RegExp(`agent of pid ${withToken.child.pid} .* waits for a client`));
      await adapter.client.start("attach", { listen: { port } });
      await outputEvent(adapter.client, "the program ran");
      assert.equal(await withToken.exitCode(), 0);
    } finally {
      await adapter.client.disconnect();
      for (const program of programs) program.kill();
    }
  });
});
