// `npm run bench [-- --quick] [--python 3.12,3.13] [--readme]`: pdap against plain Python, pdb and
// debugpy on every Python installed, written to bench/results/latest.{md,json}.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { pythonMatrix, WANTED_VERSIONS } from "../test/support/pythons.js";
import { type BenchConfig, FULL, QUICK } from "./config.js";
import { provideDebugpy } from "./debugpy.js";
import { formatLike } from "./format.js";
import { currentLoad, describeMachine, type Machine } from "./machine.js";
import { README, updateReadme } from "./readme.js";
import {
  type BenchReport,
  judge,
  missingRows,
  type PythonEntry,
  type Row,
  runnerTitle,
  toMarkdown,
  toRows,
  type VerdictRow,
  workloadUnit,
} from "./report.js";
import { RUNNER_IDS } from "./runners.js";
import { type DebugpyState, type Interpreter, measureVersion, workloadTitles } from "./suite.js";
import { TARGETS } from "./targets.js";
import { WORKLOAD_IDS } from "./workloads.js";

const RESULTS_DIR = fileURLToPath(new URL("../../bench/results", import.meta.url));

interface Options {
  quick: boolean;
  python?: string[];
  reps?: number;
  out: string;
  readme: boolean;
  debugpyVersion: string;
  render?: string;
}

function parseOptions(argv: string[]): Options {
  const program = new Command("bench")
    .description("pdap against plain Python, pdb and debugpy: overheads and DAP request latencies")
    .option("--quick", "a short run: fewer runs, smaller sizes, the newest Python only", false)
    .option(
      "--python <versions>",
      `comma-separated versions to measure (default: all of ${WANTED_VERSIONS.join(", ")})`,
      list,
    )
    .option("--reps <n>", "runs per figure (default: 5, quick: 2)", positiveInt)
    .option("--out <dir>", "where latest.md and latest.json go", RESULTS_DIR)
    .option("--readme", "also put the tables in README.md's Benchmarks section", false)
    .option("--debugpy-version <version>", "the debugpy release to compare with", "1.8.22")
    .option("--render <json>", "measure nothing: write the tables again from a latest.json")
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<Options>();
}

function list(value: string): string[] {
  const versions = value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = versions.filter((v) => !WANTED_VERSIONS.includes(v));
  if (unknown.length)
    throw new InvalidArgumentError(
      `unknown version ${unknown.join(", ")}; pick from ${WANTED_VERSIONS.join(", ")}`,
    );
  return versions;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

/** The versions to measure: found ones as interpreters, absent ones with the reason. */
function selectPythons(options: Options): {
  interpreters: Interpreter[];
  missing: Array<{ version: string; reason: string }>;
} {
  const { targets, missing } = pythonMatrix();
  const found = new Map(targets.map((t) => [t.version, t.python]));
  const absent = missing.map((m) => ({ version: m.label.replace(/^Python /, ""), reason: m.reason }));
  let versions = options.python ?? WANTED_VERSIONS;
  // --quick measures one version unless told otherwise: the newest found has both pdap backends
  if (options.quick && !options.python) versions = [...found.keys()].slice(-1);
  return {
    interpreters: versions
      .filter((v) => found.has(v))
      .map((version) => ({ version, python: found.get(version) as string })),
    missing: absent.filter((m) => versions.includes(m.version) || (!options.python && !options.quick)),
  };
}

interface Measurements {
  pythons: PythonEntry[];
  rows: Row[];
  verdicts: VerdictRow[];
}

/** Every selected version in turn (absent ones as rows of failures), judged against the targets. */
async function measureAll(
  selected: ReturnType<typeof selectPythons>,
  all: Interpreter[],
  debugpy: DebugpyState,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<Measurements> {
  const out: Measurements = { pythons: [], rows: [], verdicts: [] };
  for (const version of WANTED_VERSIONS) {
    const absent = selected.missing.find((m) => m.version === version);
    if (absent) {
      out.pythons.push({ version, status: "missing", reason: absent.reason, notes: [] });
      out.rows.push(...missingRows(version, absent.reason));
    }
    const interpreter = selected.interpreters.find((i) => i.version === version);
    if (interpreter) {
      log(`== Python ${version} (${interpreter.python})`);
      const result = await measureVersion(interpreter, all, debugpy, config, log);
      const { patchVersion, executable, debugpyTracer, notes } = result;
      out.pythons.push({ version, status: "measured", patchVersion, executable, debugpyTracer, notes });
      out.rows.push(...toRows(result));
    }
    if (absent || interpreter) out.verdicts.push(...judge(version, out.rows));
  }
  return out;
}

function buildReport(
  measurements: Measurements,
  debugpy: DebugpyState,
  config: BenchConfig,
  machine: Machine,
  startedAt: Date,
): BenchReport {
  const finishedAt = new Date();
  const titles = workloadTitles(config);
  const args = process.argv.slice(2);
  return {
    schema: 1,
    command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
    quick: config.quick,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    machine: { ...machine, loadEnd: currentLoad() },
    config,
    debugpy: debugpy.ok
      ? { status: "ok", ...pick(debugpy.debugpy, "version", "wheel", "requiresPython") }
      : { status: "failed", reason: debugpy.reason },
    workloads: WORKLOAD_IDS.map((id) => ({
      id,
      title: titles[id],
      unit: workloadUnit(id),
      target: TARGETS[id].text,
      designDebugpy: TARGETS[id].designDebugpy,
    })),
    runners: RUNNER_IDS.map((id) => ({
      id,
      title: runnerTitle(id, debugpy.ok ? debugpy.debugpy.version : undefined),
    })),
    ...measurements,
  };
}

function pick<T, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, object[key]])) as Pick<T, K>;
}

function writeOutputs(report: BenchReport, options: Options): string[] {
  mkdirSync(options.out, { recursive: true });
  const written = [path.join(options.out, "latest.json"), path.join(options.out, "latest.md")];
  writeFileSync(written[0], formatLike("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`));
  writeFileSync(written[1], formatLike("bench/results/latest.md", toMarkdown(report)));
  if (options.readme) {
    updateReadme(toMarkdown(report, { level: 2, title: false }));
    written.push(README);
  }
  return written;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv);
  if (options.render) {
    const report = JSON.parse(readFileSync(options.render, "utf8")) as BenchReport;
    process.stderr.write(`wrote ${writeOutputs(report, options).join(", ")}\n`);
    return;
  }
  const config: BenchConfig = {
    ...(options.quick ? QUICK : FULL),
    ...(options.reps ? { reps: options.reps } : {}),
  };
  const startedAt = new Date();
  const machine = describeMachine();
  const log = (line: string) =>
    process.stderr.write(`[${Math.round((Date.now() - startedAt.getTime()) / 1000)} s] ${line}\n`);
  // one interpreter per version: any of them may run pip, or debugpy's adapter for an older one
  const all = pythonMatrix().targets.filter(
    (t, i, arr) => arr.findIndex((o) => o.version === t.version) === i,
  );
  const debugpy = await provideDebugpy(options.debugpyVersion, all[0]?.python);
  if (!debugpy.ok) log(`debugpy unavailable: ${debugpy.reason}`);
  const measurements = await measureAll(selectPythons(options), all, debugpy, config, log);
  const report = buildReport(measurements, debugpy, config, machine, startedAt);
  const written = writeOutputs(report, options);
  process.stdout.write(toMarkdown(report));
  log(`wrote ${written.join(", ")}`);
}

await main();
