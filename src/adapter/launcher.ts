// Starting the user's program under the agent: `python -m pdap --connect ... program args`.
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { delimiter, join } from "node:path";
import { agentPythonPath } from "../installLayout.js";
import type { LaunchConfig } from "./config.js";

/** The directory that holds the agent package `pdap` (python/pdap in this repository). */
export const AGENT_PYTHONPATH = agentPythonPath();

export function agentCommand(config: LaunchConfig, agentPort: number): string[] {
  const argv = [...config.pythonArgs, "-m", "pdap", "--connect", `127.0.0.1:${agentPort}`];
  if (config.backend) argv.push("--backend", config.backend);
  if (config.program !== undefined) argv.push(config.program);
  else if (config.module !== undefined) argv.push("-m", config.module);
  else argv.push("-c", config.code ?? "");
  return [...argv, ...config.args];
}

/** What the agent needs added to the environment: its package on PYTHONPATH and the link token. */
export function agentEnvironmentDelta(token: string, base: string | undefined = process.env.PYTHONPATH) {
  return {
    PYTHONPATH: base ? `${AGENT_PYTHONPATH}${delimiter}${base}` : AGENT_PYTHONPATH,
    PDAP_TOKEN: token,
  };
}

export function agentEnvironment(config: LaunchConfig, token: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(config.env)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  // output events should arrive as the program writes, not when an 8 KiB pipe buffer fills
  if (config.redirectOutput && env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = "1";
  return { ...env, ...agentEnvironmentDelta(token, env.PYTHONPATH) };
}

/**
 * The program's keeper (python/pdap/supervisor.py), isolated from the program's environment (-I -S).
 * Imported rather than run as a script: a script is compiled in every launch, a module is loaded
 * from its __pycache__ (the agent writes it), which starts the program sooner.
 */
const SUPERVISOR = `import sys; sys.path.append(${JSON.stringify(join(AGENT_PYTHONPATH, "pdap"))}); import supervisor; supervisor.main()`;

/** How long a launched program's tree gets to end on SIGTERM before it is killed. */
const KILL_GRACE_MS = 1_000;

type ProgramEvents = {
  /** the program wrote to its stdout or stderr */
  output: [category: "stdout" | "stderr", chunk: Buffer];
  /** the program ended (128+N when killed by signal N): everything it wrote before came first */
  exit: [exitCode: number];
  /** the program could not be started, or its keeper failed */
  error: [message: string];
};

/**
 * A launched program and the process tree it starts, owned by the session: the program runs
 * under a small supervisor (see supervisor.py for why) whose stdin is this adapter's lifeline, so
 * nothing of the tree outlives the adapter, however the adapter ends. Output arrives on one
 * ordered channel with the program's own end.
 */
export class LaunchedProgram extends EventEmitter<ProgramEvents> {
  /** the program's pid, once the supervisor has started it */
  pid: number | undefined;
  exitCode: number | undefined;
  /** resolves with the program's exit code when it ends (or fails to start: -1) */
  readonly ended: Promise<number>;
  private pending: Buffer = Buffer.alloc(0);

  private constructor(private readonly keeper: ChildProcess) {
    super();
    this.ended = new Promise((resolve) => {
      this.once("exit", resolve);
      this.once("error", () => resolve(-1));
    });
    keeper.stdout?.on("data", (chunk: Buffer) => this.receive(chunk));
    let keeperErrors = "";
    keeper.stderr?.on("data", (chunk: Buffer) => {
      keeperErrors = (keeperErrors + chunk.toString()).slice(-2000);
    });
    keeper.stdin?.on("error", () => {}); // the supervisor is gone: its close says the rest
    keeper.once("error", (error: NodeJS.ErrnoException) => this.fail(error.code ?? error.message));
    keeper.once("close", (code, signal) => {
      if (this.pid === undefined && this.exitCode === undefined && code !== null) {
        // it never started the program: this `python` cannot run pdap (too old, or not a Python)
        if (keeperErrors) this.emit("output", "stderr", Buffer.from(keeperErrors));
        this.exitCode = code;
        this.emit("exit", code);
        return;
      }
      this.fail(`the pdap supervisor ended (${signal ?? code}) ${keeperErrors.trim()}`.trim());
    });
  }

  static start(config: LaunchConfig, agentPort: number, token: string): LaunchedProgram {
    const keeper = spawn(
      config.python,
      ["-I", "-S", "-c", SUPERVISOR, config.python, ...agentCommand(config, agentPort)],
      { cwd: config.cwd, env: agentEnvironment(config, token), stdio: ["pipe", "pipe", "pipe"] },
    );
    return new LaunchedProgram(keeper);
  }

  get running(): boolean {
    return this.exitCode === undefined && this.keeper.exitCode === null && this.keeper.signalCode === null;
  }

  /** SIGTERM to every process of the tree: the program may end in its own way. */
  terminate(): void {
    this.command("TERM");
  }

  /** Ends the whole tree: SIGTERM, then SIGKILL for what has not ended within a moment. */
  async end(): Promise<void> {
    if (!this.running) return this.release();
    this.terminate();
    const timer = setTimeout(() => this.command("KILL"), KILL_GRACE_MS);
    await this.ended;
    clearTimeout(timer);
    this.release();
  }

  /** SIGKILL to the whole tree at once, waiting for the program's end. */
  async kill(): Promise<void> {
    if (this.running) {
      this.command("KILL");
      await this.ended;
    }
    this.release();
  }

  /** Lets go of the lifeline: the supervisor ends whatever of the tree still runs, and exits. */
  release(): void {
    if (!this.keeper.stdin?.destroyed) this.keeper.stdin?.end();
  }

  private command(line: string): void {
    if (this.keeper.stdin?.writable) this.keeper.stdin.write(`${line}\n`);
  }

  private fail(message: string): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = -1;
    this.emit("error", message);
  }

  /**
   * Frames from the supervisor: a kind byte, a 4-byte big-endian length, the payload. Output
   * frames that follow each other in one read become one output event (a program printing line
   * by line would otherwise cost an event per write).
   */
  private receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let run: { kind: string; parts: Buffer[] } | undefined;
    const flush = () => {
      if (run) this.frame(run.kind, run.parts.length === 1 ? run.parts[0] : Buffer.concat(run.parts));
      run = undefined;
    };
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      const kind = String.fromCharCode(this.pending[0]);
      const payload = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      if (run?.kind !== kind) flush();
      if (kind === "o" || kind === "e") {
        run ??= { kind, parts: [] };
        run.parts.push(payload);
      } else this.frame(kind, payload);
    }
    flush();
  }

  private frame(kind: string, payload: Buffer): void {
    if (kind === "o") this.emit("output", "stdout", payload);
    else if (kind === "e") this.emit("output", "stderr", payload);
    else if (kind === "s") this.pid = Number(payload.toString());
    else if (kind === "x" && this.exitCode === undefined) {
      this.exitCode = Number(payload.toString());
      this.emit("exit", this.exitCode);
    } else if (kind === "f") this.fail(payload.toString());
  }
}
