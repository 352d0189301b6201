// The packages users install, each installed in a clean directory and run from somewhere else:
// the npm tarball (npm install -g), the VS Code extension (.vsix, unpacked as VS Code does), and
// the agent (pip install of python/ and of its wheel). One version number for all three.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { spawnAdapterCommand } from "../src/client/adapterProcess.js";
import type { DapClient } from "../src/client/client.js";
import { DapClient as Client } from "../src/client/client.js";
import { mainTarget } from "./support/cli.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const basics = fixture("basics.py");
const hello = path.join(ROOT, "examples", "hello.py");

const versionOf = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
const VERSION = versionOf(path.join(ROOT, "package.json"));

function tempDir(t: { after: (fn: () => void) => void }, name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pdap-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Launches basics.py to its BP1 over `client`; returns the agent's own `pdap` package file there. */
async function agentFileAtBreakpoint(client: DapClient, python: string): Promise<string> {
  await client.start("launch", { program: basics.path, python }, { [basics.path]: [basics.line("MAIN2")] });
  const stop = await client.nextStop();
  const { stackFrames } = await client.stackTrace(stop.body.threadId ?? 1);
  assert.equal(stackFrames[0].line, basics.line("MAIN2"));
  const found = await client.evaluate(
    "__import__('sys').modules['pdap'].__file__",
    stackFrames[0].id,
    "repl",
  );
  return JSON.parse(found.result.replace(/^'|'$/g, '"'));
}

it("package.json, vscode/package.json and pdap.__version__ give one version", () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.equal(versionOf(path.join(ROOT, "vscode", "package.json")), VERSION);
  const init = readFileSync(path.join(ROOT, "python", "pdap", "__init__.py"), "utf8");
  assert.equal(/^__version__ = "([^"]+)"/m.exec(init)?.[1], VERSION);
  const pyproject = readFileSync(path.join(ROOT, "python", "pyproject.toml"), "utf8");
  assert.match(pyproject, /dynamic = \["version"\]/, "the wheel's version is pdap.__version__");
});

describe("the npm package", () => {
  it("installs globally from `npm pack`; pdap --version, run and adapter work from any directory", async (t) => {
    const target = mainTarget();
    if (!target) return t.skip("no Python found");
    const work = tempDir(t, "npm");
    execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], {
      cwd: ROOT,
      stdio: "ignore",
    });
    const tarball = path.join(work, `pdap-${VERSION}.tgz`);
    const prefix = path.join(work, "prefix");
    execFileSync(
      "npm",
      // the tarball names its dependency (node-pty) by version: npm ci cached the package, not the
      // registry's metadata npm install needs to resolve it, so the cache is preferred, not required
      ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball],
      {
        stdio: "ignore",
      },
    );
    const pdap = path.join(prefix, "bin", "pdap");
    const elsewhere = path.join(work, "elsewhere");
    mkdirSync(elsewhere);
    cpSync(hello, path.join(elsewhere, "hello.py"));

    assert.equal(execFileSync(pdap, ["--version"], { cwd: elsewhere, encoding: "utf8" }).trim(), VERSION);
    const run = execFileSync(pdap, ["run", "--python", target.python, "--no-stop-on-entry", "hello.py"], {
      cwd: elsewhere,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.match(run, /Hello, Ada/);

    const client = spawnAdapterCommand(pdap, ["adapter"], { cwd: elsewhere });
    t.after(() => client.disconnect().catch(() => {}));
    const agent = await agentFileAtBreakpoint(client, target.python);
    const installed = path.join(prefix, "lib", "node_modules", "pdap", "python", "pdap");
    assert.equal(path.dirname(agent), installed, "the agent comes from inside the package");
  });

  it("holds the bundles, the agent and nothing of the sources or tests", (t) => {
    const listing = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    );
    const files: string[] = listing[0].files.map((f: { path: string }) => f.path);
    for (const needed of [
      "bin/pdap.cjs",
      "dist/bundle/pdap.cjs",
      "python/pdap/__init__.py",
      "python/sitecustomize.py",
    ])
      assert.ok(files.includes(needed), `${needed} in the package`);
    assert.deepEqual(
      files.filter((f) => /^(src|test|dist\/src|dist\/test)\//.test(f) || f.endsWith(".pyc")),
      [],
    );
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.deepEqual(
      Object.keys(manifest.dependencies ?? {}),
      ["@lydell/node-pty"],
      "the bundle carries its dependencies but the native terminal addon `pdap run` loads",
    );
    t.diagnostic(`${files.length} files`);
  });
});

