// The DAP server (`pdap adapter --port`, and `pdap adapter` on stdio) probed as a web page or a
// hostile local process would: each probe is answered or closed as it should be, nothing it
// carries runs (its payload would create a marker file), and a real client gets through after it.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { isLoopbackHost, MAX_AGENT_HANDSHAKE_BYTES } from "../src/adapter/agentLink.js";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import {
  HttpRequestRefused,
  MAX_HEADER_BYTES,
  MAX_MESSAGE_BYTES,
  MessageDecoder,
} from "../src/dap/framing.js";
import { adapterSays, Debuggee, outputEvent, startAdapter } from "./attach-helpers.js";
import {
  browserGet,
  browserPost,
  frame,
  Marker,
  PROBE_WAIT_MS,
  Probe,
  request,
  within,
} from "./support/probe.js";
import { pythonMatrix } from "./support/pythons.js";

const target = pythonMatrix().targets[0];

/** `pdap adapter --port 0`: the process and the port it printed. */
async function tcpAdapter(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ process: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [PDAP_BIN, "adapter", "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  let err = "";
  child.stderr?.setEncoding("utf8");
  const port = await within(
    new Promise<number>((resolve) => {
      child.stderr?.on("data", (text: string) => {
        err += text;
        const match = /listening on \S+:(\d+)/.exec(err);
        if (match) resolve(Number(match[1]));
      });
    }),
    PROBE_WAIT_MS,
    "the adapter did not start listening",
  );
  return { process: child, port, stderr: () => err };
}

/** A launch whose program creates the marker: what an attacker wants the adapter to run. */
function markerLaunch(marker: Marker): Record<string, unknown> {
  return { python: target?.python, code: marker.code, pythonArgs: ["-c", marker.code] };
}

describe("hostile input: pdap adapter --port", { skip: target ? false : "no Python found" }, () => {
  let adapter: Awaited<ReturnType<typeof tcpAdapter>>;
  const marker = new Marker();

  before(async () => {
    adapter = await tcpAdapter();
  });
  after(() => {
    adapter?.process.kill();
    marker.remove();
  });

  /** A real DAP client launches a program to its end through the same server. */
  async function realClientGetsThrough(): Promise<void> {
    const client = await DapClient.connect("127.0.0.1", adapter.port);
    try {
      await client.start("launch", { python: target.python, code: "print('real client ran')" });
      const exited = await client.waitFor<DebugProtocol.ExitedEvent>("exited");
      assert.equal(exited.body.exitCode, 0);
      await outputEvent(client, "real client ran");
    } finally {
      await client.disconnect();
    }
  }

  async function probe(): Promise<Probe> {
    return Probe.open(adapter.port);
  }

  for (const origin of [undefined, "http://evil.example"]) {
    const withOrigin = origin ? "with an Origin header" : "without Origin";
    it(`a browser's POST with a DAP launch as its body (${withOrigin}) gets HTTP 400, nothing runs`, async () => {
      const page = await probe();
      page.send(
        browserPost(
          adapter.port,
          JSON.stringify({ seq: 1, type: "request", command: "launch", arguments: markerLaunch(marker) }),
          origin,
        ),
      );
      assert.match(await page.answer(/^HTTP\/1\.1 400 /), /not HTTP/);
      await page.closedByListener("an HTTP request");
      await realClientGetsThrough();
      assert.equal(marker.exists, false, "the page's launch ran");
    });

    it(`a browser's GET (${withOrigin}) gets HTTP 400 and the link closes`, async () => {
      const page = await probe();
      page.send(browserGet(adapter.port, origin));
      await page.answer(/^HTTP\/1\.1 400 Bad Request\r\n/);
      await page.closedByListener("a GET");
      await realClientGetsThrough();
    });
  }

  it("an HTTP request line dripped a byte at a time is refused at its first space", async () => {
    const page = await probe();
    page.send("POST");
    page.send(" ");
    await page.answer(/^HTTP\/1\.1 400 /);
    await page.closedByListener("the start of a request line");
  });

  it("an Origin or Host header in a DAP header block is refused as HTTP", async () => {
    for (const header of ["Origin: http://evil.example", "Host: 127.0.0.1"]) {
      const page = await probe();
      const body = JSON.stringify({ seq: 1, type: "request", command: "initialize", arguments: {} });
      page.send(`Content-Length: ${body.length}\r\n${header}\r\n\r\n${body}`);
      await page.answer(/^HTTP\/1\.1 400 /);
      await page.closedByListener(header);
    }
  });

  it("launch before initialize is an error and runs nothing", async () => {
    const client = await probe();
    client.send(request(1, "launch", markerLaunch(marker)));
    const answer = await client.answer(/"command":"launch"/);
    assert.match(answer, /"success":false/);
    assert.match(answer, /before 'initialize'/);
    client.send(request(2, "attach", { connect: { host: "127.0.0.1", port: 1 } }));
    assert.match(await client.answer(/"command":"attach".*before 'initialize'/s), /"success":false/);
    client.destroy();
    await realClientGetsThrough();
    assert.equal(marker.exists, false);
  });

  it("malformed framing closes the link with a reason; the server stays up", async () => {
    const probes: Array<[string, string | Buffer]> = [
      ["a line that is no header", "hello there\r\n\r\n"],
      ["a bad Content-Length", "Content-Length: twelve\r\n\r\n{}"],
      ["a negative Content-Length", "Content-Length: -5\r\n\r\n{}"],
      ["no Content-Length", "Content-Type: application/json\r\n\r\n{}"],
      ["a header block without an end", `X-Padding: ${"a".repeat(MAX_HEADER_BYTES + 10)}`],
      ["an oversized message", `Content-Length: ${MAX_MESSAGE_BYTES + 1}\r\n\r\n`],
      ["binary garbage", Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])],
    ];
    for (const [what, bytes] of probes) {
      const client = await probe();
      client.send(bytes);
      await client.closedByListener(what);
    }
    await realClientGetsThrough();
  });

  it("a well-framed body that is not a DAP message is reported; the link stays usable", async () => {
    const client = await probe();
    client.send("Content-Length: 5\r\n\r\n[1,2]");
    client.send("Content-Length: 8\r\n\r\nnot json");
    client.send(request(1, "initialize", { adapterID: "probe" }));
    const answer = await client.answer(/"command":"initialize"/);
    assert.match(answer, /ignored a malformed DAP message/);
    assert.match(answer, /"success":true/);
    client.destroy();
  });

  it("absurd arguments get error responses, not a crash", async () => {
    const client = await probe();
    client.send(request(1, "initialize", { adapterID: "probe" }));
    client.send(request(2, "launch", { program: 42, args: "x", python: ["no"] }));
    client.send(request(3, "attach", { connect: { host: "127.0.0.1", port: "x" } }));
    client.send(request(4, "stackTrace", { threadId: Number.MAX_SAFE_INTEGER }));
    client.send(frame({ seq: "x", type: "request", command: 7 }));
    client.send(frame({ seq: 5, type: "nonsense" }));
    for (const command of ["launch", "attach", "stackTrace"]) {
      assert.match(await client.answer(new RegExp(`"command":"${command}","success":false`)), /"message"/);
    }
    await client.answer(/malformed request/);
    client.destroy();
    await realClientGetsThrough();
  });

  it("a pipelined flood of requests is answered in order, and the server stays up", async () => {
    const client = await probe();
    const count = 2000;
    let flood = request(1, "initialize", { adapterID: "probe" });
    for (let seq = 2; seq <= count; seq++) flood += request(seq, "threads");
    client.send(flood);
    await client.answer(new RegExp(`"request_seq":${count},`));
    client.destroy();
    await realClientGetsThrough();
  });

  it("many idle and half-sent connections do not keep a real client out", async () => {
    const idle: Probe[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const connection = await probe();
        if (i % 2) connection.send("Content-Length: 10"); // a header never finished
        idle.push(connection);
      }
      await realClientGetsThrough();
    } finally {
      for (const connection of idle) connection.destroy();
    }
  });

  it("a client that dies at any stage leaves the server serving", async () => {
    const stages = ["", "Content-Len", 'Content-Length: 100\r\n\r\n{"seq":', request(1, "initialize", {})];
    for (const bytes of stages) {
      const client = await probe();
      if (bytes) client.send(bytes);
      client.destroy();
    }
    const launching = await probe();
    launching.send(
      request(1, "initialize", { adapterID: "probe" }) +
        request(2, "launch", { python: target.python, code: "import time; time.sleep(30)" }),
    );
    await launching.answer(/"command":"initialize"/);
    launching.destroy();
    await realClientGetsThrough();
    assert.match(adapter.stderr(), /listening on/);
    assert.equal(adapter.process.exitCode, null, "the adapter died");
  });
});

