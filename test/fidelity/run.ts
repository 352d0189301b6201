// npm run test:fidelity: CPython's own regression tests run plainly and under pdap (launch with
// and without child sessions, --listen with a client attached, `pdap run`), compared result by
// result. Fails on any difference not declared in exceptions.ts.
//
//   node dist/test/fidelity/run.js [--python 3.11,3.12] [--modes launch,run] [--tests test_gc,test_sys]
//                                  [--jobs 2] [--readme] [--keep]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type PythonTarget, pythonMatrix } from "../support/pythons.js";
import {
  type Comparison,
  compare,
  differingTests,
  type ModuleRun,
  unexplained,
  withRetry,
} from "./compare.js";
import { readJunit } from "./junit.js";
import { launchWithChildren, launchWithoutChildren } from "./modes/launch.js";
import { listen } from "./modes/listen.js";
import type { Mode, ModeName } from "./modes/mode.js";
import { plain } from "./modes/plain.js";
import { terminal } from "./modes/terminal.js";
import { updateReadme } from "./readme.js";
import { type Checked, details, finalLine, markdownTable } from "./report.js";
import { regrtestArgs, sliceFor, type TestProgram } from "./slice.js";

const DEBUGGED_MODES: Mode[] = [launchWithChildren, launchWithoutChildren, listen, terminal];
const RUN_TIMEOUT_MS = 300_000;
/** a retry names the differing tests; past this many the group is not retried */
const MAX_RETRIED_TESTS = 40;

const { values: flags } = parseArgs({
  options: {
    python: { type: "string" },
    modes: { type: "string" },
    tests: { type: "string" },
    jobs: { type: "string", default: "2" },
    readme: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});

/** The program's environment is the user's; nothing of a Python or pdap setting leaks in from here. */
function cleanEnvironment(): void {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("PYTHON") || name.startsWith("PDAP_")) delete process.env[name];
  }
}

/**
 * Every debugged mode on each version's own backend (sys.monitoring from 3.12); the settrace
 * backend of 3.12+ under the editor launch only, which keeps the suite near 15 minutes.
 */
function modesFor(target: PythonTarget, program: TestProgram): Mode[] {
  const only = flags.modes?.split(",");
  const minor = Number(target.version.split(".")[1]);
  const nativeBackend = minor >= 12 ? "monitoring" : "settrace";
  const modes = target.backend === nativeBackend ? DEBUGGED_MODES : [launchWithChildren];
  return modes.filter(
    (mode) => (!only || only.includes(mode.name)) && (mode !== launchWithoutChildren || program.spawnsPython),
  );
}

interface Job {
  target: PythonTarget;
  mode: Mode;
  program: TestProgram;
  onlyTests?: string[];
  attempt: number;
  /** a retry's plain run names the debugged run it repeats, so concurrent retries never share a directory */
  retryOf?: string;
}

let root = "";

async function execute(job: Job): Promise<ModuleRun> {
  const backend = job.mode.debugged ? job.target.backend : "plain";
  const retry = job.retryOf ? `-for-${job.retryOf}` : "";
  const label = `${job.target.version}-${backend}-${job.mode.name}-${job.program.name}-${job.attempt}${retry}`;
  const directory = path.join(root, label);
  const tempdir = path.join(directory, "tmp");
  mkdirSync(tempdir, { recursive: true });
  const junit = path.join(directory, "junit.xml");
  const args = regrtestArgs(job.program, { junit, tempdir }, job.onlyTests);
  const outcome = await job.mode.run({ target: job.target, args, cwd: directory, timeoutMs: RUN_TIMEOUT_MS });
  // kept with --keep, for reading a difference at leisure
  writeFileSync(path.join(directory, "stderr.txt"), outcome.stderr);
  writeFileSync(path.join(directory, "stdout.txt"), outcome.stdout);
  const facts = { ...outcome, stderr: undefined, stdout: undefined, args };
  writeFileSync(path.join(directory, "outcome.json"), JSON.stringify(facts, null, 2));
  return { outcome, results: readJunit(junit), directory };
}

