// How VS Code starts pdap's adapter: the bundled adapter (dist/adapter.mjs, beside this file) run by
// the Node.js that runs the extension host; `debugServer` in a configuration connects to an adapter
// started by hand instead (`pdap adapter --port N`).
import path from "node:path";
import * as vscode from "vscode";

export class PdapAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const port = session.configuration.debugServer;
    if (port !== undefined) return new vscode.DebugAdapterServer(Number(port));
    const adapter = path.join(this.extensionPath, "dist", "adapter.mjs");
    // the extension host's executable is Node.js in code-server and VS Code's Electron in the
    // desktop app, where ELECTRON_RUN_AS_NODE makes it behave as Node.js
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], {
      env: { ELECTRON_RUN_AS_NODE: "1" },
    });
  }
}
