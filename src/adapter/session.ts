// One debug session as a DAP client sees it: the adapter owns initialize, launch/attach,
// configurationDone ordering and disconnect; everything else is relayed to the agent, with paths
// mapped between the client's files and the debuggee's.

import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { type DapConnection, DapError } from "../dap/connection.js";
import { logDirectory } from "../dap/faultLog.js";
import {
  type AgentCommand,
  type AgentOptions,
  capabilitiesLacking,
  isAgentCommand,
} from "../protocol/agent.js";
import { isBreakpointRequest } from "../protocol/breakpoints.js";
import { ErrorId } from "../protocol/errors.js";
import type { BodyOf } from "../protocol/requests.js";
import {
  type AgentLink,
  AgentListener,
  connectToAgent,
  generateToken,
  isLoopbackHost,
  sharedListener,
} from "./agentLink.js";
import { reachProcess } from "./attachByPid.js";
import { BreakpointMemory } from "./breakpointMemory.js";
import { CAPABILITIES } from "./capabilities.js";
import { type ChildAnnouncement, ChildAnnouncements, childConfiguration } from "./children.js";
import { type AttachConfig, ConfigError, type LaunchConfig, parseAttach, parseLaunch } from "./config.js";
import { AttachedDebuggee, type Debuggee, LaunchedDebuggee, TerminalDebuggee } from "./debuggee.js";
import { agentCommand, agentEnvironmentDelta, LaunchedProgram } from "./launcher.js";
import { PathMapper } from "./pathMapping.js";
import { initializeFirst } from "./requestGates.js";
import { SourceView } from "./sourceView.js";
import { earlyExitError, watchProcessExit } from "./startFailure.js";
import { markUnloaded } from "./unloadedFiles.js";

const AGENT_CONNECT_TIMEOUT_MS = 20_000;
/** attach: default seconds to wait for an agent's answer (connect) or for one to dial in (listen) */
const ATTACH_CONNECT_TIMEOUT_S = 10;
const ATTACH_LISTEN_TIMEOUT_S = 60;
/** Said once per session when the program runs on no terminal: DAP has no stdin to give it. */
function emptyStdinNote(kind: LaunchConfig["console"]): string {
  const where =
    kind === "internalConsole" ? "console internalConsole" : "the client cannot run it in a terminal";
  return (
    `pdap: the program's stdin is empty here (${where}): input() gets end of file. ` +
    "To type input, launch with console integratedTerminal.\n"
  );
}

type Args = Record<string, unknown>;

/**
 * Requests whose failure is part of normal use (an expression that does not evaluate, a frame that
 * is gone after a resume): the client shows the message where the request was made, VS Code
 * without an error pop-up (showUser: false).
 */
const QUIET_FAILURES = new Set([
  "evaluate",
  "completions",
  "breakpointLocations",
  "source",
  "stackTrace",
  "scopes",
  "variables",
  "exceptionInfo",
  "stepInTargets",
  "gotoTargets",
  "loadedSources",
  "dataBreakpointInfo",
  "threads",
]);

/** What a client that asks while no program runs (before launch, after the end) is answered. */
const ANSWERS_WITHOUT_PROGRAM: Partial<Record<AgentCommand, object>> = {
  threads: { threads: [] },
  breakpointLocations: { breakpoints: [] },
};

export class DebugSession {
  private agent: AgentLink | undefined;
  /** the program: launched here, in the client's terminal, or attached to (see debuggee.ts) */
  private debuggee: Debuggee | undefined;
  private emptyStdinNoted = false;
  private mode: "launch" | "attach" | undefined;
  /** the client's view of the debuggee's files: path mapping, remote-only sources */
  private sources = new SourceView();
  /** aborted when the client disconnects or goes: an attach still waiting for an agent gives up */
  private readonly ending = new AbortController();
  private children: ChildAnnouncements | undefined;
  private terminatedSent = false;
  private exitedSent = false;
  private clientCapabilities: DebugProtocol.InitializeRequestArguments = { adapterID: "pdap" };
  /** what restart needs: the configuration the program was started with, and the breakpoints */
  private config: { launch: LaunchConfig } | { attach: AttachConfig } | undefined;
  private readonly breakpoints = new BreakpointMemory();
  /** set while restart starts the new program: it gets the breakpoints from here, not the client */
  private replaying = false;

