// The benchmark must not rot: run `bench --quick` on one Python and check the shape of what it
// writes. No timing is asserted (that is what the benchmark itself is for), only that every
// cell holds a figure or says why it has none.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { BenchReport, Row } from "../bench/report.js";
import { RUNNER_IDS } from "../bench/runners.js";
import { WORKLOAD_IDS } from "../bench/workloads.js";
import { pythonMatrix } from "./support/pythons.js";

const RUN_JS = fileURLToPath(new URL("../bench/run.js", import.meta.url));

/** The newest version found: on 3.12+ both pdap backends get exercised. */
const version = pythonMatrix().targets.at(-1)?.version;

describe("npm run bench -- --quick", { skip: version ? false : "no Python 3.9–3.13 installed" }, () => {
  let out: string;
  let report: BenchReport;
  let markdown: string;
  let rows: Row[];

  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), "pdap-bench-"));
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [RUN_JS, "--quick", "--reps", "1", "--python", version as string, "--out", out],
        { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      );
    });
    report = JSON.parse(readFileSync(path.join(out, "latest.json"), "utf8"));
    markdown = readFileSync(path.join(out, "latest.md"), "utf8");
    rows = report.rows.filter((row) => row.python === version);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("describes the run: machine, versions, debugpy", () => {
    assert.equal(report.schema, 1);
    assert.equal(report.quick, true);
    assert.ok(report.machine.cpus > 0 && report.machine.cpuModel && report.machine.node);
    const python = report.pythons.find((p) => p.version === version);
    assert.equal(python?.status, "measured");
    assert.match(python?.patchVersion ?? "", /^3\.\d+\.\d+/);
    if (report.debugpy.status === "ok") assert.match(report.debugpy.version, /^\d+\.\d+/);
    else assert.ok(report.debugpy.reason, "a debugpy that could not be provided says why");
  });

  it("has one row per workload and runner", () => {
    for (const workload of WORKLOAD_IDS) {
      for (const runner of RUNNER_IDS) {
        const matching = rows.filter((r) => r.workload === workload && r.runner === runner);
        assert.equal(matching.length, 1, `${workload} / ${runner}`);
      }
    }
  });

  it("gives every row a figure or an explicit reason", () => {
    for (const row of rows) {
      const where = `${row.workload} / ${row.runner}`;
      if (row.status === "ok") {
        for (const value of [row.median, row.min, row.max]) assert.ok(Number.isFinite(value), where);
        assert.ok((row.min ?? 0) <= (row.median ?? 0) && (row.median ?? 0) <= (row.max ?? 0), where);
        assert.equal(row.samples?.length, row.n, where);
        assert.ok((row.n ?? 0) >= 1, where);
        assert.ok(row.unit === "s" || row.unit === "ms", where);
      } else {
        assert.ok(row.status === "failed" || row.status === "n/a", where);
        assert.ok(row.reason && row.reason.length > 3, `${where} has no reason`);
      }
    }
  });

  it("gives the overhead rows ratios to plain Python", () => {
    const overhead = rows.filter(
      (r) => !["launch", "step", "variables-list", "variables-dict", "stack-trace"].includes(r.workload),
    );
    for (const row of overhead) {
      if (row.status !== "ok" || row.runner === "plain") continue;
      assert.ok(row.ratio && Number.isFinite(row.ratio.median), `${row.workload} / ${row.runner}`);
    }
  });

  it("measures pdap (a broken pdap must not pass as a row of failures)", () => {
    const pdap = rows.filter((r) => r.runner === "pdap-settrace" && r.status !== "n/a");
    const failed = pdap.filter((r) => r.status === "failed");
    assert.deepEqual(
      failed.map((r) => `${r.workload}: ${r.reason}`),
      [],
    );
  });

  it("judges every workload against its DESIGN.md target", () => {
    for (const workload of WORKLOAD_IDS) {
      const verdict = report.verdicts.find((v) => v.python === version && v.workload === workload);
      assert.ok(verdict, workload);
      assert.ok([true, false, null].includes(verdict.met));
      assert.ok(verdict.text);
    }
  });

  it("writes the Markdown tables", () => {
    assert.match(markdown, /^# pdap benchmarks/m);
    assert.match(markdown, /^## Targets/m);
    assert.match(markdown, new RegExp(`^## Python ${version?.replace(".", "\\.")}\\.\\d+`, "m"));
    const lines = markdown.split("\n");
    for (const workload of report.workloads) {
      // the tables are aligned by the formatter, so a title may be followed by padding
      const title = new RegExp(`^\\| ${workload.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} +\\|`);
      const rowsOfWorkload = lines.filter((line) => title.test(line));
      assert.equal(
        rowsOfWorkload.length,
        2,
        `${workload.title}: one line in the targets table, one in the version's`,
      );
    }
    const header = lines.find((line) => /^\| work +\| plain Python/.test(line));
    assert.ok(header?.includes("pdap (monitoring)") && header.includes("pdb"));
  });
});
