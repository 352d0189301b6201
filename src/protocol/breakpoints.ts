// The kinds of breakpoint, declared once with the DAP request that sets each kind. DAP replaces a
// kind's whole list with each request (a file's list, for line breakpoints); the adapter's memory
// for restart, its replay, and the terminal debugger's table all go by this declaration.
import type { ArgumentsOf } from "./requests.js";

export const BREAKPOINT_REQUESTS = {
  line: "setBreakpoints",
  function: "setFunctionBreakpoints",
  exception: "setExceptionBreakpoints",
  data: "setDataBreakpoints",
} as const;

export type BreakpointKind = keyof typeof BREAKPOINT_REQUESTS;
export type BreakpointRequest = (typeof BREAKPOINT_REQUESTS)[BreakpointKind];

/** The order editors set breakpoints up in (and replay follows): lines, functions, exceptions, data. */
export const BREAKPOINT_KINDS: readonly BreakpointKind[] = ["line", "function", "exception", "data"];

/** One breakpoint request with its typed arguments. */
export type BreakpointRequestOf<C extends BreakpointRequest = BreakpointRequest> = {
  [K in C]: { command: K; arguments: ArgumentsOf<K> };
}[C];

const COMMANDS = new Set<string>(Object.values(BREAKPOINT_REQUESTS));

export function isBreakpointRequest(command: string): command is BreakpointRequest {
  return COMMANDS.has(command);
}
