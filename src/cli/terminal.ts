// What the terminal debugger writes: colour only on a terminal (and not under NO_COLOR), values
// cut to the terminal's width, and text printed above an open prompt without mangling it.
import type { Writable } from "node:stream";

export type Paint = (text: string) => string;

export interface Palette {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
}

function sgr(open: number, close: number): Paint {
  return (text) => (text ? `\x1b[${open}m${text}\x1b[${close}m` : text);
}

const plain: Paint = (text) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return {
      enabled,
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      blue: plain,
      magenta: plain,
      cyan: plain,
    };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
  };
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off; so does a dumb terminal. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== "dumb";
}

/** Cuts a single line to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (!Number.isFinite(width) || width <= 0) return text;
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

/** The screen the debugger talks to: its width, its palette, and where messages go. */
export class Screen {
  readonly colour: Palette;
  /** set by the prompt while it is shown, so messages are printed above it */
  printAbovePrompt: ((text: string) => void) | undefined;

  constructor(
    readonly out: Writable & { isTTY?: boolean; columns?: number },
    colour: boolean,
  ) {
    this.colour = palette(colour);
  }

  /** Terminal width in columns; unlimited when the output is not a terminal. */
  get width(): number {
    return this.out.isTTY && this.out.columns ? this.out.columns : Number.POSITIVE_INFINITY;
  }

  /** Writes whole lines (a newline is added when missing). */
  print(text: string): void {
    const line = text.endsWith("\n") ? text : `${text}\n`;
    if (this.printAbovePrompt) this.printAbovePrompt(line);
    else this.out.write(line);
  }

  /** One line, cut to the terminal width (before colouring, so escapes are never cut). */
  printFitted(text: string, paint: (text: string) => string = (t) => t): void {
    this.print(paint(truncate(text, this.width)));
  }

  /** One line made of parts, each painted its own way when the whole fits the width. */
  printParts(parts: Array<[string, Paint?]>): void {
    const plainText = parts.map(([text]) => text).join("");
    const fitted = truncate(plainText, this.width);
    if (fitted !== plainText) this.print(fitted);
    else this.print(parts.map(([text, paint]) => (paint ? paint(text) : text)).join(""));
  }

  /** The one-line form every error takes: `*** message` (as pdb users know it). */
  error(message: string): void {
    this.print(this.colour.red(`*** ${oneLineMessage(message)}`));
  }

  info(message: string): void {
    this.print(message);
  }
}

/** A message on one line; of a Python traceback, only its last line (the exception) is kept. */
export function oneLineMessage(message: string): string {
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > 1 && /Traceback \(most recent call last\)|^\s*File "/m.test(message)) {
    return lines[lines.length - 1];
  }
  return lines.join(" ");
}
