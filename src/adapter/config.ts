// launch/attach arguments: debugpy's launch.json names, checked for type with clear errors.
// Unknown attributes are ignored so existing configurations carry over.

export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

export interface LaunchConfig {
  program?: string;
  module?: string;
  code?: string;
  args: string[];
  cwd?: string;
  env: Record<string, string | null>;
  python: string;
  pythonArgs: string[];
  console: "internalConsole" | "integratedTerminal" | "externalTerminal";
  stopOnEntry: boolean;
  justMyCode: boolean;
  redirectOutput: boolean;
  showReturnValue: boolean;
  subProcess: boolean;
  backend?: string;
  logToFile: boolean;
  /** step back: what to record (true: the program's own code), and the bound per thread in bytes */
  record?: true | string[];
  recordMemory?: number;
}

export interface AttachConfig {
  connect?: { host: string; port: number };
  listen?: { host: string; port: number };
  /** attach by process id: a process that opted in (pdap.enable_attach() / PDAP_ATTACH=1) */
  processId?: number;
  pathMappings: PathMapping[];
  justMyCode: boolean;
  stopOnEntry: boolean;
  token?: string;
  redirectOutput: boolean;
  showReturnValue: boolean;
  /** seconds to wait for the agent: its answer (connect) or its call (listen) */
  timeout?: number;
  logToFile: boolean;
  record?: true | string[];
  recordMemory?: number;
}

export class ConfigError extends Error {}

type Args = Record<string, unknown>;

function optionalString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ConfigError(`'${name}' must be a string, got ${describe(value)}`);
  return value;
}

function bool(args: Args, name: string, fallback: boolean): boolean {
  const value = args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean")
    throw new ConfigError(`'${name}' must be true or false, got ${describe(value)}`);
  return value;
}

function stringList(args: Args, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new ConfigError(`'${name}' must be a list of strings`);
  }
  return value;
}

/** `record`: true (the program's own code) or a list of files, modules and module:function names. */
function recordScope(args: Args, name: string): true | string[] | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return true;
  if (Array.isArray(value) && value.every((item) => typeof item === "string" && item)) return value;
  throw new ConfigError(`'${name}' must be true or a list of files, modules or module:function names`);
}

function positiveInteger(args: Args, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new ConfigError(`'${name}' must be a positive whole number, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`;
}

export function parseEndpoint(value: unknown, name: string): { host: string; port: number } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return { host: "127.0.0.1", port: checkPort(value, name) };
  if (typeof value === "string") return parseHostPort(value, name);
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`'${name}' must be {host, port}, "HOST:PORT" or a port number`);
  }
  const { host, port } = value as { host?: unknown; port?: unknown };
  if (host !== undefined && typeof host !== "string")
    throw new ConfigError(`'${name}.host' must be a string`);
  const portNumber = typeof port === "string" && port.trim() !== "" ? Number(port) : port;
  if (typeof portNumber !== "number" || Number.isNaN(portNumber))
    throw new ConfigError(`'${name}.port' must be a number, got ${JSON.stringify(port) ?? "nothing"}`);
  return { host: host || "127.0.0.1", port: checkPort(portNumber, name) };
}

export function parseHostPort(text: string, name = "address"): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  const host = colon >= 0 ? text.slice(0, colon).replace(/^\[|\]$/g, "") : "";
  const port = Number(colon >= 0 ? text.slice(colon + 1) : text);
  if (!Number.isInteger(port))
    throw new ConfigError(`'${name}': bad address ${JSON.stringify(text)}, expected [HOST:]PORT`);
  return { host: host || "127.0.0.1", port: checkPort(port, name) };
}

function checkPort(port: number, name: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`'${name}': bad port ${port}`);
  return port;
}

function env(args: Args): Record<string, string | null> {
  const value = args.env;
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError("'env' must be an object");
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item !== "string")
      throw new ConfigError(`'env.${key}' must be a string or null`);
  }
  return value as Record<string, string | null>;
}

