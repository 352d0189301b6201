// The terminal debugger's command language: pdb's commands and abbreviations with pdb's meaning,
// a few of pdap's own (threads, thread, processes, process, catch, locals), and everything else
// taken as Python.

export interface CommandInfo {
  name: string;
  aliases: string[];
  usage: string;
  help: string;
}

function command(name: string, aliases: string[], usage: string, help: string): CommandInfo {
  return { name, aliases, usage, help };
}

export const COMMANDS: CommandInfo[] = [
  command("help", ["h"], "h(elp) [command]", "List the commands, or show the help of one."),
  command(
    "where",
    ["w", "bt"],
    "w(here)",
    "Show the stack, oldest frame first; '>' marks the frame that commands act on.",
  ),
  command("up", ["u"], "u(p) [count]", "Move to an older frame (count frames, default 1)."),
  command("down", ["d"], "d(own) [count]", "Move to a newer frame (count frames, default 1)."),
  command(
    "break",
    ["b"],
    "b(reak) [([file:]line | function) [, condition]]",
    "Set a breakpoint at a line of the current file, at file:line, or at the first line of a function; " +
      "with a condition it stops only when the condition is true. Without arguments, list the breakpoints.",
  ),
  command(
    "tbreak",
    [],
    "tbreak [([file:]line | function) [, condition]]",
    "Like break, but the breakpoint is removed the first time it stops the program.",
  ),
  command(
    "clear",
    ["cl"],
    "cl(ear) [number ... | file:line]",
    "Delete breakpoints by number, or those at file:line; without arguments, delete them all.",
  ),
  command(
    "delete",
    [],
    "delete [number ...]",
    "Delete breakpoints and watchpoints by number (gdb's word); without arguments, delete them all.",
  ),
  command(
    "watch",
    [],
    "watch [-m] expression",
    "Stop after a line that changes expression (a variable, obj.attr, d[key] or xs[i]), in the thread " +
      "that changed it; the stop shows the old and new value. With -m, also when the value changes in place " +
      "(a list appended to). Listed with the breakpoints; condition, ignore, disable and clear apply.",
  ),
  command("disable", [], "disable number ...", "Disable breakpoints: they stay listed but do not stop."),
  command("enable", [], "enable number ...", "Enable disabled breakpoints."),
  command(
    "condition",
    [],
    "condition number [condition]",
    "Make a breakpoint stop only when the condition is true; without one, make it unconditional.",
  ),
  command(
    "ignore",
    [],
    "ignore number [count]",
    "Let a breakpoint pass its next count hits without stopping (0 or no count: stop next time).",
  ),
  command("continue", ["c", "cont"], "c(ont(inue))", "Run until a breakpoint or the end of the program."),
  command("next", ["n"], "n(ext)", "Run to the next line of this function, stepping over calls."),
  command("step", ["s"], "s(tep)", "Run to the next line, stepping into a call if there is one."),
  command("return", ["r"], "r(eturn)", "Run until the current function returns."),
  command(
    "until",
    ["unt"],
    "unt(il) [line]",
    "Run until a line greater than the current one (or at least line) in this function, or until it returns.",
  ),
  command(
    "rstep",
    ["rs"],
    "rs(tep)",
    "Step back to the previous recorded line, into a function that just returned (needs recording: " +
      "pdap run --record or 'record on').",
  ),
  command(
    "rnext",
    ["rn"],
    "rn(ext)",
    "Step back to the previous recorded line of this function, over calls.",
  ),
  command(
    "rcontinue",
    ["rc"],
    "rc(ontinue)",
    "Go back to the previous recorded hit of a breakpoint, or to the start of the recording. " +
      "next, step and continue then move forward through the recording to the present.",
  ),
  command(
    "record",
    [],
    "record on|off",
    "Record your code's lines, locals, calls and returns from now on, for rstep, rnext, rcontinue and history.",
  ),
  command(
    "history",
    [],
    "history name",
    "List when a variable changed in the current function (from the recording), with line and value.",
  ),
  command(
    "jump",
    ["j"],
    "j(ump) line",
    "Make line the next line to run, without running the lines between (when the adapter supports it).",
  ),
  command(
    "list",
    ["l"],
    "l(ist) [first[, last] | .]",
    "List source: 11 lines around the current line, then the next 11 on each repeat; " +
      "'.' goes back to the current line; first, last lists a range.",
  ),
  command("longlist", ["ll"], "ll | longlist", "List the whole current function."),
  command("print", ["p"], "p expression", "Print the value of the expression, cut to the terminal width."),
  command("pp", [], "pp expression", "Pretty-print the whole value of the expression."),
  command("whatis", [], "whatis expression", "Print the type of the expression."),
  command(
    "display",
    [],
    "display [expression]",
    "Show the expression's value at every stop where it changed; without one, list the displays.",
  ),
  command(
    "undisplay",
    [],
    "undisplay [expression]",
    "Stop displaying the expression (all of them without one).",
  ),
  command("args", ["a"], "a(rgs)", "Print the arguments of the current function."),
  command("locals", [], "locals", "Print the local variables of the current frame."),
  command(
    "retval",
    ["rv"],
    "retval | rv",
    "Print the value the function just returned (when the adapter reports it).",
  ),
  command(
    "interact",
    [],
    "interact",
    "Start a Python prompt in the current frame; Ctrl-D (or exit()) comes back to the debugger.",
  ),
  command("threads", [], "threads", "List the program's threads; '*' marks the one commands act on."),
  command("thread", [], "thread number", "Switch to another thread: its stack becomes the current one."),
  command(
    "processes",
    [],
    "processes",
    "List the processes being debugged: the program (1) and the child Python processes it started; " +
      "'*' marks the one commands act on.",
  ),
  command(
    "process",
    ["inferior"],
    "process [number]",
    "Switch to another stopped process: its threads and stack become the current ones, and continue, " +
      "step and the rest act on it. Without a number, list the processes.",
  ),
  command(
    "catch",
    [],
    "catch [raised] [uncaught] | catch off",
    "Stop when an exception is raised, or only when none catches it; 'off' stops stopping. " +
      "Without arguments, show the setting.",
  ),
  command(
    "restart",
    ["run"],
    "restart",
    "Start the program again from the beginning, with the same arguments and breakpoints; its child " +
      "processes end with it. Only for a program pdap run started.",
  ),
  command(
    "quit",
    ["q", "exit"],
    "q(uit)",
    "Leave the debugger: a program it started is ended, an attached program is left running.",
  ),
];

