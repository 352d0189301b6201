// `pdap run` and `pdap attach`: start a DAP session (pdap's adapter, or another one with
// --adapter), let the adapter start the program on this terminal, and hand over to the command loop.
import { existsSync } from "node:fs";
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parseHostPort } from "../adapter/config.js";
import { adapterErrorTail, spawnAdapterCommand } from "../client/adapterProcess.js";
import { DapClient } from "../client/client.js";
import { DapConnection } from "../dap/connection.js";
import { BREAK_COMMANDS, setBreakpoint, setExceptionFilters } from "./breakCommands.js";
import { parseBreakSpec } from "./commands.js";
import { CONTROL_COMMANDS } from "./controlCommands.js";
import { messageOf, TerminalDebugger } from "./debugger.js";
import { EXIT_FAILED, EXIT_INTERRUPTED } from "./exitCodes.js";
import { INSPECT_COMMANDS } from "./inspectCommands.js";
import { PROCESS_COMMANDS } from "./processes.js";
import { TerminalProgram } from "./program.js";
import { ProgramKeyboard } from "./programKeyboard.js";
import { RECORD_COMMANDS } from "./recordCommands.js";
import { historyFile, Prompt } from "./repl.js";
import { Screen, wantsColour } from "./terminal.js";

/** Options both commands share. */
export interface SessionFlags {
  /** `-b LOCATION`: breakpoints set before the program starts */
  break?: string[];
  /** `-c COMMAND`: commands run at the first stop, as if typed (pdb's -c) */
  command?: string[];
  /** another DAP adapter on stdio, e.g. "python3.11 -m debugpy.adapter" */
  adapter?: string;
  /** false with --no-just-my-code: stop and step in the standard library and site-packages too */
  justMyCode: boolean;
  /** --record: record the program's own code for step back */
  record?: boolean;
}

export interface RunFlags extends SessionFlags {
  module?: boolean;
  python?: string;
  stopOnEntry: boolean;
  cwd?: string;
  backend?: string;
}

export interface AttachFlags extends SessionFlags {
  pathMap?: string[];
  /** attach by process id (a process that opted in: pdap.enable_attach() / PDAP_ATTACH=1) */
  pid?: string;
  token?: string;
}

/** A mistake in the command line: reported as one line, exit status 1 (EXIT_USAGE). */
export class CommandLineError extends Error {}

export async function runProgram(target: string, programArgs: string[], flags: RunFlags): Promise<number> {
  const cwd = path.resolve(flags.cwd ?? process.cwd());
  const programFile = flags.module ? undefined : path.resolve(cwd, target);
  if (programFile && !existsSync(programFile)) throw new CommandLineError(`no such file: ${target}`);
  const launch: Record<string, unknown> = {
    ...(programFile ? { program: programFile } : { module: target }),
    args: programArgs,
    cwd,
    console: "integratedTerminal",
    stopOnEntry: flags.stopOnEntry,
    justMyCode: flags.justMyCode,
    showReturnValue: true,
  };
  if (flags.record) launch.record = true;
  if (flags.python) launch.python = flags.python;
  if (flags.backend) launch.backend = flags.backend;
  return debugSession("launch", launch, flags, { programFile, stopOnEntry: flags.stopOnEntry });
}

export async function attachProgram(address: string | undefined, flags: AttachFlags): Promise<number> {
  const attach: Record<string, unknown> = {
    ...attachTarget(address, flags.pid),
    pathMappings: (flags.pathMap ?? []).map(parsePathMapping),
    justMyCode: flags.justMyCode,
    showReturnValue: true,
  };
  // PDAP_TOKEN as the agent takes it: not visible in ps, unlike --token
  const token = flags.token || process.env.PDAP_TOKEN;
  if (token) attach.token = token;
  if (flags.record) attach.record = true;
  return debugSession("attach", attach, flags, { stopOnEntry: false });
}

