// Which Python runs a launch: the configuration's `python` (or debugpy's `pythonPath`), else the
// interpreter selected in the Python extension when it is installed, else python3 on PATH (the
// adapter's default).
import * as vscode from "vscode";

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(path: string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] } };
}

/** The Python extension's selected interpreter for a folder, or undefined. */
export async function selectedInterpreter(
  folder: vscode.WorkspaceFolder | undefined,
): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const resource = folder?.uri;
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active.path);
      return resolved?.executable.uri?.fsPath ?? active.path;
    }
    return api.settings?.getExecutionDetails(resource).execCommand?.[0];
  } catch {
    return undefined; // the Python extension failed: fall back to python3 on PATH
  }
}

/** Fills in `python` for a launch that does not name an interpreter. */
export async function withInterpreter(
  config: vscode.DebugConfiguration,
  folder: vscode.WorkspaceFolder | undefined,
): Promise<vscode.DebugConfiguration> {
  if (config.request !== "launch" || config.python !== undefined || config.pythonPath !== undefined)
    return config;
  const python = await selectedInterpreter(folder);
  return python ? { ...config, python } : config;
}
