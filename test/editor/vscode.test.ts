// pdap in a real VS Code (code-server 1.139 in Chromium), through the UI as a person uses it: the
// .vsix from npm run package:vscode installed with --install-extension, a folder opened, breakpoints
// clicked in the gutter, F5, the debug views read, keys pressed; then a remote attach with
// pathMappings to a program started with `python -m pdap --listen` in another directory.
// Screenshots of every step go to .editor-test/artifacts. Run with `npm run test:editor`.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fixture } from "../support/fixtures.js";
import { type CodeServer, startCodeServer } from "./codeServer.js";
import { Workbench, waitUntil } from "./workbench.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const WORKSPACE = path.join(ROOT, "test", "editor", "workspace");
const ARTIFACTS = path.join(ROOT, ".editor-test", "artifacts");
const app = fixture("../editor/workspace/app.py");
export const child = fixture("../editor/workspace/child.py");
export const remote = fixture("../editor/workspace/remote.py");

function vsixPath(): string {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, "vscode", "package.json"), "utf8"));
  return path.join(ROOT, "dist", `pdap-debug-${version}.vsix`);
}

/** `python -m pdap --listen 127.0.0.1:0 --wait-for-client remote.py` in its own directory. */
async function startRemoteProgram(directory: string): Promise<{ process: ChildProcess; port: number }> {
  const program = spawn(
    "python3",
    ["-m", "pdap", "--listen", "127.0.0.1:0", "--wait-for-client", "remote.py"],
    {
      cwd: directory,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, "python") },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  const port = await new Promise<number>((resolve, reject) => {
    program.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /pdap: listening on \S+:(\d+)/.exec(stderr);
      if (match) resolve(Number(match[1]));
    });
    program.once("exit", (code) => reject(new Error(`remote program exited (${code}): ${stderr}`)));
  });
  return { process: program, port };
}