  constructor(private readonly client: DapConnection) {
    client.addRequestGate(initializeFirst());
    client.onRequest("initialize", (args) => {
      this.clientCapabilities = args;
      return CAPABILITIES;
    });
    client.onRequest("launch", (args) => this.launch(parseArgs("launch", args, parseLaunch)));
    client.onRequest("attach", (args) => this.attach(parseArgs("attach", args, parseAttach)));
    client.onRequest("disconnect", (args) => this.disconnect(args));
    client.onRequest("terminate", () => this.terminate());
    client.onRequest("restart", (args) => this.restart(args));
    client.onRequest("setBreakpoints", (args) => this.setBreakpoints(args));
    client.onRequest("source", (args) => this.source(args));
    client.onAnyRequest((request) => this.forward(request));
    client.on("close", () => this.clientGone());
  }

  // ----- launch and attach ------------------------------------------------------------------
  private async launch(config: LaunchConfig): Promise<undefined> {
    this.beginSession("launch");
    this.config = { launch: config };
    const token = randomBytes(24).toString("base64url");
    const listener = await AgentListener.listen("127.0.0.1", 0, token);
    try {
      if (config.console !== "internalConsole" && this.clientCapabilities.supportsRunInTerminalRequest) {
        await this.launchInTerminal(config, listener, token);
        return undefined;
      }
      const program = LaunchedProgram.start(config, listener.port, token);
      this.debuggee = new LaunchedDebuggee(program);
      this.noteEmptyStdin(config);
      const stderrTail: string[] = [];
      this.pipeOutput(program, stderrTail);
      let connected = false;
      const spawnFailed = new Promise<never>((_, reject) => {
        program.once("error", (message) =>
          reject(
            new DapError(`cannot start Python '${config.python}': ${message}`, { id: ErrorId.startFailed }),
          ),
        );
        program.once("exit", (code: number) => {
          if (connected) return; // the end of a program that started: nothing to explain (no probe)
          const how = code > 128 ? `was killed by signal ${code - 128}` : `exited (code ${code})`;
          earlyExitError(config.python, how, stderrTail.join("").trim().slice(-2000)).then(reject);
        });
      });
      const agent = await withTimeout(
        Promise.race([listener.nextAgent(), spawnFailed]),
        AGENT_CONNECT_TIMEOUT_MS,
        "the Python process did not connect to the adapter",
      );
      connected = true;
      await this.adoptAgent(agent, await this.launchOptions(config));
    } catch (error) {
      await this.launchedProgram()?.kill();
      throw error;
    } finally {
      listener.close();
    }
    return undefined;
  }

  /** console integratedTerminal/externalTerminal: the client starts the process in its terminal. */
  private async launchInTerminal(
    config: LaunchConfig,
    listener: AgentListener,
    token: string,
  ): Promise<void> {
    const pythonPath = config.env.PYTHONPATH ?? process.env.PYTHONPATH;
    const env: Record<string, string | null> = { ...config.env, ...agentEnvironmentDelta(token, pythonPath) };
    const response = await this.client.request("runInTerminal", {
      kind: config.console === "externalTerminal" ? "external" : "integrated",
      title: "pdap",
      cwd: config.cwd ?? process.cwd(),
      args: [config.python, ...agentCommand(config, listener.port)],
      env,
    });
    // a program that dies at start (its error is on the terminal) fails the launch at once
    const pid = response.body?.processId;
    const watch = pid ? watchProcessExit(pid) : undefined;
    const gone = watch?.gone.catch(() =>
      earlyExitError(config.python, "exited", "its error is in the terminal").then((error) => {
        throw error;
      }),
    );
    const agent = await withTimeout(
      Promise.race([listener.nextAgent(), ...(gone ? [gone] : [])]),
      AGENT_CONNECT_TIMEOUT_MS,
      "the program started in the terminal did not connect to the adapter",
    ).finally(() => watch?.stop());
    this.debuggee = new TerminalDebuggee(response.body?.processId ?? agent.info.pid);
    await this.adoptAgent(agent, await this.launchOptions(config));
  }

