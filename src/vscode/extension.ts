// The pdap VS Code extension: debug type `pdap` (its launch.json schema is in the manifest), the
// adapter bundled beside this file, F5 on a Python file, attach to a running program, and a
// status-bar hint while sessions run.
import * as vscode from "vscode";
import { PdapAdapterFactory } from "./adapterFactory.js";
import { attachToRunningProgram } from "./attachCommand.js";
import { PdapConfigurationProvider } from "./configurationProvider.js";
import { sessionStatus } from "./statusBar.js";

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory("pdap", new PdapAdapterFactory(context.extensionPath)),
    vscode.debug.registerDebugConfigurationProvider("pdap", new PdapConfigurationProvider()),
    vscode.commands.registerCommand("pdap.attach", attachToRunningProgram),
  );
  sessionStatus(context);
}

export function deactivate(): void {}
