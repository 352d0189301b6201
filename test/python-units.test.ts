// The agent's pure modules (hit conditions, condition compiling, safe repr, source lines) under
// the standard library's unittest, on every Python 3.9–3.13 present: test/python/test_*.py.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { pythonMatrix } from "./support/pythons.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const UNITS = fileURLToPath(new URL("../../test/python", import.meta.url));
const AGENT = fileURLToPath(new URL("../../python", import.meta.url));

const { targets, missing } = pythonMatrix();
for (const absent of missing) it(`agent unit tests [${absent.label}]`, { skip: absent.reason }, () => {});

const versions = new Map(targets.map((target) => [target.version, target.python]));
for (const [version, python] of versions) {
  it(`agent unit tests [${version}]`, () => {
    const run = spawnSync(python, ["-m", "unittest", "discover", "-s", UNITS, "-t", UNITS], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: AGENT, PYTHONDONTWRITEBYTECODE: "1" },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^Ran [1-9]\d* tests?/m, "unittest ran tests");
  });
}
