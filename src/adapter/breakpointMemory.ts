// The client's breakpoint settings as it last sent them, so that `restart` can give a new program
// the same breakpoints without the client sending them again (it does not: DAP leaves that to us).
import type { DebugProtocol } from "@vscode/debugprotocol";
import {
  BREAKPOINT_KINDS,
  BREAKPOINT_REQUESTS,
  type BreakpointKind,
  type BreakpointRequest,
  type BreakpointRequestOf,
} from "../protocol/breakpoints.js";

export type RememberedRequest = BreakpointRequestOf;

export class BreakpointMemory {
  /** setBreakpoints by the client's (local) path; a later request for a file replaces the earlier */
  private readonly lines = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  /** the other kinds: one list each, the last one sent */
  private readonly lists = new Map<Exclude<BreakpointKind, "line">, RememberedRequest>();

  /** Notes a breakpoint request the agent accepted. */
  remember(command: BreakpointRequest, args: unknown): void {
    if (!args || typeof args !== "object") return;
    const request = { command, arguments: args } as RememberedRequest;
    switch (request.command) {
      case "setBreakpoints": {
        const path = request.arguments.source?.path;
        if (typeof path !== "string") return; // a sourceReference names a file of the old process only
        if ((request.arguments.breakpoints ?? request.arguments.lines ?? []).length === 0)
          this.lines.delete(path);
        else this.lines.set(path, request.arguments);
        return;
      }
      case "setDataBreakpoints": {
        // only the data breakpoints a new process can find again (module globals)
        const lasting = (request.arguments.breakpoints ?? []).filter((bp) => bp.dataId.startsWith("global:"));
        if (lasting.length > 0)
          this.lists.set("data", { command: request.command, arguments: { breakpoints: lasting } });
        else this.lists.delete("data");
        return;
      }
      case "setFunctionBreakpoints":
        this.lists.set("function", request);
        return;
      case "setExceptionBreakpoints":
        this.lists.set("exception", request);
        return;
    }
  }

  /** The requests that set everything up again, in the order editors send them. */
  requests(): RememberedRequest[] {
    const all: RememberedRequest[] = [];
    for (const kind of BREAKPOINT_KINDS) {
      if (kind === "line") {
        for (const args of this.lines.values())
          all.push({ command: BREAKPOINT_REQUESTS.line, arguments: args });
      } else {
        const request = this.lists.get(kind);
        if (request) all.push(request);
      }
    }
    return all;
  }
}
