// A status-bar hint while pdap sessions run: how many, and a click shows the Run and Debug view.
import * as vscode from "vscode";

export function sessionStatus(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem("pdap.sessions", vscode.StatusBarAlignment.Left, 10);
  item.name = "pdap";
  item.command = "workbench.view.debug";
  const running = new Set<vscode.DebugSession>();
  const update = () => {
    if (running.size === 0) return item.hide();
    const names = [...running].map((session) => session.name);
    item.text = `$(debug-alt) pdap${running.size > 1 ? ` ×${running.size}` : ""}`;
    item.tooltip = `pdap is debugging: ${names.join(", ")}`;
    item.show();
  };
  context.subscriptions.push(
    item,
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type !== "pdap") return;
      running.add(session);
      update();
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      if (running.delete(session)) update();
    }),
  );
}
