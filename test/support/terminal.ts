// Driving a terminal program in a real pseudo-terminal: a private tmux server per test, keys
// typed into it, and the screen read back. Every wait is bounded and fails with the screen text.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 50;
const DEFAULT_TIMEOUT_MS = 20_000;
export const EXIT_MARK = "[terminal program exited with status ";

let counter = 0;

export function haveTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export interface TerminalOptions {
  cwd?: string;
  env?: Record<string, string>;
  width?: number;
  height?: number;
}

export class Terminal {
  private constructor(
    private readonly socket: string,
    readonly home: string,
    /** tmux leaves its socket file behind when its server is killed */
    private readonly socketPath: string,
  ) {}

  /** Runs argv in a fresh tmux pane; when it ends the pane shows EXIT_MARK and its status. */
  static start(argv: string[], options: TerminalOptions = {}): Terminal {
    const home = mkdtempSync(path.join(os.tmpdir(), "pdap-term-"));
    const socket = `pdap-test-${process.pid}-${++counter}`;
    const command = `${argv.map(shellQuote).join(" ")}; echo "${EXIT_MARK}$?]"; sleep 3600`;
    const env: Record<string, string> = {
      HOME: home,
      PDAP_HISTORY: path.join(home, ".pdap_history"),
      ...options.env,
    };
    const envArgs = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    execFileSync("tmux", [
      "-L",
      socket,
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-x",
      String(options.width ?? 100),
      "-y",
      String(options.height ?? 40),
      "-c",
      options.cwd ?? process.cwd(),
      ...envArgs,
      command,
    ]);
    execFileSync("tmux", ["-L", socket, "set-option", "-g", "history-limit", "20000"]);
    const socketPath = execFileSync("tmux", ["-L", socket, "display-message", "-p", "#{socket_path}"], {
      encoding: "utf8",
    }).trim();
    return new Terminal(socket, home, socketPath);
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  /** Everything the pane has shown, scrollback included, wrapped lines joined, colours removed. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-")
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trimEnd();
  }

  /** The same with colour escapes kept. */
  colouredScreen(): string {
    return this.tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-E", "-");
  }

  /** Types text literally (no key names), then Enter. */
  type(text: string): void {
    if (text) this.tmux("send-keys", "-t", "0", "-l", text);
    this.tmux("send-keys", "-t", "0", "Enter");
  }

  keys(...names: string[]): void {
    this.tmux("send-keys", "-t", "0", ...names);
  }

  /** Waits until the screen satisfies `test`; fails with the screen after timeoutMs. */
  async waitUntil(
    test: (screen: string) => boolean,
    what: string,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; the screen:\n${screen}`);
      }
      await sleep(POLL_MS);
    }
  }

  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string> {
    const test = (screen: string) => (typeof text === "string" ? screen.includes(text) : text.test(screen));
    return this.waitUntil(test, JSON.stringify(String(text)), timeoutMs);
  }

  /** Number of prompt lines (`prompt` at the start of a line) shown so far. */
  countPrompts(prompt: string, screen = this.screen()): number {
    return screen.split("\n").filter((line) => line.startsWith(prompt.trimEnd())).length;
  }

  /**
   * Types a line at `prompt` and waits for the next prompt (or the program's end); returns what was
   * printed in between.
   */
  async command(text: string, prompt = "(pdap) "): Promise<string> {
    await this.waitUntil((s) => lastLine(s).startsWith(prompt.trimEnd()), `the prompt ${prompt}`);
    const before = this.countPrompts(prompt);
    const start = this.screen().split("\n").length - 1;
    this.type(text);
    const screen = await this.waitUntil(
      (s) => this.countPrompts(prompt, s) > before || s.includes(EXIT_MARK),
      `the output of '${text}'`,
    );
    const lines = screen.split("\n").slice(start + 1);
    const end = lines.findIndex((line) => line.startsWith(prompt.trimEnd()) || line.startsWith(EXIT_MARK));
    return lines.slice(0, end < 0 ? undefined : end).join("\n");
  }

  /** The status the program exited with, once it has. */
  async exitStatus(timeoutMs?: number): Promise<number> {
    const screen = await this.waitFor(EXIT_MARK, timeoutMs);
    const match = new RegExp(`${escapeRegExp(EXIT_MARK)}(\\d+)\\]`).exec(screen);
    return Number(match?.[1]);
  }

  close(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    rmSync(this.home, { recursive: true, force: true });
  }
}

function lastLine(screen: string): string {
  const lines = screen.split("\n");
  return lines[lines.length - 1] ?? "";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