  /** The agent's options for a launch; with subProcess, where its children announce themselves. */
  private async launchOptions(config: LaunchConfig): Promise<AgentOptions> {
    const options: AgentOptions = {
      justMyCode: config.justMyCode,
      stopOnEntry: config.stopOnEntry,
      showReturnValue: config.showReturnValue,
      logDirectory: this.logDirectory(config.logToFile),
      record: config.record,
      recordMemory: config.recordMemory,
    };
    if (!config.subProcess) return options;
    this.children = await ChildAnnouncements.listen(
      (child) => this.startChildSession(child, config),
      (note) => this.say(`pdap: ${note.text}\n`),
    );
    return { ...options, subProcess: this.children.address };
  }

  /**
   * A child Python announced itself: ask the client for a session attached to it. A child that
   * runs on undebugged is said so in this session's console (never in the program's streams).
   */
  private async startChildSession(child: ChildAnnouncement, config: LaunchConfig): Promise<void> {
    try {
      if (!this.clientCapabilities.supportsStartDebuggingRequest) {
        throw new DapError("the client cannot start sessions for child processes (no startDebugging)", {
          id: ErrorId.refused,
        });
      }
      if (this.client.isClosed || this.ending.signal.aborted)
        throw new DapError("the parent session has ended", { id: ErrorId.noProgram });
      await this.client.request(
        "startDebugging",
        childConfiguration(child, { justMyCode: config.justMyCode }),
      );
    } catch (error) {
      this.say(`pdap: child ${child.pid} runs undebugged: ${(error as Error).message}\n`);
      throw error;
    }
  }

  private async attach(config: AttachConfig): Promise<undefined> {
    this.beginSession("attach");
    this.config = { attach: config };
    this.sources = new SourceView(new PathMapper(config.pathMappings));
    const agent = config.connect
      ? await connectToAgent(
          config.connect.host,
          config.connect.port,
          config.token,
          (config.timeout ?? ATTACH_CONNECT_TIMEOUT_S) * 1000,
        )
      : config.processId !== undefined
        ? await this.agentOfProcess(config.processId, config.timeout)
        : await this.waitForAgent(config);
    if (this.client.isClosed || this.ending.signal.aborted) {
      agent.close(); // the client left while we waited: the program runs on untouched
      return undefined;
    }
    this.debuggee = new AttachedDebuggee();
    await this.adoptAgent(agent, {
      justMyCode: config.justMyCode,
      stopOnEntry: config.stopOnEntry,
      showReturnValue: config.showReturnValue,
      // launch gets output from the process's pipes; an attached program's output is teed by the agent
      teeOutput: config.redirectOutput,
      remoteRoots: this.sources.mapper.remoteRoots,
      logDirectory: this.logDirectory(config.logToFile),
      record: config.record,
      recordMemory: config.recordMemory,
    });
    return undefined;
  }

  /** attach with `processId`: a process that opted in is made to listen (attachByPid.ts), then connected to. */
  private async agentOfProcess(pid: number, timeout: number | undefined): Promise<AgentLink> {
    const timeoutMs = (timeout ?? ATTACH_CONNECT_TIMEOUT_S) * 1000;
    const endpoint = await reachProcess(pid, {
      timeoutMs,
      say: (text) => this.say(text),
      signal: this.ending.signal,
    }).catch((error: Error) => {
      throw new DapError(`attach to process ${pid}: ${error.message}`, { id: ErrorId.startFailed });
    });
    return connectToAgent(endpoint.host, endpoint.port, endpoint.token, timeoutMs);
  }

