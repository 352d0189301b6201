// Source listings: numbered lines with the current line and breakpoints marked, Python syntax
// colour on a terminal, and the small amount of Python structure the commands need (where a
// function starts and ends, what its parameters are) read from the text itself.
import type { Palette } from "./terminal.js";
import { truncate } from "./terminal.js";

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break case class continue def del elif else except " +
    "finally for from global if import in is lambda match nonlocal not or pass raise return try " +
    "while with yield"
  ).split(" "),
);

const BUILTINS = new Set(
  (
    "abs all any bool bytes callable dict dir enumerate filter float format getattr hasattr hash " +
    "id input int isinstance issubclass iter len list map max min next object open print range " +
    "repr reversed round set setattr slice sorted str sum super tuple type vars zip self cls"
  ).split(" "),
);

type TokenKind = "keyword" | "builtin" | "string" | "number" | "comment" | "decorator" | "name" | "plain";

interface Token {
  kind: TokenKind;
  text: string;
}

/** Open triple-quoted string carried from one line to the next ('' when none). */
type LineState = string;

const STRING_START = /^(?:[rRbBuUfF]{0,2})('''|"""|'|")/;
const NUMBER = /^(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)/;
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*/;

/** Splits one line into tokens; `state` says whether it starts inside a triple-quoted string. */
function tokenize(line: string, state: LineState): { tokens: Token[]; state: LineState } {
  const tokens: Token[] = [];
  let rest = line;
  let open = state;
  if (open) {
    const end = rest.indexOf(open);
    if (end < 0) return { tokens: [{ kind: "string", text: rest }], state: open };
    tokens.push({ kind: "string", text: rest.slice(0, end + 3) });
    rest = rest.slice(end + 3);
    open = "";
  }
  while (rest.length > 0) {
    const taken = takeToken(rest);
    if (taken.opens) {
      tokens.push({ kind: "string", text: rest });
      return { tokens, state: taken.opens };
    }
    tokens.push(taken.token);
    rest = rest.slice(taken.token.text.length);
  }
  return { tokens, state: "" };
}

function takeToken(rest: string): { token: Token; opens?: string } {
  if (rest[0] === "#") return { token: { kind: "comment", text: rest } };
  const quote = STRING_START.exec(rest);
  if (quote && (quote[0].length === quote[1].length || /^[A-Za-z]+['"]/.test(rest))) {
    const delimiter = quote[1];
    const start = quote[0].length;
    const end = findClosingQuote(rest, start, delimiter);
    if (end < 0) {
      // an unterminated one-quote string ends the line; a triple quote carries on
      return delimiter.length === 3
        ? { token: { kind: "string", text: rest }, opens: delimiter }
        : { token: { kind: "string", text: rest } };
    }
    return { token: { kind: "string", text: rest.slice(0, end + delimiter.length) } };
  }
  const number = NUMBER.exec(rest);
  if (number && number[0].length > 0 && /[\d.]/.test(rest[0]))
    return { token: { kind: "number", text: number[0] } };
  if (rest[0] === "@") {
    const name = /^@[\w.]+/.exec(rest);
    if (name) return { token: { kind: "decorator", text: name[0] } };
  }
  const name = NAME.exec(rest);
  if (name) {
    const word = name[0];
    const kind = KEYWORDS.has(word) ? "keyword" : BUILTINS.has(word) ? "builtin" : "name";
    return { token: { kind, text: word } };
  }
  return { token: { kind: "plain", text: rest[0] } };
}

function findClosingQuote(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (text.startsWith(delimiter, i)) return i;
  }
  return -1;
}

function paintToken(token: Token, colour: Palette, previous: Token | undefined): string {
  switch (token.kind) {
    case "keyword":
      return colour.magenta(token.text);
    case "builtin":
      return colour.cyan(token.text);
    case "string":
      return colour.green(token.text);
    case "number":
      return colour.yellow(token.text);
    case "comment":
      return colour.dim(token.text);
    case "decorator":
      return colour.blue(token.text);
    case "name":
      return previous?.kind === "keyword" && (previous.text === "def" || previous.text === "class")
        ? colour.blue(token.text)
        : token.text;
    default:
      return token.text;
  }
}

/** Syntax-coloured text of every line of a file (the whole file, so multi-line strings are right). */
export function highlight(lines: string[], colour: Palette): string[] {
  if (!colour.enabled) return lines;
  let state: LineState = "";
  return lines.map((line) => {
    const result = tokenize(line, state);
    state = result.state;
    let previous: Token | undefined;
    let painted = "";
    for (const token of result.tokens) {
      painted += paintToken(token, colour, previous);
      if (token.text.trim()) previous = token;
    }
    return painted;
  });
}

export interface SourceFile {
  /** what the listing calls it: a path, or a name for sources fetched from the adapter */
  name: string;
  lines: string[];
  /** coloured lines, computed on first use */
  painted?: string[];
}

export function splitSource(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => line.replace(/\t/g, "    "));
}

export interface ListingMarks {
  current?: number;
  /** line -> "B" (enabled breakpoint) or "b" (disabled) */
  breakpoints: Map<number, string>;
}

/**
 * Lines first..last (1-based, inclusive) as pdb lays them out: number, breakpoint mark, `->` on
 * the current line, then the code, each cut to the terminal width.
 */
export function formatListing(
  file: SourceFile,
  first: number,
  last: number,
  marks: ListingMarks,
  colour: Palette,
  width: number,
): string[] {
  if (colour.enabled && !file.painted) file.painted = highlight(file.lines, colour);
  const numberWidth = Math.max(3, String(last).length);
  const out: string[] = [];
  for (let line = Math.max(1, first); line <= Math.min(last, file.lines.length); line++) {
    const bp = marks.breakpoints.get(line) ?? " ";
    const arrow = line === marks.current ? "->" : "  ";
    const gutter = `${String(line).padStart(numberWidth)} ${bp}${arrow} `;
    const code = file.lines[line - 1];
    const room = Number.isFinite(width) ? Math.max(10, width - gutter.length) : Number.POSITIVE_INFINITY;
    const fitted = truncate(code, room);
    // colour only lines shown whole: cutting a coloured line could split an escape sequence
    const shown = fitted === code && file.painted ? file.painted[line - 1] : fitted;
    out.push(paintGutter(gutter, line === marks.current, colour) + shown);
  }
  return out;
}

function paintGutter(gutter: string, current: boolean, colour: Palette): string {
  if (!colour.enabled) return gutter;
  const match = /^(\s*\d+) (.)(..) $/.exec(gutter);
  if (!match) return gutter;
  const [, number, mark, arrow] = match;
  const paintedMark = mark === "B" ? colour.red(mark) : mark === "b" ? colour.dim(mark) : mark;
  const paintedArrow = current ? colour.bold(colour.yellow(arrow)) : arrow;
  return `${current ? colour.bold(number) : colour.dim(number)} ${paintedMark}${paintedArrow} `;
}

// ----- Python structure, read from the source text ---------------------------------------------

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isCode(line: string): boolean {
  const text = line.trim();
  return text.length > 0 && !text.startsWith("#");
}

export interface FunctionExtent {
  /** first line shown by `ll`: the first decorator, or the def line */
  first: number;
  defLine: number;
  /** the line of the def header that ends with its colon */
  headerEnd: number;
  last: number;
}

/**
 * Where the function (or class body) named `name` that contains `line` starts and ends. Found by
 * indentation, which is how Python itself delimits blocks; undefined when there is no such def.
 */
export function functionExtent(lines: string[], line: number, name: string): FunctionExtent | undefined {
  const header = new RegExp(`^\\s*(?:async\\s+def|def|class)\\s+${escapeRegExp(name)}\\b`);
  // the nearest def of that name above the line whose block reaches down to it
  for (let index = Math.min(line, lines.length) - 1; index >= 0; index--) {
    if (!header.test(lines[index])) continue;
    const extent = extentFrom(lines, index);
    if (extent.last >= line) return extent;
  }
  return undefined;
}

function extentFrom(lines: string[], defIndex: number): FunctionExtent {
  const indent = indentOf(lines[defIndex]);
  let first = defIndex;
  while (first > 0 && lines[first - 1].trim().startsWith("@") && indentOf(lines[first - 1]) === indent)
    first--;
  const headerEnd = headerEndIndex(lines, defIndex);
  let last = headerEnd;
  for (let index = headerEnd + 1; index < lines.length; index++) {
    const text = lines[index];
    if (!isCode(text)) continue;
    if (indentOf(text) <= indent) break;
    last = index;
  }
  return { first: first + 1, defLine: defIndex + 1, headerEnd: headerEnd + 1, last: last + 1 };
}

/** The index of the line that closes a (possibly multi-line) def header: brackets balanced. */
function headerEndIndex(lines: string[], defIndex: number): number {
  let depth = 0;
  for (let index = defIndex; index < lines.length; index++) {
    depth += bracketBalance(lines[index]);
    if (depth <= 0) return index;
  }
  return defIndex;
}

function bracketBalance(line: string): number {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = "";
      continue;
    }
    if (char === "#") break;
    if (char === "'" || char === '"') quote = char;
    else if ("([{".includes(char)) depth++;
    else if (")]}".includes(char)) depth--;
  }
  return depth;
}

/** The parameter names of the def at `defLine`, in order (self, *args and **kwargs included). */
export function parameterNames(lines: string[], extent: FunctionExtent): string[] {
  const header = lines
    .slice(extent.defLine - 1, extent.headerEnd)
    .map((line) => line.replace(/#.*$/, ""))
    .join(" ");
  const open = header.indexOf("(");
  if (open < 0) return [];
  const inside = header.slice(open + 1, closingParen(header, open));
  return splitTopLevel(inside)
    .map((part) =>
      part
        .split(/[:=]/)[0]
        .trim()
        .replace(/^\*{1,2}/, ""),
    )
    .filter((name) => /^[A-Za-z_]\w*$/.test(name));
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return text.length;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if ("([{".includes(char)) depth++;
    else if (")]}".includes(char)) depth--;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Lines after `from` (exclusive) up to `last` that hold code: where `until` may stop. */
export function codeLinesBetween(lines: string[], from: number, last: number): number[] {
  const result: number[] = [];
  for (let line = from + 1; line <= Math.min(last, lines.length); line++) {
    if (isCode(lines[line - 1])) result.push(line);
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