describe("pdap adapter --port with an access token (PDAP_ADAPTER_TOKEN)", {
  skip: target ? false : "no Python found",
}, () => {
  const TOKEN = "adapter-token-for-the-suite";
  let adapter: Awaited<ReturnType<typeof tcpAdapter>>;
  const marker = new Marker();

  before(async () => {
    adapter = await tcpAdapter({ ...process.env, PDAP_ADAPTER_TOKEN: TOKEN });
  });
  after(() => {
    adapter?.process.kill();
    marker.remove();
  });

  for (const [what, adapterToken] of [
    ["without a token", undefined],
    ["with a wrong token", "guess"],
  ] as const) {
    it(`refuses a launch ${what}, closes the link, runs nothing`, async () => {
      const client = await Probe.open(adapter.port);
      client.send(request(1, "initialize", { adapterID: "probe" }));
      client.send(request(2, "launch", { ...markerLaunch(marker), adapterToken }));
      const answer = await client.answer(/"command":"launch"/);
      assert.match(answer, /"success":false/);
      assert.match(answer, adapterToken ? /access token refused/ : /needs an access token/);
      await client.closedByListener("a refused token");
      assert.equal(marker.exists, false);
    });
  }

  it("accepts a launch with the right token", async () => {
    const client = await DapClient.connect("127.0.0.1", adapter.port);
    try {
      await client.start("launch", {
        python: target.python,
        code: "print('token client ran')",
        adapterToken: TOKEN,
      });
      await outputEvent(client, "token client ran");
    } finally {
      await client.disconnect();
    }
    assert.doesNotMatch(adapter.stderr(), new RegExp(TOKEN), "the token was logged");
  });
});

