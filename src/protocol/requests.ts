// Every request pdap's links carry, with its arguments and the body of its answer, declared once
// from @vscode/debugprotocol's types. DapConnection's onRequest and request take their types from
// here, so a handler gets typed arguments and the compiler checks the body it returns.
import type { DebugProtocol as P } from "@vscode/debugprotocol";
import type { AgentInfo, AgentOptions, ChildAnnouncement, ChildNote } from "./agent.js";

/** One request: what its `arguments` are and what its response's `body` is. */
interface Exchange<A, B> {
  args: A;
  body: B;
}

type Body<R extends P.Response> = R["body"];
/** A response without a body: DAP leaves it out, pdap's agent sends {} */
type NoBody = undefined | Record<string, never>;

/** The requests of the Debug Adapter Protocol pdap speaks (client to adapter, and reverse requests). */
export interface DapRequests {
  initialize: Exchange<P.InitializeRequestArguments, P.Capabilities>;
  launch: Exchange<P.LaunchRequestArguments & Configuration, NoBody>;
  attach: Exchange<P.AttachRequestArguments & Configuration, NoBody>;
  restart: Exchange<{ arguments?: Configuration }, NoBody>;
  disconnect: Exchange<P.DisconnectArguments, NoBody>;
  terminate: Exchange<P.TerminateArguments, NoBody>;
  configurationDone: Exchange<P.ConfigurationDoneArguments, NoBody>;
  setBreakpoints: Exchange<P.SetBreakpointsArguments, Body<P.SetBreakpointsResponse>>;
  setFunctionBreakpoints: Exchange<P.SetFunctionBreakpointsArguments, Body<P.SetFunctionBreakpointsResponse>>;
  setExceptionBreakpoints: Exchange<
    P.SetExceptionBreakpointsArguments,
    Body<P.SetExceptionBreakpointsResponse> | NoBody
  >;
  setDataBreakpoints: Exchange<P.SetDataBreakpointsArguments, Body<P.SetDataBreakpointsResponse>>;
  dataBreakpointInfo: Exchange<P.DataBreakpointInfoArguments, Body<P.DataBreakpointInfoResponse>>;
  breakpointLocations: Exchange<P.BreakpointLocationsArguments, Body<P.BreakpointLocationsResponse>>;
  threads: Exchange<undefined, Body<P.ThreadsResponse>>;
  stackTrace: Exchange<P.StackTraceArguments, Body<P.StackTraceResponse>>;
  scopes: Exchange<P.ScopesArguments, Body<P.ScopesResponse>>;
  variables: Exchange<P.VariablesArguments, Body<P.VariablesResponse>>;
  setVariable: Exchange<P.SetVariableArguments, Body<P.SetVariableResponse>>;
  setExpression: Exchange<P.SetExpressionArguments, Body<P.SetExpressionResponse>>;
  evaluate: Exchange<P.EvaluateArguments, Body<P.EvaluateResponse>>;
  completions: Exchange<P.CompletionsArguments, Body<P.CompletionsResponse>>;
  exceptionInfo: Exchange<P.ExceptionInfoArguments, Body<P.ExceptionInfoResponse>>;
  source: Exchange<P.SourceArguments, Body<P.SourceResponse>>;
  loadedSources: Exchange<P.LoadedSourcesArguments, Body<P.LoadedSourcesResponse>>;
  continue: Exchange<P.ContinueArguments, Body<P.ContinueResponse>>;
  next: Exchange<P.NextArguments, NoBody>;
  stepIn: Exchange<P.StepInArguments, NoBody>;
  stepOut: Exchange<P.StepOutArguments, NoBody>;
  /** with pdap's `over: true`, a reverse next: the previous line of the same function */
  stepBack: Exchange<P.StepBackArguments & { over?: boolean }, NoBody>;
  reverseContinue: Exchange<P.ReverseContinueArguments, NoBody>;
  pause: Exchange<P.PauseArguments, NoBody>;
  goto: Exchange<P.GotoArguments, NoBody>;
  gotoTargets: Exchange<P.GotoTargetsArguments, Body<P.GotoTargetsResponse>>;
  stepInTargets: Exchange<P.StepInTargetsArguments, Body<P.StepInTargetsResponse>>;
  restartFrame: Exchange<P.RestartFrameArguments, NoBody>;
  modules: Exchange<P.ModulesArguments, Body<P.ModulesResponse>>;
  readMemory: Exchange<P.ReadMemoryArguments, Body<P.ReadMemoryResponse>>;
  writeMemory: Exchange<P.WriteMemoryArguments, Body<P.WriteMemoryResponse>>;
  disassemble: Exchange<P.DisassembleArguments, Body<P.DisassembleResponse>>;
  setInstructionBreakpoints: Exchange<
    P.SetInstructionBreakpointsArguments,
    Body<P.SetInstructionBreakpointsResponse>
  >;
  terminateThreads: Exchange<P.TerminateThreadsArguments, NoBody>;
  locations: Exchange<P.LocationsArguments, Body<P.LocationsResponse>>;
  cancel: Exchange<P.CancelArguments, NoBody>;
  // reverse requests: the adapter asks the client
  runInTerminal: Exchange<P.RunInTerminalRequestArguments, Body<P.RunInTerminalResponse>>;
  startDebugging: Exchange<P.StartDebuggingRequestArguments, NoBody>;
  // pdap's own DAP requests (step back's): declared like the standard ones
  history: Exchange<HistoryArguments, HistoryBody>;
  record: Exchange<RecordArguments, RecordBody>;
}