export function parseLaunch(args: Args): LaunchConfig {
  const config: LaunchConfig = {
    program: optionalString(args, "program"),
    module: optionalString(args, "module"),
    code: optionalString(args, "code"),
    args: stringList(args, "args"),
    cwd: optionalString(args, "cwd"),
    env: env(args),
    python: pythonPath(args),
    pythonArgs: stringList(args, "pythonArgs"),
    console: consoleKind(args),
    stopOnEntry: bool(args, "stopOnEntry", false),
    justMyCode: bool(args, "justMyCode", true),
    redirectOutput: bool(args, "redirectOutput", true),
    showReturnValue: bool(args, "showReturnValue", true),
    subProcess: bool(args, "subProcess", true),
    backend: optionalString(args, "backend"),
    logToFile: bool(args, "logToFile", false),
    record: recordScope(args, "record"),
    recordMemory: positiveInteger(args, "recordMemory"),
  };
  const targets = [config.program, config.module, config.code].filter((t) => t !== undefined);
  if (targets.length !== 1) {
    throw new ConfigError("launch needs exactly one of 'program', 'module' or 'code'");
  }
  return config;
}

function pythonPath(args: Args): string {
  const value = args.python ?? args.pythonPath;
  if (value === undefined || value === null) return "python3";
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value[0];
  throw new ConfigError("'python' must be the path of a Python interpreter");
}

function consoleKind(args: Args): LaunchConfig["console"] {
  const value = optionalString(args, "console") ?? "internalConsole";
  if (value !== "internalConsole" && value !== "integratedTerminal" && value !== "externalTerminal") {
    throw new ConfigError(
      `'console' must be internalConsole, integratedTerminal or externalTerminal, got ${value}`,
    );
  }
  return value;
}

export function parseAttach(args: Args): AttachConfig {
  const connect = parseEndpoint(
    args.connect ?? (args.port !== undefined ? { host: args.host, port: args.port } : undefined),
    "connect",
  );
  const listen = parseEndpoint(args.listen, "listen");
  const processId = parseProcessId(args.processId);
  if ([connect, listen, processId].filter((way) => way !== undefined).length !== 1)
    throw new ConfigError("attach needs exactly one of 'connect', 'listen' or 'processId'");
  if (connect && connect.port === 0) throw new ConfigError("'connect.port' must be the agent's port, not 0");
  const timeout = args.timeout;
  if (timeout !== undefined && timeout !== null && (typeof timeout !== "number" || !(timeout > 0))) {
    throw new ConfigError(`'timeout' must be a positive number of seconds, got ${JSON.stringify(timeout)}`);
  }
  const mappings = args.pathMappings ?? [];
  if (!Array.isArray(mappings))
    throw new ConfigError("'pathMappings' must be a list of {localRoot, remoteRoot}");
  const pathMappings = mappings.map((m, i) => {
    if (
      typeof m !== "object" ||
      m === null ||
      typeof m.localRoot !== "string" ||
      typeof m.remoteRoot !== "string"
    ) {
      throw new ConfigError(`'pathMappings[${i}]' must be {localRoot: string, remoteRoot: string}`);
    }
    return { localRoot: m.localRoot, remoteRoot: m.remoteRoot };
  });
  return {
    connect,
    listen,
    processId,
    pathMappings,
    justMyCode: bool(args, "justMyCode", true),
    stopOnEntry: bool(args, "stopOnEntry", false),
    token: optionalString(args, "token"),
    redirectOutput: bool(args, "redirectOutput", true),
    showReturnValue: bool(args, "showReturnValue", true),
    timeout: typeof timeout === "number" ? timeout : undefined,
    logToFile: bool(args, "logToFile", false),
    record: recordScope(args, "record"),
    recordMemory: positiveInteger(args, "recordMemory"),
  };
}

/** A process id as a number, or as the string VS Code's ${command:pickProcess} gives. */
function parseProcessId(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const pid = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0)
    throw new ConfigError(`'processId' must be a process id, got ${JSON.stringify(value)}`);
  return pid;
}

/**
 * Every attribute parseLaunch and parseAttach read (aliases included), for the editor schemas:
 * test/vscode-manifest.test.ts checks these against the code above and vscode/package.json.
 */
export const LAUNCH_ATTRIBUTES = [
  "program",
  "module",
  "code",
  "args",
  "cwd",
  "env",
  "python",
  "pythonPath",
  "pythonArgs",
  "console",
  "stopOnEntry",
  "justMyCode",
  "redirectOutput",
  "showReturnValue",
  "subProcess",
  "backend",
  "logToFile",
  "record",
  "recordMemory",
] as const;
export const ATTACH_ATTRIBUTES = [
  "connect",
  "host",
  "port",
  "processId",
  "listen",
  "timeout",
  "pathMappings",
  "justMyCode",
  "stopOnEntry",
  "token",
  "redirectOutput",
  "showReturnValue",
  "logToFile",
  "record",
  "recordMemory",
] as const;
