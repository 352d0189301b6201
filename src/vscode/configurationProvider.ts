// launch.json support beyond the manifest: F5 without a launch.json debugs the current Python
// file, and a launch gets the interpreter the user selected.
import * as vscode from "vscode";
import { withInterpreter } from "./interpreter.js";

export const CURRENT_FILE: vscode.DebugConfiguration = {
  name: "pdap: Current file",
  type: "pdap",
  request: "launch",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: launch.json variables, resolved by VS Code
  program: "${file}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: launch.json variables, resolved by VS Code
  cwd: "${workspaceFolder}",
  console: "integratedTerminal",
};

export class PdapConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    // F5 with no launch.json: VS Code hands over an empty configuration
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== "python") {
        void vscode.window.showInformationMessage("pdap: open a Python file to debug it");
        return undefined;
      }
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a launch.json variable
      return { ...CURRENT_FILE, cwd: folder ? CURRENT_FILE.cwd : "${fileDirname}" };
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    return withInterpreter(config, folder);
  }
}
