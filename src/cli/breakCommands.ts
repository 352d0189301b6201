// Breakpoint commands with pdb's meaning: break, tbreak, clear, disable, enable, condition,
// ignore; and catch, which stops on exceptions when the adapter offers it.
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { BreakpointEntry } from "./breakpoints.js";
import {
  type BreakSpec,
  parseBreakSpec,
  parseCount,
  parseLocation,
  parseNumbers,
  UsageError,
} from "./commands.js";
import type { CommandHandler, TerminalDebugger } from "./debugger.js";
import { findUserFile } from "./paths.js";
import { decodePythonString } from "./pyliteral.js";

/** Files the session knows: the program, and every file on the current stack. */
function knownFiles(dbg: TerminalDebugger): string[] {
  const files = dbg.frames.map((frame) => frame.source?.path).filter((p): p is string => Boolean(p));
  if (dbg.options.programFile) files.push(dbg.options.programFile);
  return files;
}

function currentFile(dbg: TerminalDebugger): string {
  const file = dbg.frame?.source?.path ?? dbg.options.programFile;
  if (!file) throw new UsageError("no current file: give file:line");
  return file;
}

function resolveFile(dbg: TerminalDebugger, name: string): string {
  const found = findUserFile(name, knownFiles(dbg));
  if (found) return found;
  // a remote program's file need not exist here; an absolute path is taken on trust
  if (path.isAbsolute(name)) return name;
  throw new UsageError(`no file '${name}' here`);
}

/** Sets the breakpoint a `break`/`tbreak` argument describes; throws a one-line error when refused. */
export async function setBreakpoint(
  dbg: TerminalDebugger,
  spec: BreakSpec,
  temporary: boolean,
): Promise<void> {
  const { location, condition } = spec;
  let entry: BreakpointEntry;
  if (location.kind === "line") {
    const file = location.file ? resolveFile(dbg, location.file) : currentFile(dbg);
    entry = await dbg.breakpoints.add({ file, line: location.line, condition, temporary });
  } else if (dbg.capabilities.supportsFunctionBreakpoints) {
    entry = await dbg.breakpoints.add({ functionName: location.name, condition, temporary });
  } else {
    const { file, line } = await firstLineOfFunction(dbg, location.name);
    entry = await dbg.breakpoints.add({ file, line, functionName: location.name, condition, temporary });
  }
  if (!entry.verified && entry.message && !entry.pending) {
    await dbg.breakpoints.withdraw(entry);
    throw new UsageError(`breakpoint not set: ${entry.message}`);
  }
  dbg.screen.info(describeNew(dbg, entry));
}

function describeNew(dbg: TerminalDebugger, entry: BreakpointEntry): string {
  const kind = entry.temporary ? "Temporary breakpoint" : "Breakpoint";
  const notes: string[] = [];
  if (entry.functionName && entry.file !== undefined) notes.push(`function ${entry.functionName}`);
  if (entry.line !== undefined && entry.actualLine !== undefined && entry.actualLine !== entry.line) {
    notes.push(`moved from line ${entry.line}`);
  }
  if (!entry.verified) notes.push(entry.message ? `pending: ${entry.message}` : "pending");
  else if (entry.message) notes.push(entry.message); // e.g. a function not defined yet
  return `${kind} ${entry.number} at ${dbg.placeOf(entry)}${notes.length ? ` (${notes.join(", ")})` : ""}`;
}

/**
 * Where `break function` stops when the adapter has no function breakpoints: the function's first
 * body line, found by evaluating its code object in the current frame (as pdb resolves names).
 */
async function firstLineOfFunction(
  dbg: TerminalDebugger,
  name: string,
): Promise<{ file: string; line: number }> {
  if (!dbg.frame) throw new UsageError(`break ${name}: function breakpoints need a stopped program here`);
  const expression =
    `(lambda f: (lambda c: "%d:%s" % (min([n for _, n in __import__("dis").findlinestarts(c) ` +
    `if n is not None and n > c.co_firstlineno] or [c.co_firstlineno]), c.co_filename))` +
    `(f.__code__))(__import__("inspect").unwrap(getattr(${name}, "__func__", ${name})))`;
  let result: string;
  try {
    result = (await dbg.evaluate(expression, "watch")).result;
  } catch (error) {
    const message = (error as Error).message;
    if (/__code__/.test(message)) throw new UsageError(`'${name}' is not a Python function`);
    throw new UsageError(`break ${name}: ${message}`);
  }
  const text = decodePythonString(result) ?? "";
  const colon = text.indexOf(":");
  const line = Number(text.slice(0, colon));
  if (colon < 0 || !Number.isInteger(line)) throw new UsageError(`cannot find where '${name}' starts`);
  return { file: text.slice(colon + 1), line };
}