const BY_NAME = new Map<string, CommandInfo>();
for (const info of COMMANDS) {
  for (const name of [info.name, ...info.aliases]) BY_NAME.set(name, info);
}

export function findCommand(word: string): CommandInfo | undefined {
  return BY_NAME.get(word);
}

export type Input =
  | { kind: "empty" }
  | { kind: "command"; command: CommandInfo; arg: string; text: string }
  | { kind: "python"; code: string };

/**
 * A line of input: a command (its first word names one), or Python. `n = 5`, `c.x`, `l[0]` and
 * `s()` are Python even though they start with a command's name, as they would be at a Python prompt.
 */
export function parseInput(line: string): Input {
  const text = line.trim();
  if (!text) return { kind: "empty" };
  if (text.startsWith("!")) return { kind: "python", code: text.slice(1).trim() };
  const match = /^([a-z]+)(.*)$/s.exec(text);
  const info = match ? findCommand(match[1]) : undefined;
  if (!match || !info || looksLikePython(match[2])) return { kind: "python", code: text };
  return { kind: "command", command: info, arg: match[2].trim(), text };
}

function looksLikePython(rest: string): boolean {
  if (/^[.([]/.test(rest)) return true; // attribute, call, subscript right after the name
  const afterSpace = rest.trimStart();
  if (/^=(?!=)/.test(afterSpace)) return true; // assignment
  if (/^(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)=/.test(afterSpace)) return true; // augmented assignment
  return /^,/.test(afterSpace) && /=/.test(afterSpace); // tuple assignment: a, b = ...
}

// ----- argument parsers: each throws UsageError with the line the user sees --------------------

export class UsageError extends Error {}

export type Location = { kind: "line"; file?: string; line: number } | { kind: "function"; name: string };

export interface BreakSpec {
  location: Location;
  condition?: string;
}

/** `[file:]line` or `function`, then an optional `, condition` (split at the first comma, as pdb does). */
export function parseBreakSpec(arg: string): BreakSpec {
  const comma = arg.indexOf(",");
  const where = (comma >= 0 ? arg.slice(0, comma) : arg).trim();
  const condition = comma >= 0 ? arg.slice(comma + 1).trim() || undefined : undefined;
  return { location: parseLocation(where), condition };
}

export function parseLocation(where: string): Location {
  if (/^\d+$/.test(where)) return { kind: "line", line: lineNumber(where) };
  const fileLine = /^(.+):(\d+)$/.exec(where);
  if (fileLine) return { kind: "line", file: fileLine[1], line: lineNumber(fileLine[2]) };
  if (/^[A-Za-z_][\w.]*$/.test(where)) return { kind: "function", name: where };
  throw new UsageError(`'${where}' is not a breakpoint location: use line, file:line or function`);
}

export function lineNumber(text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`'${text.trim()}' is not a line number`);
  return value;
}

/** A count argument (up 3, ignore 1 5); empty gives the fallback. */
export function parseCount(text: string, fallback: number): number {
  if (!text.trim()) return fallback;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`'${text.trim()}' is not a count`);
  return value;
}

