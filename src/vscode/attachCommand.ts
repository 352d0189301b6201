// "pdap: Attach to a running program": pick one of the Python programs listening on this machine,
// or type HOST:PORT, and start an attach session to it.
import * as vscode from "vscode";
import { findLocalAgents } from "./localAgents.js";

interface Pick extends vscode.QuickPickItem {
  address?: { host: string; port: number };
}

const TYPE_ADDRESS = "Enter host:port…";

export function parseAddress(text: string): { host: string; port: number } | undefined {
  const match = /^\s*(?:\[?([^\]]*?)\]?:)?(\d{1,5})\s*$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] || "127.0.0.1", port };
}

async function askAddress(): Promise<{ host: string; port: number } | undefined> {
  const text = await vscode.window.showInputBox({
    title: "pdap: Attach to a running program",
    prompt: "The address the program listens on (python -m pdap --listen [HOST:]PORT)",
    placeHolder: "localhost:5678",
    validateInput: (value) => (parseAddress(value) ? undefined : "HOST:PORT or PORT, e.g. localhost:5678"),
  });
  return text === undefined ? undefined : parseAddress(text);
}

async function pickAddress(): Promise<{ host: string; port: number } | undefined> {
  const agents = findLocalAgents();
  if (agents.length === 0) return askAddress();
  const items: Pick[] = [
    ...agents.map((agent) => ({
      label: `${agent.host}:${agent.port}`,
      description: `pid ${agent.pid}${agent.viaPdap ? "" : " (a Python listening here)"}`,
      detail: agent.commandLine,
      address: { host: agent.host, port: agent.port },
    })),
    { label: TYPE_ADDRESS },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: "pdap: Attach to a running program",
    placeHolder: "A program on this machine, or another address",
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  return picked.address ?? askAddress();
}

export async function attachToRunningProgram(): Promise<void> {
  const address = await pickAddress();
  if (!address) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  await vscode.debug.startDebugging(folder, {
    name: `pdap: Attach ${address.host}:${address.port}`,
    type: "pdap",
    request: "attach",
    connect: address,
  });
}
