// The `pdap` command: adapter (DAP server), run and attach (the terminal debugger).
import type net from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { parseHostPort } from "../adapter/config.js";
import { pdapVersion } from "../installLayout.js";
import { EXIT_FAILED } from "./exitCodes.js";
import { addTerminalDebuggerCommands } from "./terminalCommands.js";

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new InvalidArgumentError("not a port number");
  return number;
}

export function buildProgram(): Command {
  const program = new Command("pdap")
    .description("A fast Python debugger speaking the Debug Adapter Protocol")
    .version(pdapVersion(), "-V, --version", "print pdap's version");
  program
    .command("adapter")
    .description("serve DAP on stdio (for editors), or on a TCP port with --port")
    .option("--port <port>", "serve DAP on this TCP port instead of stdio", port)
    .option("--host <host>", "address to listen on with --port", "127.0.0.1")
    .option(
      "--listen-for-agents <[host:]port>",
      "also wait for agents that dial in (python -m pdap --connect); an attach with listen on this port takes the next one",
    )
    .action(async (options: { port?: number; host: string; listenForAgents?: string }) => {
      // loaded here: `pdap run` and `pdap --version` start faster without the adapter
      const { serveStdio, serveTcp, startAgentListener } = await import("../adapter/server.js");
      if (options.listenForAgents !== undefined) await startAgentListener(options.listenForAgents);
      if (options.port === undefined) {
        serveStdio();
        return;
      }
      const server: net.Server = await serveTcp(options.host, options.port);
      const address = server.address() as net.AddressInfo;
      process.stderr.write(`pdap adapter: listening on ${address.address}:${address.port}\n`);
    });
  addTerminalDebuggerCommands(program);
  program
    .command("ps")
    .description("list local Python processes and whether pdap attach --pid can attach to each")
    .option("--json", "print them as JSON")
    .action(async (options: { json?: boolean }) => {
      // loaded here: the other commands start faster without /proc scanning and ptrace checks
      const { printPythonProcesses } = await import("./ps.js");
      printPythonProcesses(options.json === true);
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`pdap: ${(error as Error).message}\n`);
    process.exitCode = EXIT_FAILED;
  }
}

export { parseHostPort };