function breakCommand(temporary: boolean): CommandHandler {
  return async (dbg, arg) => {
    if (!arg) {
      listBreakpoints(dbg);
      return "stay";
    }
    await setBreakpoint(dbg, parseBreakSpec(arg), temporary);
    return "stay";
  };
}

function listBreakpoints(dbg: TerminalDebugger): void {
  const entries = dbg.breakpoints.all;
  if (entries.length === 0) {
    dbg.screen.info("No breakpoints.");
    return;
  }
  dbg.screen.info("Num Type         Disp Enb   Where");
  for (const entry of entries) {
    const type = entry.watch ? "watchpoint" : entry.file === undefined ? "function bp" : "breakpoint";
    const where = entry.watch
      ? `${entry.watch.expression}${entry.watch.mutation ? " (or changed in place)" : ""}`
      : entry.functionName && entry.file !== undefined
        ? `${dbg.placeOf(entry)} (${entry.functionName})`
        : dbg.placeOf(entry);
    dbg.screen.printFitted(
      `${String(entry.number).padEnd(4)}${type.padEnd(13)}${(entry.temporary ? "del" : "keep").padEnd(5)}` +
        `${(entry.enabled ? "yes" : "no").padEnd(6)}${entry.watch ? "" : "at "}${where}`,
    );
    const notes = [
      entry.condition && `stop only if ${entry.condition}`,
      entry.ignoreCount > 0 && `will ignore the next ${entry.ignoreCount} hits`,
      entry.hits > 0 && `already stopped here ${entry.hits} time${entry.hits === 1 ? "" : "s"}`,
      !entry.verified && `pending${entry.message ? `: ${entry.message}` : ""}`,
      entry.verified && entry.message,
    ];
    for (const note of notes) if (note) dbg.screen.printFitted(`        ${note}`);
  }
}

function entriesNamed(dbg: TerminalDebugger, arg: string): BreakpointEntry[] {
  return parseNumbers(arg).map((number) => {
    const entry = dbg.breakpoints.entries.get(number);
    if (!entry) throw new UsageError(`no breakpoint number ${number}`);
    return entry;
  });
}

const clear: CommandHandler = async (dbg, arg) => {
  let entries: BreakpointEntry[];
  if (!arg) entries = dbg.breakpoints.all;
  else if (/^\s*[\d\s,]+$/.test(arg)) entries = entriesNamed(dbg, arg);
  else {
    const location = parseLocation(arg);
    if (location.kind !== "line") throw new UsageError("clear takes breakpoint numbers or file:line");
    const file = location.file ? resolveFile(dbg, location.file) : currentFile(dbg);
    entries = dbg.breakpoints.at(file, location.line);
    if (entries.length === 0) throw new UsageError(`no breakpoint at ${arg}`);
  }
  await dbg.breakpoints.remove(entries);
  for (const entry of entries) dbg.screen.info(`Deleted ${dbg.nameOf(entry)}`);
  return "stay";
};

function enableCommand(enabled: boolean): CommandHandler {
  return async (dbg, arg) => {
    for (const entry of entriesNamed(dbg, arg)) {
      await dbg.breakpoints.update(entry, { enabled });
      dbg.screen.info(`${enabled ? "Enabled" : "Disabled"} ${dbg.nameOf(entry)}`);
    }
    return "stay";
  };
}

const condition: CommandHandler = async (dbg, arg) => {
  const match = /^(\S+)\s*(.*)$/s.exec(arg.trim());
  if (!match) throw new UsageError("usage: condition number [condition]");
  const [entry] = entriesNamed(dbg, match[1]);
  const previous = entry.condition;
  const text = match[2].trim() || undefined;
  await dbg.breakpoints.update(entry, { condition: text });
  if (!entry.verified && entry.message) {
    const message = entry.message;
    await dbg.breakpoints.update(entry, { condition: previous });
    throw new UsageError(`condition not set: ${message}`);
  }
  dbg.screen.info(
    text
      ? `New condition set for breakpoint ${entry.number}.`
      : `Breakpoint ${entry.number} is now unconditional.`,
  );
  return "stay";
};

