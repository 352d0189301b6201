// The terminal debugger speaks plain DAP: the same session against debugpy's adapter (which starts
// the program through runInTerminal too) gives the same stops, values and listing as pdap's.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PDAP_BIN } from "../src/client/client.js";
import { runInTerminal } from "./support/cli.js";
import { installDebugpy } from "./support/debugpy.js";
import { FIXTURES, fixture } from "./support/fixtures.js";
import { type PythonTarget, pythonMatrix } from "./support/pythons.js";
import { haveTmux, Terminal } from "./support/terminal.js";

const app = fixture("cli_app.py");

/** A session that touches breakpoints, stepping, printing, the stack, listing and the end. */
const SCRIPT = [
  `b ${app.line("ADD")}`,
  "c",
  "n",
  "p total",
  "where",
  "u",
  "p argv",
  "d",
  `b ${app.line("LOOP_BODY")}`,
  "c",
  "p value",
  "c",
  "p value, out",
  "l",
  "clear",
  `tbreak ${app.line("MAIN_PRINT")}`,
  "c",
  "a",
  "c",
];

/** debugpy's wheels carry compiled parts per version; 3.11 is the one the brief's mirror has. */
function debugpyTarget(): PythonTarget | undefined {
  const { targets } = pythonMatrix();
  return targets.find((t) => t.version === "3.11") ?? targets.find((t) => t.backend === "settrace");
}

async function transcript(term: Terminal): Promise<string[]> {
  const first = await term.waitFor("(pdap)");
  const outputs = [first.split("\n").slice(0, -1).join("\n")];
  for (const line of SCRIPT) outputs.push(`(pdap) ${line}\n${await term.command(line)}`);
  return outputs;
}

const target = debugpyTarget();
const install = target && haveTmux() ? installDebugpy(target.python, target.version) : undefined;
const skip = !target
  ? "no Python 3.9+ found"
  : !haveTmux()
    ? "tmux is not installed"
    : install && "skip" in install
      ? install.skip
      : false;

if (skip || !target || !install || !("pythonPath" in install)) {
  it("terminal debugger against debugpy's adapter", { skip: skip || true }, () => {});
} else {
  const pythonPath = install.pythonPath;
  describe(`terminal debugger against debugpy's adapter [${target.label}]`, () => {
    let pdap: Terminal;
    let debugpy: Terminal;
    before(() => {
      pdap = runInTerminal(target, ["cli_app.py"]);
      debugpy = Terminal.start(
        [
          process.execPath,
          PDAP_BIN,
          "run",
          "--adapter",
          `${target.python} -m debugpy.adapter`,
          "--python",
          target.python,
          "cli_app.py",
        ],
        { cwd: FIXTURES, env: { PYTHONPATH: pythonPath } },
      );
    });
    after(() => {
      pdap.close();
      debugpy.close();
    });

    it("gives the same stops, values, listings and end as pdap's adapter", async () => {
      const expected = await transcript(pdap);
      const actual = await transcript(debugpy);
      for (let i = 0; i < expected.length; i++) assert.equal(actual[i], expected[i]);
      assert.match(
        actual[2] ?? "",
        new RegExp(`^> add\\(\\) at cli_app.py:${app.line("ADD")} {2}\\(breakpoint 1\\)$`, "m"),
      );
      assert.match(actual.at(-1) ?? "", /^result 3 \[3, 6, 9\] \[\]\nThe program exited with code 0\.$/m);
    });
  });

  describe(`jump and retval where the adapter has them: debugpy's [${target.label}]`, () => {
    let term: Terminal;
    before(() => {
      term = Terminal.start(
        [
          process.execPath,
          PDAP_BIN,
          "run",
          "--adapter",
          `${target.python} -m debugpy.adapter`,
          "--python",
          target.python,
          "-b",
          `cli_app.py:${app.line("ADD_RETURN")}`,
          "--no-stop-on-entry",
          "cli_app.py",
        ],
        { cwd: FIXTURES, env: { PYTHONPATH: pythonPath } },
      );
    });
    after(() => term.close());

    it("shows the value a function returned", async () => {
      await term.waitFor("(pdap)");
      await term.command("r");
      assert.equal(await term.command("retval"), "3");
    });

    it("jumps back to a line and runs it again", async () => {
      await term.command("n");
      const jumped = await term.command(`j ${app.line("MAIN_ADD")}`);
      assert.match(
        jumped,
        new RegExp(`^> main\\(\\) at cli_app.py:${app.line("MAIN_ADD")} {2}\\(jumped\\)$`, "m"),
      );
      const again = await term.command("n");
      assert.match(
        again,
        new RegExp(`^> add\\(\\) at cli_app.py:${app.line("ADD_RETURN")} {2}\\(breakpoint 1\\)$`, "m"),
      );
      await term.command("q");
      assert.equal(await term.exitStatus(), 0);
    });
  });
}
