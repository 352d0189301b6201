// The agent protocol, declared once: the messages between the adapter and the Python agent, and
// the DAP requests the agent answers, each with the capability it gives. The agent's side is
// python/pdap/agent_protocol.py; test/protocol-drift.test.ts fails when the two differ.
import type { DebugProtocol } from "@vscode/debugprotocol";

/** The agent protocol version this adapter speaks (the handshake's `protocol`). */
export const AGENT_PROTOCOL = 2;

/** What an agent says of its process in the handshake. */
export interface AgentInfo {
  protocol: number;
  pid: number;
  /** the interpreter's version, e.g. 3.12.4 */
  python: string;
  /** sys.implementation.name: cpython */
  implementation: string;
  executable: string;
  cwd: string;
  argv: string[];
  /** the tracer: "monitoring" (sys.monitoring, 3.12+) or "settrace" */
  backend: string;
  /** the DAP requests this agent answers: the adapter forwards exactly these */
  commands: string[];
}

/**
 * The facts of a handshake, checked: a peer that is not a pdap agent of this version is refused
 * with the reason (the message is the client's to read: no field of a stranger is trusted).
 */
export function parseAgentInfo(args: Partial<Record<keyof AgentInfo, unknown>>): AgentInfo {
  if (args.protocol !== AGENT_PROTOCOL) {
    throw new Error(
      `the pdap agent speaks protocol ${String(args.protocol)}, this adapter speaks ${AGENT_PROTOCOL}: use the agent (python/pdap) of the same pdap version`,
    );
  }
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const texts = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  return {
    protocol: args.protocol,
    pid: typeof args.pid === "number" ? args.pid : 0,
    python: text(args.python),
    implementation: text(args.implementation),
    executable: text(args.executable),
    cwd: text(args.cwd),
    argv: texts(args.argv),
    backend: text(args.backend),
    commands: texts(args.commands),
  };
}

export const HANDSHAKE_FIELDS = [
  "protocol",
  "pid",
  "python",
  "implementation",
  "executable",
  "cwd",
  "argv",
  "backend",
  "commands",
] as const satisfies ReadonlyArray<keyof AgentInfo>;

/** The adapter's options for an agent (`configure`, before configurationDone). */
export interface AgentOptions {
  justMyCode?: boolean;
  stopOnEntry?: boolean;
  showReturnValue?: boolean;
  /** logToFile: where the agent writes pdap-agent-PID.log */
  logDirectory?: string;
  /** launch with subProcess: where children announce themselves */
  subProcess?: { host: string; port: number; token: string };
  /** attach: the program's output as output events too (launch reads its pipes instead) */
  teeOutput?: boolean;
  /** attach with pathMappings: the remote roots, whose real paths the agent answers */
  remoteRoots?: string[];
  /** step back: what to record from the start (true: the program's own code) */
  record?: boolean | string[];
  recordMemory?: number;
}

export const CONFIGURE_OPTIONS = [
  "justMyCode",
  "stopOnEntry",
  "showReturnValue",
  "logDirectory",
  "subProcess",
  "teeOutput",
  "remoteRoots",
  "record",
  "recordMemory",
] as const satisfies ReadonlyArray<keyof AgentOptions>;

/** A child process's agent, announcing where a session may attach to it. */
export interface ChildAnnouncement {
  pid: number;
  ppid: number;
  host: string;
  port: number;
  childToken: string;
  argv: string[];
  forked: boolean;
}

export const CHILD_ANNOUNCEMENT_FIELDS = [
  "pid",
  "ppid",
  "host",
  "port",
  "childToken",
  "argv",
  "forked",
] as const satisfies ReadonlyArray<keyof ChildAnnouncement>;

/** What a child that cannot be debugged says about itself (an old Python, an agent fault). */
export interface ChildNote {
  pid: number;
  text: string;
}

type Flag = {
  [K in keyof DebugProtocol.Capabilities]-?: DebugProtocol.Capabilities[K] extends boolean | undefined
    ? K
    : never;
}[keyof DebugProtocol.Capabilities];

/**
 * The DAP requests the agent answers, as a table of contents: each with the capability flags it
 * makes true (none: a request every adapter must answer). The adapter forwards exactly the
 * commands an agent lists in its handshake, and announces the flags of these.
 */
export const AGENT_REQUESTS = {
  configurationDone: ["supportsConfigurationDoneRequest"],
  setBreakpoints: [
    "supportsConditionalBreakpoints",
    "supportsHitConditionalBreakpoints",
    "supportsLogPoints",
  ],
  setFunctionBreakpoints: ["supportsFunctionBreakpoints"],
  setExceptionBreakpoints: ["supportsExceptionFilterOptions"],
  setDataBreakpoints: ["supportsDataBreakpoints"],
  dataBreakpointInfo: [],
  breakpointLocations: ["supportsBreakpointLocationsRequest"],
  threads: [],
  stackTrace: ["supportsDelayedStackTraceLoading"],
  scopes: [],
  variables: ["supportsValueFormattingOptions"],
  setVariable: ["supportsSetVariable"],
  setExpression: ["supportsSetExpression"],
  evaluate: ["supportsEvaluateForHovers", "supportsClipboardContext"],
  completions: ["supportsCompletionsRequest"],
  exceptionInfo: ["supportsExceptionInfoRequest"],
  source: [],
  continue: [],
  next: [],
  stepIn: [],
  stepOut: [],
  stepBack: ["supportsStepBack"],
  reverseContinue: [],
  pause: [],
  goto: [],
  gotoTargets: ["supportsGotoTargetsRequest"],
  history: [],
  record: [],
  disconnect: [],
  terminate: [],
} as const satisfies Record<string, readonly Flag[]>;

export type AgentCommand = keyof typeof AGENT_REQUESTS;

export function isAgentCommand(command: string): command is AgentCommand {
  return Object.hasOwn(AGENT_REQUESTS, command);
}

/**
 * The flags an agent that answers only `commands` cannot back (false each): those of the declared
 * requests it lacks, unless another request it answers gives the flag too. An agent of this pdap
 * answers them all; an older or newer one may not, and the client is then told (capabilities event).
 */
export function capabilitiesLacking(commands: readonly string[]): DebugProtocol.Capabilities {
  const given = new Set<string>();
  const lacking = new Set<string>();
  for (const [command, flags] of Object.entries(AGENT_REQUESTS) as Array<[string, readonly Flag[]]>) {
    for (const flag of flags) (commands.includes(command) ? given : lacking).add(flag);
  }
  const flags: DebugProtocol.Capabilities = {};
  for (const flag of lacking) if (!given.has(flag)) (flags as Record<string, boolean>)[flag] = false;
  return flags;
}

/** The capability flags the agent's requests give (true each). */
export function agentCapabilities(): DebugProtocol.Capabilities {
  const flags: DebugProtocol.Capabilities = {};
  for (const list of Object.values(AGENT_REQUESTS) as ReadonlyArray<readonly Flag[]>) {
    for (const flag of list) (flags as Record<string, boolean>)[flag] = true;
  }
  return flags;
}
