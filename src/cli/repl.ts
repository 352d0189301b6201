// The command loop and its prompt. On a terminal the prompt and the program take turns with the
// tty: while the program runs the prompt is closed and nothing here reads stdin, so the program's
// own input() gets every key; at a stop the prompt opens again with line editing and history.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import tty from "node:tty";
import type { Screen } from "./terminal.js";

export const PROMPT = "(pdap) ";
const HISTORY_KEPT = 1000;

/** ~/.pdap_history, or $PDAP_HISTORY (empty: no history file). */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PDAP_HISTORY !== undefined) return env.PDAP_HISTORY || undefined;
  return path.join(os.homedir(), ".pdap_history");
}

function loadHistory(file: string | undefined): string[] {
  if (!file || !existsSync(file)) return [];
  try {
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    if (lines.length > 2 * HISTORY_KEPT) writeFileSync(file, `${lines.slice(-HISTORY_KEPT).join("\n")}\n`);
    return lines.slice(-HISTORY_KEPT).reverse(); // readline keeps the newest first
  } catch {
    return [];
  }
}

interface Queued {
  text: string;
  /** given on the command line (-c): shown as if typed, not added to history */
  scripted: boolean;
}

export class Prompt {
  private rl: readline.Interface | undefined;
  private ttyInput: tty.ReadStream | undefined;
  private readonly queue: Queued[] = [];
  private waiting: ((line: Queued | null) => void) | undefined;
  private ended = false;
  /** Ctrl-D pressed while a command was running: the next read() reports it */
  private pendingEof = false;
  private closing = false;
  private readonly history: string[];
  private readonly historyPath: string | undefined;
  readonly interactive: boolean;

  /** Ctrl-C at the prompt: true when it was the debugger's (a running program to pause) */
  onInterrupt: (() => boolean) | undefined;

  /** Tab completion: the candidates and the text they replace (readline's completer shape). */
  completer: ((line: string) => Promise<[string[], string]>) | undefined;

  constructor(
    private readonly screen: Screen,
    options: { interactive?: boolean; historyPath?: string } = {},
  ) {
    this.interactive = options.interactive ?? Boolean(process.stdin.isTTY);
    this.historyPath = this.interactive ? options.historyPath : undefined;
    this.history = loadHistory(this.historyPath);
    if (!this.interactive) this.openPipe();
  }

  /** Lines are waiting to be read (-c commands, typed ahead): read() answers at once. */
  get hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** Lines to run before anything the user typed (pdb's -c commands). */
  script(lines: string[]): void {
    this.queue.unshift(...lines.map((text) => ({ text, scripted: true })));
  }

  /** The next line, or null at end of input (Ctrl-D). */
  async read(promptText = PROMPT): Promise<string | null> {
    const queued = this.queue.shift();
    if (queued) return this.accept(queued, promptText);
    if (this.ended || this.pendingEof) {
      this.pendingEof = false;
      return null;
    }
    if (this.interactive) this.openTerminal();
    const rl = this.rl;
    if (this.interactive && rl) {
      rl.setPrompt(promptText);
      rl.prompt();
      // only a prompt on the screen waiting for input has messages printed above it
      this.screen.printAbovePrompt = (text) => {
        readline.clearLine(this.screen.out, 0);
        readline.cursorTo(this.screen.out, 0);
        this.screen.out.write(text);
        rl.prompt(true);
      };
    }
    const line = await new Promise<Queued | null>((resolve) => {
      this.waiting = resolve;
    });
    this.screen.printAbovePrompt = undefined;
    return line === null ? null : this.accept(line, promptText);
  }

  /** Ends a pending read() with null (the session ended under it), and prompting with it. */
  cancel(): void {
    this.ended = true;
    if (this.waiting && this.rl) this.screen.out.write("\n"); // off the prompt's line
    this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(null);
  }

  /**
   * Ends a pending read() with null without ending the prompt (what it was for went away: a child
   * process ended while stopped); the next read() prompts again.
   */
  interrupt(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.rl && this.interactive) this.screen.out.write("\n"); // off the prompt's line
    this.close();
    this.waiting = undefined;
    waiting(null);
  }

  /** Gives the terminal back to the program: stop reading stdin until the next read(). */
  close(): void {
    if (!this.interactive || !this.rl) return;
    this.closing = true;
    this.rl.close();
    this.closing = false;
    this.ttyInput?.destroy();
    this.rl = undefined;
    this.ttyInput = undefined;
    this.screen.printAbovePrompt = undefined;
  }

  private accept(line: Queued, promptText: string): string {
    if (line.scripted || !this.interactive) this.screen.out.write(`${promptText}${line.text}\n`);
    if (!line.scripted && this.interactive) this.remember(line.text);
    return line.text;
  }

  private remember(text: string): void {
    if (!this.historyPath || !text.trim()) return;
    try {
      appendFileSync(this.historyPath, `${text}\n`);
    } catch {
      // history is a convenience: an unwritable home must not break the session
    }
  }

  private deliver(line: Queued | null): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting(line);
    } else if (line) {
      this.queue.push(line);
    } else {
      this.pendingEof = true;
    }
  }

  /**
   * A fresh tty stream for each stop: destroying it is the only way to make Node stop reading
   * the terminal (a paused stream still takes the next chunk), so the program gets its input.
   */
  private openTerminal(): void {
    if (this.rl) return;
    const input = new tty.ReadStream(0);
    const rl = readline.createInterface({
      input,
      output: this.screen.out,
      terminal: true,
      history: this.history,
      historySize: HISTORY_KEPT,
      removeHistoryDuplicates: true,
      prompt: PROMPT,
      completer: (line: string, done: (error: null, result: [string[], string]) => void) => {
        const complete = this.completer;
        if (!complete) return done(null, [[], line]);
        // a failed completion is no completion: never an error in the middle of typing
        complete(line).then(
          (result) => done(null, result),
          () => done(null, [[], line]),
        );
      },
    });
    rl.on("line", (text) => this.deliver({ text, scripted: false }));
    rl.on("close", () => {
      if (this.closing) return;
      this.rl = undefined;
      this.ttyInput?.destroy();
      this.ttyInput = undefined;
      this.screen.printAbovePrompt = undefined;
      this.screen.out.write("\n");
      this.deliver(null);
    });
    rl.on("SIGINT", () => {
      if (this.onInterrupt?.()) return;
      // Ctrl-C at the prompt clears the line, as a shell does; quitting is `q` or Ctrl-D
      this.screen.out.write("^C\n");
      rl.write(null, { ctrl: true, name: "u" });
      rl.prompt();
    });
    this.rl = rl;
    this.ttyInput = input;
  }

  /** Commands from a pipe or file: one reader for the whole session, lines queued as they come. */
  private openPipe(): void {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    rl.on("line", (text) => this.deliver({ text, scripted: false }));
    rl.on("close", () => {
      this.ended = true;
      this.deliver(null);
    });
    this.rl = rl;
  }
}