/**
 * A launch or attach configuration's attributes: checked by the adapter (src/adapter/config.ts),
 * listed in the README's attribute tables; DAP leaves them to each debugger.
 */
export type Configuration = Record<string, unknown>;

/** The agent link's own messages, besides the DAP requests it relays (see ./agent.ts). */
export interface AgentLinkRequests {
  /** the first message on an agent link, either way: the access token and the process's facts */
  handshake: Exchange<Partial<AgentInfo> & { token?: string }, AgentInfo | NoBody>;
  /** the adapter's options for the agent, before configurationDone */
  configure: Exchange<AgentOptions, { remoteRoots?: Record<string, string> } | NoBody>;
  /** a child process tells its parent's adapter where to attach (subProcess) */
  announceChild: Exchange<Partial<ChildAnnouncement> & { token?: string }, NoBody>;
  /** a child's note for the session's console (why it runs undebugged) */
  childNote: Exchange<Partial<ChildNote> & { token?: string }, NoBody>;
}

/** `history`: when a variable changed, in the stopped thread's recording. */
export interface HistoryArguments {
  name: string;
  frameId?: number;
  threadId?: number;
}

export interface HistoryChange {
  /** the event's number in the thread's recording (1: the first ever recorded) */
  step: number;
  /** the line that made the change */
  line: number;
  /** the line the change was first seen at */
  seenAtLine: number;
  function: string;
  /** the file's base name */
  file: string;
  /** the new value's text, "<deleted>" when the name was deleted */
  value: string;
  type: string;
}

export interface HistoryBody {
  name: string;
  changes: HistoryChange[];
}

/** `record`: switch step back's recording on (with a scope) or off; answers what is recorded. */
export interface RecordArguments {
  on?: boolean;
  scope?: true | string[];
  /** the ring buffer's bound, bytes per thread */
  recordMemory?: number;
}

export interface RecordBody {
  recording: boolean;
  threads: Array<{ threadId: number; events: number; dropped: number; bytes: number }>;
}

export type Requests = DapRequests & AgentLinkRequests;
export type Command = keyof Requests;
export type ArgumentsOf<K extends Command> = Requests[K]["args"];
export type BodyOf<K extends Command> = Requests[K]["body"];
/** A response whose body has the request's declared type. */
export type ResponseOf<K extends Command> = Omit<P.Response, "body"> & { body: BodyOf<K> };
