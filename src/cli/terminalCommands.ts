// The `pdap run` and `pdap attach` subcommands: the terminal debugger's command line.
import type { Command } from "commander";
import { EXIT_USAGE } from "./exitCodes.js";

// the terminal debugger is loaded only for run and attach: `pdap adapter` starts faster without it
type RunModule = typeof import("./run.js");
const loadRun = (): Promise<RunModule> => import("./run.js");

/** Repeatable options; no default, so help does not show "(default: [])". */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Leaves with the session's status; adapters and readers still open must not keep us alive. */
function exitWith(status: number): never {
  process.exit(status);
}

async function guarded(start: (run: RunModule) => Promise<number>, name: string): Promise<void> {
  const run = await loadRun();
  try {
    exitWith(await start(run));
  } catch (error) {
    if (!(error instanceof run.CommandLineError)) throw error;
    process.stderr.write(`pdap ${name}: ${error.message}\n`);
    exitWith(EXIT_USAGE);
  }
}

function sessionOptions(command: Command): Command {
  return command
    .option("-b, --break <location>", "set a breakpoint first: [file:]line or function (repeatable)", collect)
    .option("-c, --command <command>", "run a debugger command at the first stop (repeatable)", collect)
    .option(
      "--no-just-my-code",
      "stop and step in the standard library and site-packages too (by default only your code stops)",
    )
    .option("--record", "record your code's lines for step back: rstep, rnext, rcontinue, history")
    .option("--adapter <command>", "use another DAP adapter on stdio, e.g. 'python3 -m debugpy.adapter'");
}

export function addTerminalDebuggerCommands(program: Command): void {
  // options after `run FILE` belong to the program, so the parent must not claim them
  program.enablePositionalOptions();
  sessionOptions(
    program
      .command("run")
      .description("debug a Python program in this terminal ('help' at the (pdap) prompt lists the commands)")
      .usage("[options] (FILE | -m MODULE) [ARGS...]")
      .argument("<target>", "the program's file, or with -m the module to run")
      .argument("[args...]", "the program's arguments (options after the program are the program's)")
      .option("-m, --module", "the target is a module, run as python -m does")
      .option("--python <path>", "the Python interpreter to run the program with (default: python3)")
      .option("--no-stop-on-entry", "run to the first breakpoint instead of stopping at the first line")
      .option("--cwd <dir>", "the program's working directory")
      .option("--backend <name>", "force pdap's tracer: monitoring (3.12+) or settrace"),
  )
    .passThroughOptions()
    .action((target: string, args: string[], options) =>
      guarded((run) => run.runProgram(target, args, options), "run"),
    );
  sessionOptions(
    program
      .command("attach")
      .description(
        "debug a program started with python -m pdap --listen [HOST:]PORT (or pdap.listen()), or by --pid",
      )
      .argument("[address]", "[HOST:]PORT the program listens on")
      .option(
        "--pid <pid>",
        "attach to this process (it opted in: PDAP_ATTACH=1 or pdap.enable_attach()); see pdap ps",
      )
      .option("--path-map <local=remote>", "map a local source root to the program's (repeatable)", collect)
      .option(
        "--token <token>",
        "the program's access token (it prints one when listening beyond loopback); default: env PDAP_TOKEN",
      ),
  ).action((address: string | undefined, options) =>
    guarded((run) => run.attachProgram(address, options), "attach"),
  );
}