/** Runs the jobs `jobs` at a time, in order; results in the same order. */
async function pool<T>(jobs: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

interface Pair {
  target: PythonTarget;
  mode: Mode;
  program: TestProgram;
  plainRun: Promise<ModuleRun>;
  run: ModuleRun;
}

async function main(): Promise<number> {
  cleanEnvironment();
  if (flags.python) process.env.PDAP_TEST_PYTHONS = flags.python;
  const { targets, missing } = pythonMatrix();
  for (const absent of missing) progress(`skipped: ${absent.label}: ${absent.reason}`);
  const onlyTests = flags.tests?.split(",");
  const width = Math.max(1, Number(flags.jobs));
  root = mkdtempSync(path.join(os.tmpdir(), "pdap-fidelity-"));
  const started = performance.now();

  // one plain run per version and group; every debugged mode compares with it
  const plainRuns = new Map<string, Promise<ModuleRun>>();
  const tasks: Array<() => Promise<void>> = [];
  const pairs: Pair[] = [];
  for (const target of targets) {
    for (const program of sliceFor(target.version, onlyTests)) {
      const key = `${target.version} ${program.name}`;
      if (!plainRuns.has(key)) {
        let settle: (run: ModuleRun) => void = () => {};
        plainRuns.set(key, new Promise((resolve) => (settle = resolve)));
        tasks.push(async () => {
          const run = await execute({ target, mode: plain, program, attempt: 1 });
          progress(`plain ${key}: ${(run.outcome.wallMs / 1000).toFixed(1)} s, exit ${run.outcome.exitCode}`);
          settle(run);
        });
      }
      const plainRun = plainRuns.get(key) as Promise<ModuleRun>;
      for (const mode of modesFor(target, program)) {
        tasks.push(async () => {
          const run = await execute({ target, mode, program, attempt: 1 });
          progress(
            `${target.label} ${mode.name} ${program.name}: ${(run.outcome.wallMs / 1000).toFixed(1)} s, exit ${run.outcome.exitCode}${run.outcome.fault ? ` (${run.outcome.fault})` : ""}`,
          );
          pairs.push({ target, mode, program, plainRun, run });
        });
      }
    }
  }
  await pool(tasks, width);

  const checks = await pool(
    pairs.map((pair) => () => check(pair)),
    width,
  );
  checks.sort((a, b) =>
    `${a.version} ${a.backend} ${a.mode} ${a.module}`.localeCompare(
      `${b.version} ${b.backend} ${b.mode} ${b.module}`,
      undefined,
      {
        numeric: true,
      },
    ),
  );
  const table = markdownTable(checks);
  console.log(`\n${table}\n`);
  const listed = details(checks);
  if (listed) console.log(`${listed}\n`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s with ${width} jobs`);
  if (flags.readme) updateReadme(table, performance.now() - started, width);
  if (!flags.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`runs kept in ${root}`);
  const line = finalLine(checks);
  console.log(line);
  return line.endsWith(" 0 failed") ? 0 : 1;
}

/** Compares a pair; a difference in single tests is repeated once (both runs) before it stands. */
async function check(pair: Pair): Promise<Checked> {
  const plainRun = await pair.plainRun;
  const context = {
    version: pair.target.version,
    backend: pair.target.backend,
    mode: pair.mode.name as ModeName,
  };
  let comparison: Comparison = compare(plainRun, pair.run, context);
  const suspects = unexplained(comparison).map((difference) => difference.id);
  if (suspects.length > 0 && suspects.length <= MAX_RETRIED_TESTS && pair.run.results) {
    const retryOf = `${pair.target.backend}-${pair.mode.name}`;
    const again = (mode: Mode) =>
      execute({ target: pair.target, mode, program: pair.program, onlyTests: suspects, attempt: 2, retryOf });
    const [plainAgain, debuggedAgain] = [await again(plain), await again(pair.mode)];
    const retried = plainAgain.results ? differingTests(plainAgain.results, debuggedAgain.results) : [];
    comparison = withRetry(comparison, retried);
  }
  return {
    version: pair.target.version,
    backend: pair.target.backend,
    mode: pair.mode.name,
    module: pair.program.name,
    comparison,
    wallMs: pair.run.outcome.wallMs,
    plainWallMs: plainRun.outcome.wallMs,
    stops: pair.run.outcome.stops,
    childSessions: pair.run.outcome.childSessions,
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