describe("pdap in VS Code (code-server)", { timeout: 600_000 }, () => {
  let server: CodeServer;
  let workbench: Workbench;
  let folder: string;
  let remoteProgram: { process: ChildProcess; port: number };
  let remoteOutput = "";
  const home = mkdtempSync(path.join(os.tmpdir(), "pdap-editor-"));

  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    folder = path.join(home, "project");
    cpSync(WORKSPACE, folder, { recursive: true });
    const elsewhere = path.join(home, "deployed", "app");
    cpSync(WORKSPACE, elsewhere, { recursive: true });
    remoteProgram = await startRemoteProgram(elsewhere);
    remoteProgram.process.stdout?.on("data", (chunk: Buffer) => {
      remoteOutput += chunk.toString();
    });
    const launchJson = path.join(folder, ".vscode", "launch.json");
    writeFileSync(
      launchJson,
      readFileSync(launchJson, "utf8")
        .replace('"@PORT@"', String(remoteProgram.port))
        .replace("@REMOTE_ROOT@", elsewhere),
    );
    server = await startCodeServer(path.join(home, "code-server"), vsixPath());
    workbench = await Workbench.open(server.url, folder, ARTIFACTS);
  });

  after(async () => {
    await workbench?.screenshot("last").catch(() => {});
    await workbench?.close();
    await server?.stop();
    remoteProgram?.process.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  it("launches the current file, stops at a gutter breakpoint, shows variables, watch and call stack", async () => {
    await workbench.openFile("app.py");
    await workbench.toggleBreakpoint(app.line("BP_MAIN"));
    await workbench.screenshot("breakpoint-set");
    await workbench.press("F5");
    await workbench.waitPaused("app.py", app.line("BP_MAIN"));
    // VS Code asks for the top frame first and the rest a moment later
    await workbench.waitCallStack(
      (rows) => rows.some((row) => row.startsWith("<module>")),
      "<module> in the stack",
    );
    const stack = await workbench.callStack();
    assert.ok(stack[0].startsWith("main"), `call stack: ${stack.join(" | ")}`);
    assert.ok(!stack.some((row) => /Load More/.test(row)), `all frames are shown: ${stack.join(" | ")}`);
    await workbench.screenshot("paused");

    await workbench.expandScope("Locals");
    await workbench.expandVariable("config");
    assert.equal(await workbench.variableValue("'size'"), "3");
    await workbench.expandVariable("origin");
    assert.equal(await workbench.variableValue("x"), "1");
    assert.equal(await workbench.variableValue("y"), "2");
    await workbench.addWatch("config['size'] * 2");
    await waitUntil(async () => (await workbench.watchValue("config['size'] * 2")) === "6", "watch = 6");
    await workbench.screenshot("variables-and-watch");
  });

  it("restarts the program (Ctrl+Shift+F5): the same stop, every frame shown", async () => {
    const firstRun = await workbench.variableValue("run_id");
    await workbench.press("Control+Shift+F5");
    await waitUntil(
      async () => (await workbench.variableValue("run_id").catch(() => firstRun)) !== firstRun,
      "a new process",
    );
    await workbench.waitPaused("app.py", app.line("BP_MAIN"));
    // the old program's frames stand in until the new ones are fetched: then no "Load More"
    await workbench.waitCallStack(
      (rows) => rows.some((row) => row.startsWith("<module>")) && !rows.some((row) => /Load More/.test(row)),
      "every frame shown, and no Load More Stack Frames",
    );
    await workbench.screenshot("restarted");
  });

  it("steps with F10, F11 and Shift+F11, evaluates in the Debug Console, shows the program's output", async () => {
    await workbench.press("F10");
    await workbench.waitPaused("app.py", app.line("BP_MAIN") + 1);
    await workbench.waitForConsole(/hello from app/);
    await workbench.press("F11");
    await workbench.waitPaused("app.py", app.line("STEP_IN"));
    await workbench.waitCallStack((rows) => rows[0]?.startsWith("scale"), "scale on top of the stack");
    await workbench.screenshot("stepped-in");
    await workbench.press("Shift+F11");
    // back in main: at the call (its assignment still to finish) or on the line after it
    await workbench.waitCallStack((rows) => rows[0]?.startsWith("main"), "main on top after step out");
    assert.match(
      await workbench.pausedAt(),
      new RegExp(`^app\\.py:(${app.line("BP_MAIN") + 1}|${app.line("AFTER_CALL")})$`),
    );
    await workbench.evaluateInConsole("origin.x + 100");
    await workbench.waitForConsole(/^101$/m);
    await workbench.screenshot("debug-console");
  });

  it("stops at a conditional breakpoint only when its condition holds", async () => {
    await workbench.conditionalBreakpoint(app.line("BP_LOOP"), "i == 7");
    await workbench.press("F5");
    await workbench.waitPaused("app.py", app.line("BP_LOOP"));
    await waitUntil(async () => (await workbench.variableValue("i")) === "7", "i = 7 in Variables");
    assert.equal(await workbench.variableValue("total"), String(0 + 1 + 2 + 3 + 4 + 5 + 6));
    await workbench.screenshot("conditional-breakpoint");
  });

  it("breaks on value change of a variable chosen in the Variables view (a data breakpoint)", async () => {
    // stopped at i == 7, before `total += i` ran for it
    assert.equal(await workbench.variableValue("total"), "21");
    await workbench.breakOnValueChange("total");
    await workbench.screenshot("data-breakpoint-set");
    await workbench.press("F5");
    // stopped after the line that changed it: back on the loop's line, total grown by 7
    await workbench.waitPaused("app.py", app.line("BP_LOOP") - 1);
    await waitUntil(async () => (await workbench.variableValue("total")) === "28", "total = 28 in Variables");
    await workbench.screenshot("data-breakpoint-hit");
  });

  it("steps back (record: true) to the line that changed total, shows the recorded values and their history", async () => {
    // stopped after `total += i` ran for i == 7: one step back is that line, before it ran
    await workbench.debugToolbarButton("Step Back");
    await workbench.waitPaused("app.py", app.line("BP_LOOP"));
    await waitUntil(
      async () => (await workbench.variableValue("total").catch(() => "")) === "21",
      "total = 21, as recorded",
    );
    await workbench.screenshot("stepped-back");
    await workbench.evaluateInConsole(":history total");
    await workbench.waitForConsole(/total changed \d+ times:/);
    await workbench.waitForConsole(/line \d+ in main: total = 21$/m);
    // forward again through the recording, then live: the data breakpoint's stop, total 28
    await workbench.press("F10");
    await workbench.waitPaused("app.py", app.line("BP_LOOP") - 1);
    await waitUntil(
      async () => (await workbench.variableValue("total").catch(() => "")) === "28",
      "total = 28 again",
    );
    await workbench.screenshot("forward-to-the-present");
    // the next scenarios run the program on without these stops
    await workbench.removeAllBreakpoints();
  });

  it("debugs the child process as its own session in the Call Stack, then runs to the end", async () => {
    await workbench.openFile("child.py");
    await workbench.toggleBreakpoint(child.line("BP_CHILD"));
    await workbench.press("F5");
    await workbench.waitPaused("child.py", child.line("BP_CHILD"));
    await workbench.waitCallStack(
      (rows) =>
        rows.some((row) => /child\.py \(pid \d+\)/.test(row)) &&
        rows.some((row) => /pdap: Current file/.test(row)),
      "the parent's and the child's sessions",
    );
    await workbench.screenshot("child-session");
    await workbench.press("F5");
    await workbench.waitSessionsEnded();
    await workbench.showConsoleOf("pdap: Current file");
    await workbench.waitForConsole(/done 45 10/);
    const text = await workbench.consoleText();
    assert.ok(text.indexOf("to stderr") < text.indexOf("done 45 10"), `output in order:\n${text}`);
    assert.deepEqual(await workbench.errorToasts(), [], "no error pop-ups after an ordinary run");
    await workbench.screenshot("ended");
  });

  it("attaches to a program started elsewhere with python -m pdap --listen, mapping its paths", async () => {
    await workbench.openFile("remote.py");
    await workbench.toggleBreakpoint(remote.line("BP_REMOTE"));
    await workbench.command("Debug: Select and Start Debugging");
    await workbench.pickQuickItem("pdap: Remote attach");
    await workbench.waitPaused("remote.py", remote.line("BP_REMOTE"));
    await workbench.expandScope("Globals");
    assert.match(
      await workbench.variableValue("where"),
      /deployed\/app/,
      "the remote program's own directory",
    );
    await workbench.screenshot("remote-attach");
    await workbench.press("F5");
    await waitUntil(async () => /remote done/.test(remoteOutput), "the remote program to finish");
    await workbench.waitSessionsEnded();
    assert.deepEqual(await workbench.errorToasts(), []);
  });
});
