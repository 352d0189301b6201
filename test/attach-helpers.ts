// What the attach tests share: programs started by hand under the agent (as a user would on a
// server), adapters started as editors do, "remote" copies of fixtures, bounded waits.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import { DapConnection } from "../src/dap/connection.js";
import { FIXTURES } from "./support/fixtures.js";
import type { PythonTarget } from "./support/pythons.js";

export const WAIT_MS = 15_000;

/** A program running under the agent, started by the test (not by the adapter). */
export class Debuggee {
  private out = "";
  private err = "";
  private listeners: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      this.out += text;
      this.changed();
    });
    child.stderr?.on("data", (text: string) => {
      this.err += text;
      this.changed();
    });
    child.stdin?.on("error", () => {});
    this.exited = new Promise((resolve) => {
      child.once("close", (code) => {
        this.changed();
        resolve(code);
      });
    });
  }

  static start(
    target: PythonTarget,
    args: string[],
    options: { cwd?: string; env?: Record<string, string | undefined> } = {},
  ): Debuggee {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PYTHONPATH: AGENT_PYTHONPATH,
      PDAP_BACKEND: target.backend,
      PYTHONBREAKPOINT: undefined,
      PDAP_TOKEN: undefined,
      PYTHONUNBUFFERED: undefined, // stdout block-buffered on a pipe, as in a container by default
      ...options.env,
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    return new Debuggee(
      spawn(target.python, args, { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] }),
    );
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One line on the program's stdin. */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Waits (bounded) until stdout or stderr matches; returns the match. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs = WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = (stream === "stdout" ? this.out : this.err).match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (!this.running) {
          done();
          reject(new Error(`program ended before its ${stream} matched ${pattern}:\n${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no ${pattern} on the program's ${stream} within ${timeoutMs / 1000} s:\n${this.describe()}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  /** `python -m pdap --listen`: the port it printed. */
  async listeningPort(): Promise<number> {
    const match = await this.waitFor("stderr", /pdap: listening on \S+:(\d+)/);
    return Number(match[1]);
  }

  /** The exit code, waited for within a bound. */
  async exitCode(timeoutMs = WAIT_MS): Promise<number | null> {
    return withTimeout(this.exited, timeoutMs, `the program did not end:\n${this.describe()}`);
  }

  describe(): string {
    return `--- stdout ---\n${this.out}--- stderr ---\n${this.err}`;
  }

  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }
}

/** A `pdap adapter` (stdio, as editors start it) with a client on it, and the process to kill. */
export interface Adapter {
  client: DapClient;
  process: ChildProcess;
  stderr(): string;
}

export function startAdapter(extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env): Adapter {
  const child = spawn(process.execPath, [PDAP_BIN, "adapter", ...extraArgs], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
  });
  let err = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    err += text;
  });
  child.stdin.on("error", () => {});
  const client = new DapClient(new DapConnection(child.stdout, child.stdin, "adapter"));
  client.onClose(() => {
    if (child.exitCode === null) setTimeout(() => child.kill(), 3000).unref();
  });
  return { client, process: child, stderr: () => err };
}

/** Waits (bounded) until the adapter's stderr matches. */
export async function adapterSays(adapter: Adapter, pattern: RegExp): Promise<RegExpMatchArray> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const match = adapter.stderr().match(pattern);
    if (match) return match;
    if (adapter.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`adapter stderr never matched ${pattern}:\n${adapter.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The "remote" side: a directory elsewhere holding a copy of fixtures, plus files that exist
 * only there (no local counterpart under test/fixtures).
 */
export class RemoteDir {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "pdap-remote-"));

  copy(name: string): string {
    const file = path.join(this.dir, name);
    copyFileSync(path.join(FIXTURES, name), file);
    return file;
  }

  write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Removes another file the test made next to the directory (a symlink to it, say). */
  removePath(file: string): void {
    rmSync(file, { force: true });
  }
}

export const HELPER_SOURCE =
  "def call(function, item):\n    return function(item)  # only on the remote side\n";

/** attach_app.py with its remote-only helper, in a fresh remote directory. */
export function remoteApp(): { remote: RemoteDir; app: string } {
  const remote = new RemoteDir();
  const app = remote.copy("attach_app.py");
  remote.write("attach_helper.py", HELPER_SOURCE);
  return { remote, app };
}

/** The "remote" copy of attach_app.py, started with `python -m pdap --listen 127.0.0.1:0` in its directory. */
export async function listeningRemoteApp(
  target: PythonTarget,
): Promise<{ remote: RemoteDir; program: Debuggee; port: number }> {
  const { remote, app } = remoteApp();
  const program = Debuggee.start(target, ["-m", "pdap", "--listen", "127.0.0.1:0", app], { cwd: remote.dir });
  return { remote, program, port: await program.listeningPort() };
}

export function pathMappings(remote: RemoteDir): Array<{ localRoot: string; remoteRoot: string }> {
  return [{ localRoot: FIXTURES, remoteRoot: remote.dir }];
}

/** Waits (bounded) until the client's output events of this category, joined, contain `text`. */
export async function outputEvent(client: DapClient, text: string, category = "stdout"): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!client.output(category).includes(text)) {
    if (Date.now() > deadline) {
      throw new Error(
        `no ${JSON.stringify(text)} in the ${category} output events: ${client.output(category)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** initialize + an attach that must fail: its error message (bounded). */
export async function attachFails(client: DapClient, args: Record<string, unknown>): Promise<string> {
  await client.initialize();
  return failure(client.request("attach", args));
}

/** The error message of a request that must fail (bounded). */
export async function failure(promise: Promise<unknown>, timeoutMs = WAIT_MS): Promise<string> {
  const outcome = await withTimeout(
    promise.then(
      () => undefined,
      (error: Error) => error.message,
    ),
    timeoutMs,
    "the request neither failed nor succeeded",
  );
  if (outcome === undefined) throw new Error("the request succeeded, but it should have failed");
  return outcome;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (within ${ms / 1000} s)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