export function parseNumbers(text: string, what = "breakpoint number"): number[] {
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) throw new UsageError(`give a ${what}`);
  return words.map((word) => {
    const value = Number(word);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`'${word}' is not a ${what}`);
    return value;
  });
}

/** `first[, last]` for list: last below first is a count, as in pdb. */
export function parseRange(text: string): { first: number; last?: number } {
  const [firstText, lastText] = text.split(",");
  const first = lineNumber(firstText);
  if (lastText === undefined || !lastText.trim()) return { first };
  const last = lineNumber(lastText);
  return { first, last: last < first ? first + last : last };
}

/** The help screen: every command with its abbreviation, in columns. */
/**
 * `help`: every command the session can run (`unavailable` names those its adapter cannot, e.g.
 * jump without gotoTargets), and what justMyCode hides.
 */
export function helpOverview(width: number, unavailable: ReadonlySet<string> = new Set()): string[] {
  const lines = [
    "Commands (abbreviations in brackets; any other input runs as Python in the current frame):",
  ];
  const entries = COMMANDS.filter((info) => !unavailable.has(info.name)).map((info) =>
    info.aliases.length ? `${info.name} (${info.aliases.join(", ")})` : info.name,
  );
  const column = Math.max(...entries.map((entry) => entry.length)) + 2;
  const perLine = Math.max(1, Math.floor((Number.isFinite(width) ? Math.min(width, 100) : 100) / column));
  for (let i = 0; i < entries.length; i += perLine) {
    lines.push(
      `  ${entries
        .slice(i, i + perLine)
        .map((entry) => entry.padEnd(column))
        .join("")
        .trimEnd()}`,
    );
  }
  lines.push("Enter repeats the last command. 'help command' explains one; '!statement' forces Python.");
  lines.push(
    ...wrap(
      "Only your code stops and steps (justMyCode): the standard library and site-packages run through, " +
        "except the program or module you started; pdap run --no-just-my-code debugs them too.",
      Number.isFinite(width) ? Math.min(width, 100) : 100,
    ),
  );
  return lines;
}

/** `help command`: its usage, then its help wrapped to the width, every line indented alike. */
export function helpFor(word: string, width = Number.POSITIVE_INFINITY): string[] {
  const info = findCommand(word);
  if (!info) throw new UsageError(`no command '${word}': 'help' lists them`);
  const also = info.aliases.length ? `  (also: ${info.aliases.join(", ")})` : "";
  return [`${info.usage}${also}`, ...wrap(info.help, Math.min(width, 100) - HELP_INDENT.length, HELP_INDENT)];
}

const HELP_INDENT = "    ";

/** Words into lines of at most `width` columns (a longer word gets a line of its own). */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}