  /** attach with `listen`: wait for an agent started with `python -m pdap --connect HOST:PORT`. */
  private async waitForAgent(config: AttachConfig): Promise<AgentLink> {
    const { host, port } = config.listen as { host: string; port: number };
    const timeoutMs = (config.timeout ?? ATTACH_LISTEN_TIMEOUT_S) * 1000;
    const shared = port !== 0 ? sharedListener(port) : undefined;
    if (shared) {
      // `pdap adapter --listen-for-agents PORT`: agents may already be waiting there
      this.say(`pdap: waiting for a pdap agent on ${shared.host}:${shared.port}\n`);
      return shared.nextAgent(
        timeoutMs,
        `no pdap agent connected to ${shared.host}:${shared.port}`,
        this.ending.signal,
      );
    }
    let token = config.token;
    const generated = !token && !(await isLoopbackHost(host));
    if (generated) token = generateToken();
    const listener = await AgentListener.listen(host, port, token);
    try {
      const address = `${host}:${listener.port}`;
      this.say(
        generated
          ? `pdap: waiting for a pdap agent on ${address}, a non-loopback address: start the program with\n` +
              `  PDAP_TOKEN=${token} python -m pdap --connect ${address} PROGRAM\n`
          : `pdap: waiting for a pdap agent on ${address}: start the program with\n` +
              `  python -m pdap --connect ${address} PROGRAM\n`,
      );
      return await listener.nextAgent(timeoutMs, `no pdap agent connected to ${address}`, this.ending.signal);
    } finally {
      listener.close();
    }
  }