it("the .vsix carries the adapter and the agent: its adapter debugs a program with nothing else", async (t) => {
  const target = mainTarget();
  if (!target) return t.skip("no Python found");
  const work = tempDir(t, "vsix");
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "package-vscode.mjs")], {
    cwd: ROOT,
    stdio: "ignore",
  });
  const vsix = path.join(ROOT, "dist", `pdap-debug-${VERSION}.vsix`);
  execFileSync("unzip", ["-q", vsix, "-d", work]);
  const extension = path.join(work, "extension");
  const files = readdirSync(extension, { recursive: true }).map(String).sort();
  for (const needed of [
    "package.json",
    "dist/adapter.mjs",
    "dist/extension.js",
    "python/pdap/__init__.py",
    "python/sitecustomize.py",
  ])
    assert.ok(files.includes(needed), `${needed} in the .vsix`);
  assert.deepEqual(
    files.filter((f) => f.startsWith("node_modules") || f.startsWith("src") || f.endsWith(".pyc")),
    [],
  );
  assert.equal(versionOf(path.join(extension, "package.json")), VERSION);

  // as the extension's DebugAdapterDescriptorFactory starts it
  const client = spawnAdapterCommand(process.execPath, [path.join(extension, "dist", "adapter.mjs")], {
    cwd: os.tmpdir(),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
  });
  t.after(() => client.disconnect().catch(() => {}));
  const agent = await agentFileAtBreakpoint(client, target.python);
  assert.equal(path.dirname(agent), path.join(extension, "python", "pdap"));
});

forEachPython("the agent as a Python package", (target) => {
  if (target.backend === "settrace" && !["3.9", "3.10", "3.11"].includes(target.version)) return;
  it("pip installs python/ and its wheel offline; python -m pdap, import pdap and PYTHONBREAKPOINT work", async (t) => {
    const work = tempDir(t, "pip");
    execFileSync(target.python, ["-m", "venv", "--without-pip", path.join(work, "venv")]);
    const python = path.join(work, "venv", "bin", "python");
    // python/'s own build backend uses the standard library only: nothing comes from an index
    const pip = (...args: string[]) =>
      execFileSync(target.python, ["-m", "pip", ...args], { stdio: "ignore" });
    pip("--python", python, "install", "--no-index", "-q", path.join(ROOT, "python"));
    pip("wheel", "--no-index", "--no-deps", "-q", "-w", work, path.join(ROOT, "python"));
    const wheel = path.join(work, `pdap-${VERSION}-py3-none-any.whl`);
    const inWheel = execFileSync("unzip", ["-Z1", wheel], { encoding: "utf8" }).split("\n");
    assert.ok(inWheel.includes("pdap/__init__.py") && inWheel.includes("pdap/backends/monitoring.py"));
    assert.ok(!inWheel.some((f) => f.includes("sitecustomize") || f.endsWith(".pyc")), inWheel.join(" "));
    const site = execFileSync(python, ["-c", "import pdap, sys; print(pdap.__version__, pdap.__file__)"], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: "" },
    }).trim();
    assert.equal(site.split(" ")[0], VERSION);
    assert.ok(site.split(" ")[1].startsWith(path.join(work, "venv")), `installed in the venv: ${site}`);

    // python -m pdap --listen + PYTHONBREAKPOINT=pdap.breakpoint: an attach stops at breakpoint()
    const program = spawn(
      python,
      ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "-c", BREAKPOINT_PROGRAM],
      {
        cwd: work,
        env: { ...process.env, PYTHONPATH: "", PYTHONBREAKPOINT: "pdap.breakpoint" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    t.after(() => program.kill("SIGKILL"));
    let stdout = "";
    program.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let stderr = "";
      program.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on \S+:(\d+)/.exec(stderr);
        if (match) resolve(Number(match[1]));
      });
      program.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const client = Client.spawnAdapter();
    t.after(() => client.disconnect().catch(() => {}));
    await client.start("attach", { connect: { port } });
    const stop = await client.nextStop();
    const { stackFrames } = await client.stackTrace(stop.body.threadId ?? 1);
    assert.equal(stackFrames[0].line, 3, "stopped at the line after breakpoint()");
    const exited = new Promise((resolve) => program.once("exit", resolve));
    await client.request("continue", { threadId: stop.body.threadId ?? 0 });
    assert.equal(await exited, 0);
    assert.match(stdout, /after the breakpoint/);
  });
});

const BREAKPOINT_PROGRAM = "x = 1\nbreakpoint()\nprint('after the breakpoint', x)\n";