describe("hostile input: the adapter's listener for agents (--listen-for-agents)", {
  skip: target ? false : "no Python found",
}, () => {
  it("refuses HTTP and oversized handshakes; a real agent still dials in", async (t) => {
    const adapter = startAdapter(["--listen-for-agents", "127.0.0.1:0"]);
    const program: { debuggee?: Debuggee } = {};
    t.after(async () => {
      await adapter.client.disconnect();
      program.debuggee?.kill();
    });
    const port = Number((await adapterSays(adapter, /waiting for agents on 127\.0\.0\.1:(\d+)/))[1]);
    const page = await Probe.open(port);
    page.send(
      browserPost(
        port,
        request(1, "handshake", { protocol: 1, pid: 1, argv: ["evil"] }),
        "http://evil.example",
      ),
    );
    await page.answer(/^HTTP\/1\.1 400 /);
    await page.closedByListener("an HTTP POST");
    const big = await Probe.open(port);
    big.send(`Content-Length: ${MAX_AGENT_HANDSHAKE_BYTES + 1}\r\n\r\n`);
    await big.closedByListener("an oversized handshake");
    assert.doesNotMatch(adapter.stderr(), /agent of pid 1 /);
    program.debuggee = Debuggee.start(target, [
      "-m",
      "pdap",
      "--connect",
      `127.0.0.1:${port}`,
      "-c",
      "print('agent ran')",
    ]);
    await adapterSays(
      adapter,
      new RegExp(`agent of pid ${program.debuggee.child.pid} .* waits for a client`),
    );
  });
});

