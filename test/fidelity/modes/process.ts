// Running one command to its end with a deadline, keeping what it wrote: the plain runs, the
// programs started under `python -m pdap --listen`, and `pdap run`.
import { type ChildProcess, spawn } from "node:child_process";

export interface Finished {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  timedOut: boolean;
}

export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** lines written to stdin, which then stays open until the command ends; none: /dev/null */
  input?: string;
  /** called once the command has started */
  started?: (child: ChildProcess) => void;
}

export function runCommand(command: string, args: string[], options: CommandOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    if (options.input !== undefined) {
      child.stdin?.on("error", () => {}); // it may end without reading
      child.stdin?.write(options.input);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("spawn", () => options.started?.(child));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        wallMs: performance.now() - started,
        timedOut,
      });
    });
  });
}
