// Commands that look at the stopped program: list, ll, p, pp, whatis, display, undisplay, args,
// locals, retval, interact.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parseRange, UsageError } from "./commands.js";
import { type CommandHandler, messageOf, type TerminalDebugger } from "./debugger.js";
import { formatListing, functionExtent, parameterNames, type SourceFile } from "./listing.js";
import { decodePythonString } from "./pyliteral.js";

const LIST_SPAN = 11;

async function currentSource(
  dbg: TerminalDebugger,
): Promise<{ frame: DebugProtocol.StackFrame; file: SourceFile }> {
  const frame = dbg.requireFrame();
  const file = await dbg.sourceOf(frame);
  if (!file) throw new UsageError(`no source available for ${dbg.placeOfFrame(frame)}`);
  return { frame, file };
}

function printLines(
  dbg: TerminalDebugger,
  frame: DebugProtocol.StackFrame,
  file: SourceFile,
  first: number,
  last: number,
) {
  const marks = { current: frame.line, breakpoints: dbg.marksFor(frame) };
  for (const line of formatListing(file, first, last, marks, dbg.screen.colour, dbg.screen.width)) {
    dbg.screen.print(line);
  }
}

/** pdb's list: around the current line, then onwards on each repeat; '.', 'first', 'first, last'. */
const list: CommandHandler = async (dbg, arg) => {
  const { frame, file } = await currentSource(dbg);
  const around = (line: number) => Math.max(1, line - Math.floor(LIST_SPAN / 2));
  let first: number;
  let last: number;
  if (!arg || arg === ".") {
    const cursor = dbg.listCursor;
    first = !arg && cursor && cursor.key === file.name ? cursor.next : around(frame.line);
    last = first + LIST_SPAN - 1;
  } else {
    const range = parseRange(arg);
    first = range.last === undefined ? around(range.first) : range.first;
    last = range.last ?? first + LIST_SPAN - 1;
  }
  if (first > file.lines.length) throw new UsageError(`end of file (${file.lines.length} lines)`);
  printLines(dbg, frame, file, first, last);
  dbg.listCursor = { key: file.name, next: Math.min(last, file.lines.length) + 1 };
  return "stay";
};

const longlist: CommandHandler = async (dbg) => {
  const { frame, file } = await currentSource(dbg);
  const extent =
    frame.name === "<module>"
      ? { first: 1, last: file.lines.length }
      : functionExtent(file.lines, frame.line, frame.name);
  if (!extent) return list(dbg, String(frame.line));
  printLines(dbg, frame, file, extent.first, extent.last);
  return "stay";
};

function needExpression(arg: string, command: string): string {
  if (!arg.trim()) throw new UsageError(`usage: ${command} expression`);
  return arg.trim();
}

/** p: the value as the adapter shows it, each line cut to the terminal width. */
const print: CommandHandler = async (dbg, arg) => {
  const { result } = await dbg.evaluate(needExpression(arg, "p"), "watch");
  for (const line of result.split("\n")) dbg.screen.printFitted(line);
  return "stay";
};

/** pp: the whole value, laid out by Python's pprint at the terminal's width. */
const prettyPrint: CommandHandler = async (dbg, arg) => {
  const expression = needExpression(arg, "pp");
  const width = Number.isFinite(dbg.screen.width) ? Math.max(40, dbg.screen.width - 1) : 100;
  const { result } = await dbg.evaluate(
    `__import__("pprint").pformat((${expression}), width=${width})`,
    "repl",
  );
  dbg.screen.print(decodePythonString(result) ?? result);
  return "stay";
};

const whatis: CommandHandler = async (dbg, arg) => {
  const { result } = await dbg.evaluate(`type((${needExpression(arg, "whatis")}))`, "watch");
  dbg.screen.printFitted(result);
  return "stay";
};

const display: CommandHandler = async (dbg, arg) => {
  const expression = arg.trim();
  if (!expression) {
    if (dbg.displays.size === 0) dbg.screen.info("No display expressions.");
    else dbg.screen.info("Currently displaying:");
    for (const [shown, value] of dbg.displays) dbg.screen.printFitted(`${shown}: ${value ?? ""}`);
    return "stay";
  }
  const value = await dbg.displayValue(expression);
  dbg.displays.set(expression, value);
  dbg.screen.printFitted(`display ${expression}: ${value}`);
  return "stay";
};

