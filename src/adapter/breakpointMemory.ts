// The client's breakpoint settings as it last sent them, so that `restart` can give a new program
// the same breakpoints without the client sending them again (it does not: DAP leaves that to us).
import type { DebugProtocol } from "@vscode/debugprotocol";

export interface RememberedRequest {
  command: "setBreakpoints" | "setFunctionBreakpoints" | "setExceptionBreakpoints" | "setDataBreakpoints";
  arguments: object;
}

export class BreakpointMemory {
  /** setBreakpoints by the client's (local) path; a later request for a file replaces the earlier */
  private readonly lines = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private functions: DebugProtocol.SetFunctionBreakpointsArguments | undefined;
  private exceptions: DebugProtocol.SetExceptionBreakpointsArguments | undefined;
  /** only the data breakpoints a new process can find again (canPersist: module globals) */
  private data: DebugProtocol.SetDataBreakpointsArguments | undefined;

  /** Notes a breakpoint request the agent accepted; any other request is ignored. */
  remember(command: string, args: unknown): void {
    if (!args || typeof args !== "object") return;
    if (command === "setBreakpoints") {
      const lineArgs = args as DebugProtocol.SetBreakpointsArguments;
      const path = lineArgs.source?.path;
      if (typeof path !== "string") return; // a sourceReference names a file of the old process only
      if ((lineArgs.breakpoints ?? lineArgs.lines ?? []).length === 0) this.lines.delete(path);
      else this.lines.set(path, lineArgs);
    } else if (command === "setFunctionBreakpoints") {
      this.functions = args as DebugProtocol.SetFunctionBreakpointsArguments;
    } else if (command === "setExceptionBreakpoints") {
      this.exceptions = args as DebugProtocol.SetExceptionBreakpointsArguments;
    } else if (command === "setDataBreakpoints") {
      const dataArgs = args as DebugProtocol.SetDataBreakpointsArguments;
      const lasting = (dataArgs.breakpoints ?? []).filter((bp) => bp.dataId.startsWith("global:"));
      this.data = lasting.length > 0 ? { breakpoints: lasting } : undefined;
    }
  }

  /** The requests that set everything up again, in the order editors send them. */
  requests(): RememberedRequest[] {
    const all: RememberedRequest[] = [...this.lines.values()].map((args) => ({
      command: "setBreakpoints",
      arguments: args,
    }));
    if (this.functions) all.push({ command: "setFunctionBreakpoints", arguments: this.functions });
    if (this.exceptions) all.push({ command: "setExceptionBreakpoints", arguments: this.exceptions });
    if (this.data) all.push({ command: "setDataBreakpoints", arguments: this.data });
    return all;
  }
}
