// The pdap command line as a newcomer meets it: --help texts, help wrapped to the width, one
// exit-status scheme, connection failures in words, the token hint of pdap.listen(), and Tab
// after `break`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import { connectFailure } from "../src/adapter/agentLink.js";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { helpFor } from "../src/cli/commands.js";
import { EXIT_FAILED, EXIT_USAGE } from "../src/cli/exitCodes.js";
import { completeFileNames } from "../src/cli/fileCompletion.js";
import { PDAP_BIN } from "../src/client/client.js";
import { onMainTerminal, runInTerminal, terminalFor } from "./support/cli.js";
import { FIXTURES } from "./support/fixtures.js";
import { pythonMatrix } from "./support/pythons.js";

function pdap(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [PDAP_BIN, ...args], {
    cwd: FIXTURES,
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it("--help shows no empty default for the repeatable options", () => {
  for (const command of ["run", "attach"]) {
    const { stdout } = pdap([command, "--help"]);
    assert.match(stdout, /-b, --break <location>/);
    assert.doesNotMatch(stdout, /\(default: \[\]\)/, `pdap ${command} --help`);
  }
  assert.match(pdap(["attach", "--help"]).stdout, /--path-map <local=remote>/);
  assert.match(pdap(["run", "--help"]).stdout, /--no-just-my-code/);
});

it("help for a command wraps its text under one indent", () => {
  const [usage, ...text] = helpFor("break", 60);
  assert.match(usage, /^b\(reak\) /);
  assert.ok(text.length > 1, "wrapped");
  for (const line of text) {
    assert.match(line, /^ {4}\S/, JSON.stringify(line));
    assert.ok(line.length <= 60, JSON.stringify(line));
  }
});

it("exit status: 1 for a wrong command line, 2 when pdap cannot do it", () => {
  assert.equal(pdap(["run", "no_such_file.py"]).status, EXIT_USAGE);
  assert.equal(pdap(["run", "--no-such-option", "x.py"]).status, EXIT_USAGE);
  assert.equal(pdap(["run"]).status, EXIT_USAGE);
  assert.equal(pdap(["attach", "127.0.0.1:notaport"]).status, EXIT_USAGE);
  const refused = pdap(["attach", "127.0.0.1:1"]);
  assert.equal(refused.status, EXIT_FAILED);
  assert.match(refused.stdout, /connection refused/);
});

const python = pythonMatrix().targets.at(-1)?.python;

it("python -m pdap follows the same scheme", { skip: !python && "no Python 3.9+" }, () => {
  const env = { ...process.env, PYTHONPATH: AGENT_PYTHONPATH };
  const nothing = spawnSync(python as string, ["-m", "pdap"], { env, encoding: "utf8" });
  assert.equal(nothing.status, EXIT_USAGE);
  assert.match(nothing.stderr, /nothing to run/);
});

it("pdap run into a pipe: the program's atexit handlers run and its buffered output is written, then pdap ends", {
  skip: !python && "no Python 3.9+",
}, () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PYTHONUNBUFFERED; // block-buffered, as a program's output into a pipe is by default
  const result = spawnSync(
    process.execPath,
    [PDAP_BIN, "run", "--python", python as string, "--no-stop-on-entry", "sacred/last_words.py"],
    { cwd: FIXTURES, env, encoding: "utf8", timeout: 20_000 },
  );
  assert.equal(result.stdout, "buffered line\natexit handler ran\nThe program exited with code 3.\n");
  assert.equal(result.status, 3);
});

it("says an unknown host in words", () => {
  const error = Object.assign(new Error("getaddrinfo ENOTFOUND devbox"), { code: "ENOTFOUND" });
  assert.equal(connectFailure("devbox", error), "no such host 'devbox'");
});

it("the token hint of pdap.listen() in code names its own way to give one", {
  skip: !python && "no Python 3.9+",
}, () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: AGENT_PYTHONPATH };
  delete env.PDAP_TOKEN;
  const code = "import pdap; pdap.listen(('0.0.0.0', 0))";
  const { stderr } = spawnSync(python as string, ["-c", code], { env, encoding: "utf8", timeout: 20_000 });
  assert.match(stderr, /generated access token \(pass token= to pdap\.listen\(\) or set PDAP_TOKEN/);
  assert.doesNotMatch(stderr, /--token/);
});

it("completes file names after break: directories with /, Python files with :", () => {
  const names = completeFileNames("cli_a", FIXTURES);
  assert.ok(names.includes("cli_app.py:"), names.join(" "));
  assert.ok(names.includes("cli_attach.py:"), names.join(" "));
  assert.deepEqual(completeFileNames("pk", FIXTURES), ["pkg/"]);
  assert.ok(completeFileNames("pkg/", FIXTURES).every((name) => name.startsWith("pkg/")));
});

onMainTerminal("terminal debugger: Tab after break", (target) => {
  const term = terminalFor(() => runInTerminal(target, ["cli_app.py"]));

  it("completes the file of a location", async () => {
    await term().waitFor("(pdap)");
    term().keys("b cli_ap", "Tab");
    await term().waitFor(/^\(pdap\) b cli_app\.py:$/m);
    term().type("5");
    await term().waitFor(/^Breakpoint 1 at cli_app\.py:5$/m);
  });
});
