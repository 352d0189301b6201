// Scopes beyond Locals and Globals: the exception being handled and the value the function just
// stepped out of returned; and numpy arrays where the program imported numpy.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, it } from "node:test";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { fixture } from "./support/fixtures.js";
import { forEachPython, type PythonTarget, pythonMatrix } from "./support/pythons.js";
import { Scenario } from "./support/session.js";

const scopesFixture = fixture("variables_scopes.py");
const numpyFixture = fixture("variables_numpy.py");
const pandasFixture = fixture("variables_pandas.py");

/** Whether the agent's debugger core offers an attribute (a hook this feature reads). */
async function debuggerHas(s: Scenario, frameId: number, expression: string): Promise<boolean> {
  const probe = await s.client.evaluate(
    `(lambda d: ${expression})(__import__('sys').modules['pdap.agent']._agent.debugger)`,
    frameId,
    "watch",
  );
  return probe.result === "True";
}

forEachPython("exception and return value scopes", (target) => {
  let s: Scenario;
  before(async () => {
    ({ scenario: s } = await Scenario.launch(
      target,
      { program: scopesFixture.path },
      { [scopesFixture.path]: [scopesFixture.line("MAIN1"), scopesFixture.line("HANDLED")] },
    ));
  });
  after(() => s.close());

  it("shows the value of the function just stepped out of", async (t) => {
    let stop = await s.stop();
    stop = await s.resume("stepIn", stop.threadId);
    assert.equal(stop.frames[0].name, "compute");
    stop = await s.resume("stepOut", stop.threadId);
    assert.equal(stop.frames[0].name, "main");
    const frameId = stop.frames[0].id;
    const scopes = await s.client.scopes(frameId);
    if (!scopes.some((scope) => scope.name === "Return Value")) {
      if (!(await debuggerHas(s, frameId, "hasattr(d, 'return_values')"))) {
        t.skip("the debugger core does not record return values yet (debugger.return_values)");
        return;
      }
    }
    assert.deepEqual(
      scopes.map((scope) => scope.name),
      ["Locals", "Globals", "Return Value"],
    );
    assert.equal(scopes[2].presentationHint, "returnValue");
    const [returned] = await s.client.variables(scopes[2].variablesReference);
    assert.equal(returned.name, "(return) compute");
    assert.equal(returned.value, "42");
    assert.equal(returned.evaluateName, "__return__");
    assert.equal((await s.client.evaluate("__return__ + 1", frameId, "watch")).result, "43");
  });

  it("shows the exception being handled in an except block", async (t) => {
    const stop = await s.resume("continue", 1);
    assert.equal(stop.frames[0].line, scopesFixture.line("HANDLED"));
    const frameId = stop.frames[0].id;
    const scopes = await s.client.scopes(frameId);
    if (
      target.version === "3.9" &&
      !scopes.some((scope) => scope.name === "Exception") &&
      !(await debuggerHas(s, frameId, "'handled_exception' in type(d.stops[next(iter(d.stops))]).__slots__"))
    ) {
      t.skip(
        "Python 3.9 has no sys._current_exceptions: needs ThreadStop.handled_exception from the debugger",
      );
      return;
    }
    assert.deepEqual(
      scopes.map((scope) => scope.name),
      ["Locals", "Globals", "Exception"],
    );
    const [exc] = await s.client.variables(scopes[2].variablesReference);
    assert.equal(exc.name, "(exception) KeyError");
    assert.equal(exc.value, "KeyError('missing')");
    assert.equal(exc.evaluateName, "__exception__");
    assert.equal((await s.client.evaluate("__exception__.args[0]", frameId, "watch")).result, "'missing'");
    const members = await s.client.variables(exc.variablesReference);
    assert.deepEqual(
      members.filter((v) => v.name === "args").map((v) => v.value),
      ["('missing',)"],
    );
  });

  it("runs to the end", async () => {
    await s.client.request("continue", { threadId: 1 });
    assert.equal(await s.exitCode(), 0);
    assert.match(s.client.output("stdout"), /scopes done 42 1\n/);
  });
});