  /** logToFile: where the agent writes pdap-agent-PID.log (PDAP_LOG_DIR, else a pdap-logs temp folder). */
  private logDirectory(wanted: boolean): string | undefined {
    if (!wanted) return undefined;
    const directory = logDirectory();
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      this.say(`pdap: logToFile: cannot create ${directory}: ${(error as Error).message}\n`);
      return undefined;
    }
    this.say(`pdap: the agent logs to ${path.join(directory, "pdap-agent-PID.log")}\n`);
    return directory;
  }

  private say(output: string): void {
    this.client.sendEvent("output", { category: "console", output });
  }

  /** The agent's real form of each remote root (symlinks resolved) maps to the same local root. */
  private learnRemoteRoots(body: unknown): void {
    const roots = (body as { remoteRoots?: Record<string, unknown> } | undefined)?.remoteRoots;
    if (!roots || typeof roots !== "object") return;
    for (const [root, real] of Object.entries(roots)) {
      if (typeof real === "string") this.sources.mapper.addRemoteAlias(root, real);
    }
  }

  private beginSession(mode: "launch" | "attach"): void {
    if (this.mode) throw new DapError(`this session already has a ${this.mode}`, { id: ErrorId.refused });
    this.mode = mode;
  }

  private async adoptAgent(agent: AgentLink, options: AgentOptions): Promise<void> {
    this.agent = agent;
    // after a restart, the old program's last events (its exit, its threads ending) are not news
    agent.connection.on("event", (event) => {
      if (this.agent === agent) this.relayEvent(event);
    });
    agent.connection.on("close", () => {
      if (this.agent === agent) this.agentGone();
    });
    const configured = await agent.request("configure", options);
    this.learnRemoteRoots(configured.body);
    // announced at initialize from the declaration: an agent that answers less says so here
    const lacking = capabilitiesLacking(agent.info.commands);
    if (Object.keys(lacking).length > 0) this.client.sendEvent("capabilities", { capabilities: lacking });
    this.client.sendEvent("process", {
      name: agent.info.argv?.[0] ?? "python",
      systemProcessId: agent.info.pid,
      isLocalProcess: this.mode === "launch",
      startMethod: this.mode,
    });
    if (this.replaying) await this.replayBreakpoints(agent);
    else this.client.sendEvent("initialized");
  }

  private noteEmptyStdin(config: LaunchConfig): void {
    if (this.emptyStdinNoted) return;
    this.emptyStdinNoted = true;
    this.say(emptyStdinNote(config.console));
  }

  /**
   * The program's output as output events, and its end as exited + terminated once it exits
   * (not when its pipes close: a grandchild may hold them), after everything it wrote before.
   */
  private pipeOutput(program: LaunchedProgram, stderrTail: string[]): void {
    const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
    const send = (category: "stdout" | "stderr", output: string) => {
      if (category === "stderr") {
        stderrTail.push(output);
        if (stderrTail.length > 20) stderrTail.shift();
      }
      if (output) this.client.sendEvent("output", { category, output });
    };
    program.on("output", (category, chunk) => send(category, decoders[category].write(chunk)));
    program.once("exit", (code) => {
      if (this.launchedProgram() !== program) return; // a program ended by restart
      send("stdout", decoders.stdout.end());
      send("stderr", decoders.stderr.end());
      this.sendExited(code);
      this.sendTerminated();
    });
    program.once("error", (message) => {
      if (this.launchedProgram() !== program || !this.agent) return; // before the agent came: launch says why
      this.say(`pdap: ${message}\n`);
      this.sendTerminated();
    });
  }

  // ----- relaying ---------------------------------------------------------------------------
  /** The program's agent, for a request the agent answers; a clear refusal when there is none. */
  private requireAgent(command: AgentCommand, showUser = true): AgentLink {
    if (!this.agent || this.agent.connection.isClosed) {
      throw new DapError(`'${command}' needs a running program: send launch or attach first`, {
        id: ErrorId.noProgram,
        command,
        showUser,
      });
    }
    if (!this.agent.handles(command)) {
      throw new DapError(`the pdap agent of this program does not answer '${command}'`, {
        id: ErrorId.unknownRequest,
        command,
      });
    }
    return this.agent;
  }

  /** Any request without an adapter handler: relayed to the agent if it is one the agent answers. */
  private async forward(request: DebugProtocol.Request): Promise<object | undefined> {
    const command = request.command;
    if (!isAgentCommand(command)) {
      throw new DapError(`unknown request '${command}'`, { id: ErrorId.unknownRequest, command });
    }
    const quiet = QUIET_FAILURES.has(command);
    const idle = ANSWERS_WITHOUT_PROGRAM[command];
    // VS Code asks for threads around exited/terminated, and for breakpointLocations while editing
    if (idle && (!this.agent || this.agent.connection.isClosed)) return idle;
    // VS Code still asks for variables, scopes... of a stop while the program ends: no pop-up
    const agent = this.requireAgent(command, !quiet);
    const response = await agent.connection
      .rawRequest(command, this.sources.remoteArguments(request.arguments))
      .catch((error: Error) => {
        // the program ended while the request was on its way
        throw new DapError(error.message, { id: ErrorId.noProgram, command, showUser: !quiet });
      });
    if (!response.success) {
      const error = DapError.fromResponse(response, command);
      throw new DapError(error.message, { id: error.id, command, showUser: error.showUser && !quiet });
    }
    if (command === "stackTrace") this.sources.localizeFrames(response.body as BodyOf<"stackTrace">);
    if (isBreakpointRequest(command)) this.breakpoints.remember(command, request.arguments);
    return response.body;
  }

  private async setBreakpoints(
    args: DebugProtocol.SetBreakpointsArguments,
  ): Promise<BodyOf<"setBreakpoints">> {
    const body = await this.sendBreakpoints(this.requireAgent("setBreakpoints"), args);
    this.breakpoints.remember("setBreakpoints", args);
    return body;
  }

  /** setBreakpoints with the client's path mapped to the debuggee's, and the answer mapped back. */
  private async sendBreakpoints(
    agent: AgentLink,
    args: DebugProtocol.SetBreakpointsArguments,
  ): Promise<DebugProtocol.SetBreakpointsResponse["body"]> {
    const localPath = args.source?.path;
    const remoteArgs =
      typeof localPath === "string"
        ? { ...args, source: { ...args.source, path: this.sources.toRemote(localPath) } }
        : args;
    const { body } = await agent.request("setBreakpoints", remoteArgs);
    if (this.mode === "attach" && remoteArgs.source?.path) {
      await markUnloaded(agent, remoteArgs.source.path, body.breakpoints ?? []);
    }
    for (const bp of body.breakpoints ?? []) {
      if (bp.source && typeof localPath === "string") bp.source = { ...args.source, path: localPath };
    }
    return body;
  }

  /** The text of a remote-only file (a sourceReference from a stack frame), read by the agent. */
  private async source(args: DebugProtocol.SourceArguments): Promise<BodyOf<"source">> {
    const remote = this.sources.remotePathOf(args);
    const response = await this.requireAgent("source").request("source", {
      source: { path: remote },
      sourceReference: 0,
    });
    return response.body;
  }

  private relayEvent(event: DebugProtocol.Event): void {
    const body = event.body as Record<string, unknown> | undefined;
    if (event.event === "exited") {
      // a piped child's exit code comes from its process; otherwise the agent's word is all we have
      if (!this.debuggee?.reportsOwnExit) this.sendExited(Number(body?.exitCode ?? 0));
      return;
    }
    if (event.event === "loadedSource" && body?.source) {
      body.source = this.sources.localize(body.source as DebugProtocol.Source);
    }
    if (event.event === "breakpoint" && body?.breakpoint) {
      const bp = body.breakpoint as DebugProtocol.Breakpoint;
      if (bp.source) bp.source = this.sources.localize(bp.source);
    }
    this.client.sendEvent(event.event, body);
  }

  // ----- restart ----------------------------------------------------------------------------
  /**
   * DAP restart: end the program (launch) or leave it (attach), start it again with the new
   * configuration if the client sent one, and give it the client's breakpoints. The client sees no
   * exited/terminated for the old program, only a new `process` event and the new program's stops.
   */
  private async restart(args: DebugProtocol.RestartArguments): Promise<undefined> {
    const previous = this.config;
    if (!previous || !this.agent)
      throw new DapError("restart needs a launched or attached program", { id: ErrorId.noProgram });
    const given: unknown = args.arguments;
    const launch =
      "launch" in previous ? (given ? parseArgs("restart", given, parseLaunch) : previous.launch) : undefined;
    const attach =
      "attach" in previous ? (given ? parseArgs("restart", given, parseAttach) : previous.attach) : undefined;
    if (attach?.listen) {
      throw new DapError("cannot restart an attach that listens: the agent does not dial in again", {
        id: ErrorId.refused,
      });
    }
    const oldThreads = await this.threadIds();
    await this.leaveProgram();
    // the old program's threads are gone: a client that kept them (VS Code) would show the new
    // program's stacks in their place, with "Load More Stack Frames" under a complete stack
    for (const threadId of oldThreads) this.client.sendEvent("thread", { reason: "exited", threadId });
    this.client.sendEvent("continued", { threadId: oldThreads[0] ?? 0, allThreadsContinued: true });
    this.replaying = true;
    try {
      if (launch) await this.launch(launch);
      else if (attach) await this.attach(attach);
    } catch (error) {
      this.sendTerminated(); // nothing runs any more: the client's session is over
      throw error;
    } finally {
      this.replaying = false;
    }
    return undefined;
  }

  /** The ids of the current program's threads, [] when it cannot say. */
  private async threadIds(): Promise<number[]> {
    const agent = this.agent;
    if (!agent || agent.connection.isClosed) return [];
    try {
      const { body } = await withTimeout(agent.request("threads"), 2000, "agent");
      return body.threads.map((thread) => thread.id);
    } catch {
      return [];
    }
  }

  /** Ends (launch) or detaches from (attach) the current program, silently, ready for a new one. */
  private async leaveProgram(): Promise<void> {
    const agent = this.agent;
    const debuggee = this.debuggee;
    this.agent = undefined;
    this.debuggee = undefined;
    this.children?.close();
    this.children = undefined;
    await debuggee?.leaveForRestart();
    if (agent && !agent.connection.isClosed) {
      await withTimeout(agent.request("disconnect", { terminateDebuggee: false }), 2000, "agent").catch(
        () => {},
      );
      agent.close();
    }
    this.mode = undefined;
    this.exitedSent = false;
    this.terminatedSent = false;
  }

  /** The new program gets the breakpoints the client set, then runs (it sent configurationDone). */
  private async replayBreakpoints(agent: AgentLink): Promise<void> {
    for (const remembered of this.breakpoints.requests()) {
      const body =
        remembered.command === "setBreakpoints"
          ? await this.sendBreakpoints(agent, remembered.arguments)
          : (await agent.request(remembered.command, remembered.arguments)).body;
      // ids and verified states are the new program's: tell the client
      for (const breakpoint of (body && "breakpoints" in body ? body.breakpoints : undefined) ?? []) {
        if (breakpoint.id !== undefined)
          this.client.sendEvent("breakpoint", { reason: "changed", breakpoint });
      }
    }
    await agent.request("configurationDone", {});
  }

  // ----- ending -----------------------------------------------------------------------------
  private sendExited(exitCode: number): void {
    if (this.exitedSent) return;
    this.exitedSent = true;
    this.client.sendEvent("exited", { exitCode });
  }

  private sendTerminated(): void {
    if (this.terminatedSent) return;
    this.terminatedSent = true;
    this.client.sendEvent("terminated");
  }

  private agentGone(): void {
    // a launched program's end is reported when its process exits; any other session ends here
    if (!this.debuggee?.reportsOwnExit) this.sendTerminated();
  }

  private async terminate(): Promise<undefined> {
    const debuggee = this.debuggee;
    if (debuggee)
      await debuggee.terminate(debuggee.kind === "attached" ? this.requireAgent("terminate") : undefined);
    return undefined;
  }

  private async disconnect(args: DebugProtocol.DisconnectArguments): Promise<undefined> {
    const kill =
      typeof args.terminateDebuggee === "boolean" ? args.terminateDebuggee : this.mode === "launch";
    this.ending.abort();
    this.children?.close();
    // the program is ended first: closing the agent link makes the agent resume every thread
    const { agentEnds } = (await this.debuggee?.disconnect(kill)) ?? { agentEnds: false };
    const agent = this.agent;
    if (agent && !agent.connection.isClosed) {
      await withTimeout(agent.request("disconnect", { terminateDebuggee: agentEnds }), 2000, "agent").catch(
        () => {},
      );
      agent.close();
    }
    if (!this.debuggee?.reportsOwnExit) this.sendTerminated();
    return undefined;
  }

  private clientGone(): void {
    this.ending.abort();
    this.children?.close();
    this.agent?.close();
    // the client is gone: nobody could end the program any more, so it ends now, tree and all
    this.debuggee?.clientGone();
  }

  /** The program this session launched itself, if it did. */
  private launchedProgram(): LaunchedProgram | undefined {
    return this.debuggee instanceof LaunchedDebuggee ? this.debuggee.program : undefined;
  }
}

/** A launch or attach configuration, checked (config.ts): a wrong one is the client's mistake. */
function parseArgs<T>(command: string, args: unknown, parse: (args: Args) => T): T {
  if (typeof args !== "object" || args === null || Array.isArray(args))
    throw new DapError(`'${command}' arguments must be an object`);
  try {
    return parse(args as Args);
  } catch (error) {
    if (error instanceof ConfigError) throw new DapError(`${command}: ${error.message}`);
    throw error;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DapError(`${what} (no answer within ${ms / 1000} s)`, { id: ErrorId.startFailed })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