/** Where to attach: an address ([HOST:]PORT) or --pid PID, exactly one. */
function attachTarget(address: string | undefined, pid: string | undefined): Record<string, unknown> {
  if ((address === undefined) === (pid === undefined))
    throw new CommandLineError("give the program's address ([HOST:]PORT) or --pid PID, not both");
  if (pid !== undefined) {
    if (!/^\d+$/.test(pid)) throw new CommandLineError(`--pid ${pid}: not a process id`);
    return { processId: Number(pid) };
  }
  try {
    return { connect: parseHostPort(address as string, "address") };
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
}

function parsePathMapping(text: string): { localRoot: string; remoteRoot: string } {
  const equals = text.indexOf("=");
  if (equals <= 0 || equals === text.length - 1) {
    throw new CommandLineError(`--path-map ${text}: expected LOCAL=REMOTE`);
  }
  return { localRoot: path.resolve(text.slice(0, equals)), remoteRoot: text.slice(equals + 1) };
}

/** Splits an --adapter command line into words; quotes group words as a shell would. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3]);
  return words;
}

/**
 * The session's adapter: pdap's own in this process (the terminal debugger is its only client, and
 * a second Node.js would double the start-up), or the --adapter command as a child process.
 */
async function startAdapter(command: string | undefined): Promise<DapClient> {
  if (!command) {
    const { serveInProcess } = await import("../adapter/inProcess.js");
    const { fromAdapter, toAdapter } = serveInProcess();
    return new DapClient(new DapConnection(fromAdapter, toAdapter, "adapter"));
  }
  const [program, ...args] = splitCommandLine(command);
  if (!program) throw new CommandLineError("--adapter needs a command");
  return spawnAdapterCommand(program, args, { detached: true });
}

/**
 * The adapter for a child process's session: pdap's own adapter started anew (the configuration
 * says where the child's agent listens). Another adapter's child configuration that names an
 * address (debugpy's: its adapter takes the child's session there) is connected to, as VS Code's
 * Python extension does; else the --adapter command is started again.
 */
async function childAdapter(
  command: string | undefined,
  configuration: Record<string, unknown>,
): Promise<DapClient> {
  const connect = configuration.connect as { host?: unknown; port?: unknown } | undefined;
  if (command && typeof connect?.port === "number") {
    const host = typeof connect.host === "string" ? connect.host : "127.0.0.1";
    return DapClient.connect(host, connect.port);
  }
  return startAdapter(command);
}

interface SessionPlan {
  programFile?: string;
  stopOnEntry: boolean;
}

async function debugSession(
  kind: "launch" | "attach",
  args: Record<string, unknown>,
  flags: SessionFlags,
  plan: SessionPlan,
): Promise<number> {
  const screen = new Screen(process.stdout, wantsColour(process.stdout));
  // line editing needs a terminal both ways; `pdap run app.py | tee log` reads plain lines
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const client = await startAdapter(flags.adapter);
  let onInterrupt = () => {};
  const stdin = programStdin(kind === "launch" && interactive, screen, () => onInterrupt());
  const program = new TerminalProgram(stdin);
  client.onRunInTerminal((request) => program.start(request));
  tieProgramToSession(program);
  const prompt = new Prompt(screen, { interactive, historyPath: historyFile() });
  const dbg = new TerminalDebugger(client, screen, prompt, {
    mode: kind,
    programFile: plan.programFile,
    endProgram: () => program.end(),
    settleProgram: () => program.settle(),
    startChildAdapter: (configuration) => childAdapter(flags.adapter, configuration),
    onRunning: (running) => {
      if (typeof stdin === "string") return;
      if (running) stdin.keyboard.connect();
      else stdin.keyboard.disconnect();
    },
  });
  dbg.register({
    ...CONTROL_COMMANDS,
    ...BREAK_COMMANDS,
    ...INSPECT_COMMANDS,
    ...PROCESS_COMMANDS,
    ...RECORD_COMMANDS,
  });
  prompt.completer = (line) => dbg.complete(line);
  const atFirstStop: string[] = [];
  try {
    await client.begin(kind, args, {
      supportsRunInTerminalRequest: true,
      configure: () => configure(dbg, flags, plan, atFirstStop),
    });
  } catch (error) {
    screen.error(`cannot ${kind}: ${withAdapterStderr(messageOf(error), client)}`);
    await client.disconnect(kind === "launch");
    await program.end();
    return EXIT_FAILED;
  }
  if (kind === "attach") announceAttach(dbg, args);
  prompt.script([...atFirstStop, ...(flags.command ?? [])]);
  const interrupts = interruptPauses(dbg);
  onInterrupt = interrupts.interrupt;
  // an attached program runs with the prompt open: Ctrl-C there pauses it
  prompt.onInterrupt = () => {
    if (!dbg.running) return false;
    interrupts.interrupt();
    return true;
  };
  try {
    return await dbg.run();
  } finally {
    interrupts.stop();
    if (typeof stdin !== "string") stdin.keyboard.close();
  }
}

/**
 * The program's stdin: on a terminal, a pty of its own that gets the keys while it runs; where
 * no pty can be had, this terminal, shared (said once); from a pipe, nothing.
 */
function programStdin(
  interactive: boolean,
  screen: Screen,
  onInterrupt: () => void,
): ConstructorParameters<typeof TerminalProgram>[0] {
  if (!interactive) return "none";
  // the program writes only while it runs (all-stop); a prompt that is open gets it above itself
  const show = (chunk: Buffer) =>
    screen.printAbovePrompt ? screen.print(chunk.toString()) : screen.out.write(chunk);
  const opened = ProgramKeyboard.open(process.stdout, onInterrupt, show);
  if ("keyboard" in opened) return opened;
  screen.error(`no pseudo-terminal for the program (${opened.reason}): it shares this terminal's keyboard`);
  return "terminal";
}

/** The program the CLI started goes when the CLI goes: at exit, a closed terminal, a kill. */
function tieProgramToSession(program: TerminalProgram): void {
  process.on("exit", () => program.killNow());
  process.on("SIGHUP", () => process.exit(129));
  process.on("SIGTERM", () => process.exit(143));
}

/** A failed start's message, with what the adapter said on stderr when that explains more. */
function withAdapterStderr(message: string, client: DapClient): string {
  const tail = adapterErrorTail(client);
  return tail && !message.includes(tail) ? `${message} (${tail})` : message;
}

/** Before configurationDone: -b breakpoints and the adapter's default exception stops. */
async function configure(
  dbg: TerminalDebugger,
  flags: SessionFlags,
  plan: SessionPlan,
  atFirstStop: string[],
): Promise<void> {
  for (const text of flags.break ?? []) {
    try {
      const spec = parseBreakSpec(text);
      if (
        spec.location.kind === "function" &&
        !dbg.capabilities.supportsFunctionBreakpoints &&
        plan.stopOnEntry
      ) {
        atFirstStop.push(`break ${text}`); // resolved by evaluation once there is a frame
        continue;
      }
      await setBreakpoint(dbg, spec, false);
    } catch (error) {
      dbg.screen.error(`-b ${text}: ${messageOf(error)}`);
    }
  }
  const filters: DebugProtocol.ExceptionBreakpointsFilter[] =
    dbg.capabilities.exceptionBreakpointFilters ?? [];
  if (filters.length > 0) {
    await setExceptionFilters(
      dbg,
      filters.filter((filter) => filter.default).map((filter) => filter.filter),
    );
  }
}

function announceAttach(dbg: TerminalDebugger, args: Record<string, unknown>): void {
  const connect = args.connect as { host: string; port: number } | undefined;
  const pid = dbg.client.events.find((event) => event.event === "process")?.body?.systemProcessId;
  const where = connect
    ? `${pid ? `process ${pid} at ` : ""}${connect.host}:${connect.port}`
    : `process ${pid}`;
  dbg.screen.info(`Attached to ${where}. Ctrl-C pauses the program; q detaches.`);
}

/**
 * Ctrl-C while the program runs (the program is in a session of its own, so only the debugger
 * gets it): the first asks the program to pause, as pdb breaks in; a program blocked outside
 * Python never reaches a line where it could, so the second interrupts it as Python would
 * (KeyboardInterrupt; an attached program is detached from instead), and the third quits.
 */
/** A line while the program runs: above the prompt when one is open, else on a line of its own. */
function say(dbg: TerminalDebugger, text: string): void {
  if (dbg.screen.printAbovePrompt) dbg.screen.info(text);
  else dbg.screen.out.write(`\n${text}\n`);
}

function interruptPauses(dbg: TerminalDebugger): { interrupt: () => void; stop: () => void } {
  let presses = 0;
  const onInterrupt = () => {
    if (!dbg.running) {
      if (!dbg.prompt.interactive) void dbg.quit().then(() => process.exit(EXIT_INTERRUPTED));
      return;
    }
    presses++;
    if (presses === 1) {
      say(dbg, "Pausing the program (Ctrl-C again interrupts it)...");
      dbg.pause().catch((error) => dbg.screen.error(`cannot pause: ${messageOf(error)}`));
    } else if (presses === 2 && dbg.options.mode === "launch" && dbg.interruptProgram()) {
      say(dbg, "Interrupted the program (Ctrl-C again quits).");
      dbg.options.onRunning?.(true); // it runs on (it may catch KeyboardInterrupt): its keys again
    } else {
      void dbg.quit().then(() => process.exit(EXIT_INTERRUPTED));
    }
  };
  process.on("SIGINT", onInterrupt);
  dbg.onStopped(() => {
    presses = 0;
  });
  return { interrupt: onInterrupt, stop: () => process.off("SIGINT", onInterrupt) };
}