describe("hostile input: pdap adapter on stdio", { skip: target ? false : "no Python found" }, () => {
  const marker = new Marker();
  after(() => marker.remove());

  function stdioAdapter(): ChildProcess {
    return spawn(process.execPath, [PDAP_BIN, "adapter"], { stdio: ["pipe", "pipe", "pipe"] });
  }

  async function ended(child: ChildProcess): Promise<string> {
    let out = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      out += text;
    });
    await within(
      new Promise((resolve) => child.once("close", resolve)),
      PROBE_WAIT_MS,
      "the stdio adapter did not end",
    );
    return out;
  }

  it("an HTTP request on stdin is refused with HTTP 400, and nothing runs", async (t) => {
    const child = stdioAdapter();
    t.after(() => child.kill());
    const out = ended(child);
    const body = JSON.stringify({
      seq: 1,
      type: "request",
      command: "launch",
      arguments: markerLaunch(marker),
    });
    child.stdin?.write(browserPost(1, body, "http://evil.example"));
    assert.match(await out, /^HTTP\/1\.1 400 /);
    assert.equal(marker.exists, false);
  });

  it("launch before initialize is refused on stdio too", async (t) => {
    const child = stdioAdapter();
    t.after(() => child.kill());
    const out = ended(child);
    child.stdin?.write(request(1, "launch", markerLaunch(marker)));
    setTimeout(() => child.stdin?.end(), 500);
    assert.match(await out, /"success":false.*before 'initialize'/s);
    assert.equal(marker.exists, false);
  });

  it("a real client on stdio still works", async (t) => {
    const client = DapClient.spawnAdapter();
    t.after(() => client.disconnect());
    await client.start("launch", { python: target.python, code: "print('stdio client ran')" });
    await outputEvent(client, "stdio client ran");
  });
});

describe("DAP framing is strict but not fragile", () => {
  it("decodes a stream split at every byte, with any header lines a DAP client may send", () => {
    const messages = [
      { seq: 1, type: "request", command: "initialize", arguments: { adapterID: "ünïcode" } },
      { seq: 2, type: "request", command: "threads" },
    ];
    const bytes = Buffer.from(
      `Content-Length: ${Buffer.byteLength(JSON.stringify(messages[0]))}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${JSON.stringify(messages[0])}${frame(messages[1])}`,
    );
    const decoder = new MessageDecoder();
    const decoded: unknown[] = [];
    for (const byte of bytes) decoded.push(...decoder.push(Buffer.from([byte])));
    assert.deepEqual(decoded, messages);
  });

  it("refuses HTTP at its first line, as a whole or a byte at a time", () => {
    for (const text of [
      "GET / HTTP/1.1\r\n",
      "POST /x HTTP/1.1\r\nHost: a\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\n",
    ]) {
      assert.throws(() => new MessageDecoder().push(Buffer.from(text)), HttpRequestRefused, text);
      const decoder = new MessageDecoder();
      assert.throws(() => {
        for (const byte of Buffer.from(text)) decoder.push(Buffer.from([byte]));
      }, HttpRequestRefused);
    }
  });
});

describe("loopback is decided by resolved addresses", () => {
  it("knows loopback addresses and names that resolve to them", async () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1", "localhost"]) {
      assert.equal(await isLoopbackHost(host), true, host);
    }
  });

  it("is not fooled by a name that merely starts like one", async () => {
    for (const host of [
      "127.example.com",
      "127.0.0.1.nip.example",
      "localhost.example.com",
      "0.0.0.0",
      "::",
      "10.0.0.1",
      "::ffff:10.0.0.1",
    ]) {
      assert.equal(await isLoopbackHost(host), false, host);
    }
  });
});