const ignore: CommandHandler = async (dbg, arg) => {
  if (!dbg.capabilities.supportsHitConditionalBreakpoints) {
    throw new UsageError("ignore is not supported by this adapter (no hit conditions)");
  }
  const [numberText, countText = ""] = arg.trim().split(/\s+/);
  const [entry] = entriesNamed(dbg, numberText ?? "");
  const count = parseCount(countText, 0);
  await dbg.breakpoints.update(entry, { ignoreCount: count });
  dbg.screen.info(
    count > 0
      ? `Will ignore next ${count} crossing${count === 1 ? "" : "s"} of breakpoint ${entry.number}.`
      : `Will stop next time breakpoint ${entry.number} is reached.`,
  );
  return "stay";
};

// ----- watch ------------------------------------------------------------------------------------

/** `watch [-m] EXPR`: stop after a line that changes EXPR (with -m, also when it changes in place). */
const watchCommand: CommandHandler = async (dbg, arg) => {
  let expression = arg.trim();
  if (!expression) {
    listBreakpoints(dbg);
    return "stay";
  }
  if (!dbg.capabilities.supportsDataBreakpoints) {
    throw new UsageError("watch is not supported by this adapter (no data breakpoints)");
  }
  let mutation = false;
  const flag = /^(?:-m|--mutation)\s+(.+)$/s.exec(expression);
  if (flag) {
    mutation = true;
    expression = flag[1].trim();
  }
  const frame = dbg.frame;
  if (!frame) throw new UsageError("watch needs a stopped program: EXPR is found in the current frame");
  const info = await dbg.client.request("dataBreakpointInfo", {
    name: expression,
    frameId: frame.id,
    ...(mutation ? { mode: "mutation" } : {}),
  });
  if (!info.dataId) throw new UsageError(`cannot watch ${expression}: ${info.description}`);
  const entry = await dbg.breakpoints.add({
    watch: { expression, dataId: info.dataId, mutation, description: info.description },
    temporary: false,
  });
  if (!entry.verified) {
    await dbg.breakpoints.withdraw(entry);
    throw new UsageError(`watchpoint not set: ${entry.message ?? "refused"}`);
  }
  dbg.screen.info(`Watchpoint ${entry.number}: ${info.description}`);
  return "stay";
};

// ----- exceptions ----------------------------------------------------------------------------------

const FILTER_PATTERNS: Record<string, RegExp> = {
  raised: /^(raised|all|raise)/i,
  uncaught: /(uncaught|unhandled)/i,
};

/** The adapter's filter for `raised` / `uncaught`: its id, or a label that says the same. */
function filterFor(
  dbg: TerminalDebugger,
  word: string,
): DebugProtocol.ExceptionBreakpointsFilter | undefined {
  const filters = dbg.capabilities.exceptionBreakpointFilters ?? [];
  return (
    filters.find((filter) => filter.filter === word) ??
    filters.find(
      (filter) => FILTER_PATTERNS[word]?.test(filter.filter) || FILTER_PATTERNS[word]?.test(filter.label),
    )
  );
}

/** Exception stops for every process of the session (its children too). */
export async function setExceptionFilters(dbg: TerminalDebugger, filters: string[]): Promise<void> {
  await dbg.requestAll("setExceptionBreakpoints", { filters });
  dbg.exceptionFilters = filters;
}

const catchCommand: CommandHandler = async (dbg, arg) => {
  const offered = dbg.capabilities.exceptionBreakpointFilters ?? [];
  const words = arg.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) {
    const on = dbg.exceptionFilters;
    dbg.screen.info(on.length ? `Stopping on exceptions: ${on.join(", ")}.` : "Not stopping on exceptions.");
    dbg.screen.info(
      offered.length
        ? `This adapter offers: ${offered.map((f) => f.filter).join(", ")}.`
        : "This adapter offers no exception stops.",
    );
    return "stay";
  }
  if (words.length === 1 && (words[0] === "off" || words[0] === "none")) {
    await setExceptionFilters(dbg, []);
    dbg.screen.info("Not stopping on exceptions.");
    return "stay";
  }
  const filters = words.map((word) => {
    if (!FILTER_PATTERNS[word]) throw new UsageError(`catch ${word}: say raised, uncaught or off`);
    const filter = filterFor(dbg, word);
    if (!filter) throw new UsageError(`catch ${word}: not supported by this adapter`);
    return filter.filter;
  });
  await setExceptionFilters(dbg, filters);
  dbg.screen.info(
    words.includes("raised")
      ? "Will stop where an exception is raised."
      : "Will stop where an exception is not caught.",
  );
  return "stay";
};

export const BREAK_COMMANDS: Record<string, CommandHandler> = {
  break: breakCommand(false),
  tbreak: breakCommand(true),
  clear,
  delete: clear,
  watch: watchCommand,
  disable: enableCommand(false),
  enable: enableCommand(true),
  condition,
  ignore,
  catch: catchCommand,
};
