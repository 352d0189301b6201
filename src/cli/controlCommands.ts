import { helpFor, helpOverview, lineNumber, parseCount, UsageError } from "./commands.js";
import { type CommandHandler, frameName } from "./debugger.js";
import { codeLinesBetween, functionExtent } from "./listing.js";

function step(command: "continue" | "next" | "stepIn" | "stepOut"): CommandHandler {
  return async (dbg) => dbg.resume(command, { threadId: dbg.requireThread() });
}

/**
 * until: stop at the first line after this one (or at `line` or after) in the current function,
 * or when it returns. Done as temporary stops on the function's later lines plus a step out, so
 * a loop runs at full speed instead of one round trip per line.
 */
const until: CommandHandler = async (dbg, arg) => {
  const threadId = dbg.requireThread();
  const frame = dbg.requireFrame();
  const from = arg ? lineNumber(arg) : frame.line + 1;
  if (arg && from <= frame.line) {
    throw new UsageError(`line ${from} is not after the current line ${frame.line}`);
  }
  const file = await dbg.sourceOf(frame);
  const path = frame.source?.path;
  const extent =
    file && frame.name === "<module>"
      ? { last: file.lines.length }
      : file && functionExtent(file.lines, frame.line, frame.name);
  if (!file || !path || !extent) {
    if (arg) throw new UsageError("until LINE needs the source of this function");
    return dbg.resume("next", { threadId }); // a lambda or comprehension: the next line is all there is
  }
  const lines = codeLinesBetween(file.lines, from - 1, extent.last);
  if (lines.length > 0) await dbg.breakpoints.setUntil(path, lines, dbg.client);
  // an older frame resumes when the newer ones return: its later lines are enough
  return dbg.resume(dbg.frameIndex === 0 ? "stepOut" : "continue", { threadId });
};

const jump: CommandHandler = async (dbg, arg) => {
  if (!dbg.capabilities.supportsGotoTargetsRequest) {
    throw new UsageError("jump is not supported by this adapter");
  }
  const line = lineNumber(arg);
  const frame = dbg.requireFrame();
  if (dbg.frameIndex !== 0) throw new UsageError("jump works in the newest frame only: 'down' to it first");
  const { targets } = await dbg.client.request("gotoTargets", {
    source: frame.source ?? {},
    line,
  });
  if (!targets?.length) throw new UsageError(`cannot jump to line ${line}`);
  return dbg.resume("goto", { threadId: dbg.requireThread(), targetId: targets[0].id });
};

const where: CommandHandler = async (dbg) => {
  const { colour } = dbg.screen;
  for (let index = dbg.frames.length - 1; index >= 0; index--) {
    const frame = dbg.frames[index];
    const code = (await dbg.sourceOf(frame))?.lines[frame.line - 1]?.trim();
    const marker = index === dbg.frameIndex ? ">" : " ";
    const text =
      frame.presentationHint === "label" && !frame.source // e.g. step back's "recorded state" frame
        ? `${marker} #${index} ${frame.name}`
        : `${marker} #${index} ${frameName(frame)} at ${dbg.placeOfFrame(frame)}${code ? `  ${code}` : ""}`;
    const faint = frame.presentationHint === "subtle" || frame.presentationHint === "label";
    dbg.screen.printFitted(text, index === dbg.frameIndex ? colour.bold : faint ? colour.dim : undefined);
  }
  return "stay";
};

function move(direction: 1 | -1): CommandHandler {
  return async (dbg, arg) => {
    const count = parseCount(arg, 1);
    const last = dbg.frames.length - 1;
    if (last < 0) throw new UsageError("no frames");
    if (direction > 0 && dbg.frameIndex >= last) throw new UsageError("already at the oldest frame");
    if (direction < 0 && dbg.frameIndex <= 0) throw new UsageError("already at the newest frame");
    dbg.frameIndex = Math.min(last, Math.max(0, dbg.frameIndex + direction * count));
    dbg.listCursor = undefined;
    await dbg.printFrame(dbg.frame);
    return "stay";
  };
}

const threads: CommandHandler = async (dbg) => {
  for (const thread of await dbg.client.threads()) {
    const marker = thread.id === dbg.threadId ? "*" : " ";
    let where: string;
    try {
      const [top] = (await dbg.client.stackTrace(thread.id, 0, 1)).stackFrames;
      where = top ? `${frameName(top)} at ${dbg.placeOfFrame(top)}` : "(no Python frames)";
    } catch (error) {
      where = `(${(error as Error).message})`;
    }
    dbg.screen.printFitted(`${marker} ${thread.id} ${thread.name}  ${where}`);
  }
  return "stay";
};

const thread: CommandHandler = async (dbg, arg) => {
  if (!arg) {
    dbg.screen.info(`Current thread: ${dbg.threadId ?? "none"} ('threads' lists them all)`);
    return "stay";
  }
  const id = Number(arg);
  const known = await dbg.client.threads();
  if (!Number.isInteger(id) || !known.some((t) => t.id === id)) {
    throw new UsageError(`no thread ${arg}: 'threads' lists them`);
  }
  const previous = { threadId: dbg.threadId, frames: dbg.frames, frameIndex: dbg.frameIndex };
  dbg.threadId = id;
  try {
    await dbg.loadStack();
  } catch (error) {
    Object.assign(dbg, previous);
    throw new UsageError(`thread ${id}: ${(error as Error).message}`);
  }
  dbg.listCursor = undefined;
  await dbg.printFrame(dbg.frame, `  (thread ${id})`);
  return "stay";
};

const help: CommandHandler = async (dbg, arg) => {
  const lines = arg
    ? helpFor(arg.trim(), dbg.screen.width)
    : helpOverview(dbg.screen.width, dbg.unavailableCommands());
  for (const line of lines) dbg.screen.print(line);
  return "stay";
};

export const CONTROL_COMMANDS: Record<string, CommandHandler> = {
  continue: step("continue"),
  next: step("next"),
  step: step("stepIn"),
  return: step("stepOut"),
  until,
  jump,
  where,
  up: move(1),
  down: move(-1),
  threads,
  thread,
  help,
  quit: (dbg) => dbg.quit(),
  restart: (dbg) => dbg.restart(),
};