const undisplay: CommandHandler = async (dbg, arg) => {
  const expression = arg.trim();
  if (!expression) dbg.displays.clear();
  else if (!dbg.displays.delete(expression)) throw new UsageError(`not displaying '${expression}'`);
  return "stay";
};

async function localVariables(dbg: TerminalDebugger): Promise<DebugProtocol.Variable[]> {
  const frame = dbg.requireFrame();
  const scopes = await dbg.client.scopes(frame.id);
  const locals = scopes.find((s) => s.presentationHint === "locals" || /^locals$/i.test(s.name)) ?? scopes[0];
  if (!locals) return [];
  // group rows ("special variables", ...) are views, not variables of the frame
  return (await dbg.client.variables(locals.variablesReference)).filter(
    (v) => v.presentationHint?.kind !== "virtual",
  );
}

function printVariable(dbg: TerminalDebugger, name: string, value: string): void {
  dbg.screen.printFitted(`${name} = ${value.replace(/\n/g, "\\n")}`);
}

/** a: the current function's parameters (read from its def line) with their values now. */
const args: CommandHandler = async (dbg) => {
  const { frame, file } = await currentSource(dbg);
  if (frame.name === "<module>") return "stay";
  const extent = functionExtent(file.lines, frame.line, frame.name);
  if (!extent) throw new UsageError(`cannot find the def of ${frame.name} in ${file.name}`);
  const names = parameterNames(file.lines, extent);
  const values = new Map((await localVariables(dbg)).map((v) => [v.name, v.value]));
  for (const name of names) printVariable(dbg, name, values.get(name) ?? "<not set>");
  return "stay";
};

const locals: CommandHandler = async (dbg) => {
  const variables = (await localVariables(dbg)).filter((v) => !/^\(return\)/.test(v.name));
  if (variables.length === 0) dbg.screen.info("No local variables.");
  for (const variable of variables) printVariable(dbg, variable.name, variable.value);
  return "stay";
};

/** retval: from a return-value scope, or a "(return) name" variable, whichever the adapter gives. */
const retval: CommandHandler = async (dbg) => {
  const frame = dbg.requireFrame();
  const scopes = await dbg.client.scopes(frame.id);
  const scope = scopes.find((s) => /return/i.test(s.name));
  const variables = scope
    ? await dbg.client.variables(scope.variablesReference)
    : (await localVariables(dbg)).filter((v) => /^\(return\)/.test(v.name));
  if (variables.length === 0) {
    throw new UsageError("no return value here: this adapter reports none at this stop (try after 'r')");
  }
  for (const variable of variables) dbg.screen.printFitted(variable.value);
  return "stay";
};

/** interact: a Python prompt in the current frame; blocks end with an empty line. */
const interact: CommandHandler = async (dbg) => {
  const frame = dbg.requireFrame();
  dbg.screen.info(`*interactive* in ${frame.name}: Ctrl-D or exit() comes back to the debugger`);
  let block: string[] = [];
  for (;;) {
    const line = await dbg.prompt.read(block.length ? "... " : ">>> ");
    if (line === null) break;
    if (block.length === 0 && /^\s*(exit|quit)\(\)\s*$/.test(line)) break;
    if (block.length > 0 && line.trim() !== "") {
      block.push(line);
      continue;
    }
    const code = block.length > 0 ? block.join("\n") : line;
    block = [];
    if (!code.trim()) continue;
    if (/:\s*(#.*)?$/.test(code) && !code.includes("\n")) {
      block = [code]; // a compound statement: collect its body until an empty line
      continue;
    }
    try {
      await dbg.runPython(code);
    } catch (error) {
      dbg.screen.error(messageOf(error));
    }
  }
  dbg.screen.info("Back in the debugger.");
  return "stay";
};

export const INSPECT_COMMANDS: Record<string, CommandHandler> = {
  list,
  longlist,
  print,
  pp: prettyPrint,
  whatis,
  display,
  undisplay,
  args,
  locals,
  retval,
  interact,
};