function canImport(python: string, module: string): boolean {
  try {
    execFileSync(python, ["-c", `import ${module}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function hasNumpy(target: PythonTarget): boolean {
  return canImport(target.python, "numpy");
}

forEachPython("numpy arrays", (target) => {
  const skip = hasNumpy(target) ? false : `numpy is not installed for Python ${target.version}`;
  it("shows shape, dtype and rows, and summarises a big array", { skip }, async () => {
    const { scenario: s } = await Scenario.launch(
      target,
      { program: numpyFixture.path },
      { [numpyFixture.path]: [numpyFixture.line("BP1")] },
    );
    try {
      const stop = await s.stop();
      const [locals] = await s.client.scopes(stop.frames[0].id);
      const vars = Object.fromEntries(
        (await s.client.variables(locals.variablesReference)).map((v: DebugProtocol.Variable) => [v.name, v]),
      );
      assert.equal(vars.grid.value, "array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])");
      assert.equal(vars.grid.type, "ndarray");
      assert.equal(vars.grid.indexedVariables, 3);
      const named = await s.client.request("variables", {
        variablesReference: vars.grid.variablesReference,
        filter: "named",
      });
      assert.deepEqual(
        named.variables.map((v) => `${v.name}=${v.value}`),
        ["shape=(3, 4)", "dtype=dtype('int64')", "size=12", "ndim=2"],
      );
      const rows = await s.client.variables(vars.grid.variablesReference, 1, 2);
      assert.deepEqual(
        rows.map((v) => `${v.name}=${v.value}`),
        ["1=array([4, 5, 6, 7])", "2=array([8, 9, 10, 11])"],
      );
      assert.equal(rows[0].evaluateName, "grid[1]");
      assert.equal(vars.huge.value, "array([0, 1, 2, ..., 999997, 999998, 999999])");
      assert.equal(vars.huge.indexedVariables, 1_000_000);
    } finally {
      await s.close();
    }
  });
});

/** pandas is in no interpreter of the matrix here; a system Python with it (Debian's
 * python3-pandas) serves, else the test is reported skipped. */
function pandasPython(): PythonTarget | undefined {
  for (const target of pythonMatrix().targets) if (canImport(target.python, "pandas")) return target;
  const system = "/usr/bin/python3";
  if (existsSync(system) && canImport(system, "pandas")) {
    return { label: "system settrace", version: "system", python: system, backend: "settrace" };
  }
  return undefined;
}

const withPandas = pandasPython();
it("pandas: a DataFrame shows its shape and rows, each row a Series of its columns", {
  skip: withPandas ? false : "no Python with pandas on this machine",
}, async () => {
  const target = withPandas as PythonTarget;
  const { scenario: s } = await Scenario.launch(
    target,
    { program: pandasFixture.path },
    { [pandasFixture.path]: [pandasFixture.line("BP1")] },
  );
  try {
    const stop = await s.stop();
    const [locals] = await s.client.scopes(stop.frames[0].id);
    const vars = Object.fromEntries(
      (await s.client.variables(locals.variablesReference)).map((v: DebugProtocol.Variable) => [v.name, v]),
    );
    assert.equal(vars.frame.value, "DataFrame: 3 rows x 2 columns [a, b]");
    assert.equal(vars.frame.indexedVariables, 3);
    assert.equal(vars.column.value, "Series([1, 2, 3], name='a', dtype=int64, length=3)");
    const members = await s.client.variables(vars.frame.variablesReference);
    assert.deepEqual(
      members.map((v) => `${v.name}=${v.value}`),
      [
        "shape=(3, 2)",
        "columns=['a', 'b']",
        "r1=Series([1, 'x'], name='r1', dtype=object, length=2)",
        "r2=Series([2, 'y'], name='r2', dtype=object, length=2)",
        "r3=Series([3, 'z'], name='r3', dtype=object, length=2)",
      ],
    );
    assert.equal(members[3].evaluateName, "frame.iloc[1]");
    const row = await s.client.variables(members[3].variablesReference);
    assert.deepEqual(
      row.map((v) => `${v.name}=${v.value}`),
      ["name='r2'", "dtype=dtype('O')", "a=2", "b='y'"],
    );
    assert.equal(row[2].variablesReference, 0, "a numpy scalar is a plain value");
  } finally {
    await s.close();
  }
});
