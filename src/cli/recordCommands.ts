// Step back in the terminal: record on|off, rstep, rnext, rcontinue and history NAME. The
// adapter records (launch attribute `record`, or the custom `record` request) and walks the
// recording (DAP stepBack / reverseContinue, the custom `history` request).
import { UsageError } from "./commands.js";
import type { CommandHandler, TerminalDebugger } from "./debugger.js";

function requireStepBack(dbg: TerminalDebugger): void {
  if (!dbg.capabilities.supportsStepBack) throw new UsageError("this debug adapter cannot step back");
}

function back(command: "stepBack" | "reverseContinue", over = false): CommandHandler {
  return async (dbg) => {
    requireStepBack(dbg);
    const threadId = dbg.requireThread();
    // pdap's reverse next is stepBack with over; other adapters ignore it
    return command === "stepBack" && over
      ? dbg.resume(command, { threadId, over: true })
      : dbg.resume(command, { threadId });
  };
}

const record: CommandHandler = async (dbg, arg) => {
  requireStepBack(dbg);
  const word = arg.trim() || "on";
  if (word !== "on" && word !== "off") throw new UsageError("usage: record on|off");
  const body = await dbg.client.request("record", { on: word === "on" });
  dbg.screen.info(
    body.recording
      ? "Recording your code's lines for step back (rstep, rnext, rcontinue, history)."
      : "Recording is off; what was recorded stays for rstep and history.",
  );
  return "stay";
};

const history: CommandHandler = async (dbg, arg) => {
  const name = arg.trim();
  if (!/^[A-Za-z_]\w*$/.test(name)) throw new UsageError("usage: history NAME (a variable's name)");
  const body = await dbg.client.request("history", {
    name,
    frameId: dbg.frame?.id,
    threadId: dbg.threadId,
  });
  if (body.changes.length === 0) {
    dbg.screen.info(`${name}: no recorded change`);
    return "stay";
  }
  for (const change of body.changes) {
    dbg.screen.printFitted(
      `  step ${change.step}  line ${change.line} in ${change.function}: ${name} = ${change.value}`,
    );
  }
  return "stay";
};

export const RECORD_COMMANDS: Record<string, CommandHandler> = {
  record,
  rstep: back("stepBack"),
  rnext: back("stepBack", true),
  rcontinue: back("reverseContinue"),
  history,
};
