// Starting `pdap run` / `pdap attach` in a pseudo-terminal for the terminal debugger's tests.
import { after, before, describe, it } from "node:test";
import { PDAP_BIN } from "../../src/client/client.js";
import { FIXTURES } from "./fixtures.js";
import { type PythonTarget, pythonMatrix } from "./pythons.js";
import { haveTmux, Terminal, type TerminalOptions } from "./terminal.js";

/** `pdap run --python … --backend … args` in a terminal whose working directory is test/fixtures. */
export function runInTerminal(target: PythonTarget, args: string[], options: TerminalOptions = {}): Terminal {
  return Terminal.start(
    [process.execPath, PDAP_BIN, "run", "--python", target.python, "--backend", target.backend, ...args],
    { cwd: FIXTURES, ...options },
  );
}

export function pdapInTerminal(args: string[], options: TerminalOptions = {}): Terminal {
  return Terminal.start([process.execPath, PDAP_BIN, ...args], { cwd: FIXTURES, ...options });
}

/**
 * The one interpreter the scenarios that do not depend on the Python version run on: 3.12 with
 * sys.monitoring when present, else the newest found.
 */
export function mainTarget(): PythonTarget | undefined {
  const { targets } = pythonMatrix();
  return (
    targets.find((t) => t.version === "3.12" && t.backend === "monitoring") ??
    targets.find((t) => t.backend === "monitoring") ??
    targets[targets.length - 1]
  );
}

/** The `> name() at file:line` lines of a transcript: the stops, in order. */
export function stopsIn(screen: string): string[] {
  return screen
    .split("\n")
    .filter((line) => line.startsWith("> "))
    .map((line) => line.replace(/\s+\(.*\)$/, ""));
}

/** The lines of a command's output that are errors. */
export function errorLines(output: string): string[] {
  return output.split("\n").filter((line) => line.startsWith("***"));
}

/** A describe block on the main interpreter in a terminal, skipped by name without one or without tmux. */
export function onMainTerminal(title: string, body: (target: PythonTarget) => void): void {
  const target = mainTarget();
  const skip = !target ? "no Python 3.9+ found" : haveTmux() ? false : "tmux is not installed";
  if (skip || !target) it(title, { skip: skip || true }, () => {});
  else describe(`${title} [${target.label}]`, () => body(target));
}

/** A terminal started before the block's tests and closed after them. */
export function terminalFor(start: () => Terminal): () => Terminal {
  let term: Terminal | undefined;
  before(() => {
    term = start();
  });
  after(() => term?.close());
  return () => term as Terminal;
}
