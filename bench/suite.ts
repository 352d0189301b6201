// Measuring every workload under every runner on one Python version. Runs are interleaved in
// rounds (plain, pdap, debugpy, pdb, plain, …) so a burst of load from elsewhere on a shared
// machine spreads over all columns instead of skewing one.
import { execFileSync } from "node:child_process";
import { AGENT_PYTHONPATH } from "../src/adapter/launcher.js";
import { type BenchConfig, count } from "./config.js";
import { debugpyFlavor, pdapFlavor } from "./dap.js";
import { atLeast, type Debugpy, probeSpeedups } from "./debugpy.js";
import { runProcess } from "./processes.js";
import { DapRunner, PdbRunner, PlainRunner, RUNNER_IDS, type Runner, type RunnerId } from "./runners.js";
import { median, type Summary, summarize } from "./stats.js";
import {
  LATENCY_WORKLOADS,
  type LatencyWorkloadId,
  PROGRAMS,
  WORKLOAD_DIR,
  WORKLOAD_IDS,
  type WorkloadId,
} from "./workloads.js";

export type Figure =
  | {
      status: "ok";
      unit: "s" | "ms";
      samples: number[];
      summary: Summary;
      /** time over plain Python's median in the same run (overhead rows only) */
      ratio?: Summary;
      detail?: string;
    }
  | { status: "failed"; reason: string }
  | { status: "n/a"; reason: string };

export interface Cell {
  workload: WorkloadId;
  runner: RunnerId;
  figure: Figure;
}

export interface Interpreter {
  version: string;
  python: string;
}

export interface VersionResult {
  version: string;
  patchVersion: string;
  executable: string;
  notes: string[];
  debugpyTracer?: string;
  cells: Cell[];
}

export type DebugpyState = { ok: true; debugpy: Debugpy } | { ok: false; reason: string };

type Log = (line: string) => void;

/** Raw measurements of one cell as they come in. */
class Samples {
  readonly values: number[] = [];
  /** the round each value was taken in (whole-program workloads only) */
  readonly rounds: number[] = [];
  readonly details = new Set<string>();
  error: string | undefined;
  elapsedMs = 0;
  attempts = 0;

  fail(error: unknown): void {
    this.error ??= error instanceof Error ? error.message : String(error);
  }
}

interface Task {
  label: string;
  samples: Samples;
  /** runs wanted, if not config.reps */
  reps?: number;
  run(): Promise<number | undefined>;
}

export async function measureVersion(
  interpreter: Interpreter,
  others: Interpreter[],
  debugpy: DebugpyState,
  config: BenchConfig,
  log: Log,
): Promise<VersionResult> {
  const { version, python } = interpreter;
  const { runners, blocked, notes, debugpyTracer } = await setUpRunners(interpreter, others, debugpy, config);
  await precompile(python, [AGENT_PYTHONPATH, WORKLOAD_DIR], config);
  const cells: Cell[] = [];
  const add = (workload: WorkloadId, runner: RunnerId, figure: Figure) =>
    cells.push({ workload, runner, figure });
  for (const [runner, figure] of blocked) {
    for (const workload of WORKLOAD_IDS) add(workload, runner, figure);
  }
  const active = [...runners.values()];
  const versionLog = (line: string) => log(`[${version}] ${line}`);
  await programOverheads(active, config, versionLog, add);
  await stepOverhead(active, config, versionLog, add, notes);
  // the variables code of the agent is the same under either backend: on 3.12+ its costly
  // requests are measured once, with the backend users get
  const skipped = new Map<RunnerId, Skip>();
  if (runners.has("pdap-monitoring")) {
    skipped.set("pdap-settrace", {
      stages: ["variables-list", "variables-dict"],
      reason: "same agent code as pdap (monitoring)",
    });
  }
  await latencies(active, runners.get("plain") as PlainRunner, config, versionLog, add, skipped);
  return {
    version,
    patchVersion: pythonVersion(python),
    executable: python,
    notes,
    debugpyTracer,
    cells: orderCells(cells),
  };
}

/** The runners this version can have, and for the others the figure every row gets instead. */
async function setUpRunners(
  interpreter: Interpreter,
  others: Interpreter[],
  debugpy: DebugpyState,
  config: BenchConfig,
): Promise<{
  runners: Map<RunnerId, Runner>;
  blocked: Map<RunnerId, Figure>;
  notes: string[];
  debugpyTracer?: string;
}> {
  const { version, python } = interpreter;
  const timeout = config.runTimeoutMs;
  const runners = new Map<RunnerId, Runner>();
  const blocked = new Map<RunnerId, Figure>();
  const notes: string[] = [];
  runners.set("plain", new PlainRunner(python, timeout));
  if (atLeast(version, "3.12")) {
    runners.set(
      "pdap-monitoring",
      new DapRunner("pdap-monitoring", pdapFlavor(python, "monitoring"), timeout),
    );
  } else {
    blocked.set("pdap-monitoring", { status: "n/a", reason: "sys.monitoring is 3.12+" });
  }
  runners.set("pdap-settrace", new DapRunner("pdap-settrace", pdapFlavor(python, "settrace"), timeout));
  let debugpyTracer: string | undefined;
  const adapterPython = debugpy.ok ? debugpyAdapterPython(interpreter, others, debugpy.debugpy) : undefined;
  if (!debugpy.ok) {
    blocked.set("debugpy", { status: "failed", reason: `debugpy unavailable: ${debugpy.reason}` });
  } else if (!adapterPython) {
    const { version: release, requiresPython } = debugpy.debugpy;
    const reason = `debugpy ${release} needs Python ≥ ${requiresPython} for its adapter and none is installed`;
    blocked.set("debugpy", { status: "failed", reason });
  } else {
    const { version: release, requiresPython, wheel } = debugpy.debugpy;
    if (adapterPython.python !== python) {
      notes.push(
        `debugpy ${release} requires Python ≥ ${requiresPython}: its adapter ran on ${adapterPython.version} ` +
          `and the program on ${version}, which debugpy does not support.`,
      );
    }
    debugpyTracer = await probeSpeedups(python, debugpy.debugpy).catch(
      (e: Error) => `unknown (${e.message})`,
    );
    notes.push(`debugpy's tracer on ${version}: ${debugpyTracer} (wheel ${wheel}).`);
    const flavor = debugpyFlavor(python, adapterPython.python, debugpy.debugpy);
    runners.set("debugpy", new DapRunner("debugpy", flavor, timeout));
    await precompile(python, [debugpy.debugpy.root], config);
  }
  runners.set("pdb", new PdbRunner(python, timeout));
  return { runners, blocked, notes, debugpyTracer };
}

/** debugpy's adapter runs on the interpreter under test, or, when that is too old for it, the oldest one that is not. */
function debugpyAdapterPython(
  target: Interpreter,
  all: Interpreter[],
  debugpy: Debugpy,
): Interpreter | undefined {
  if (atLeast(target.version, debugpy.requiresPython)) return target;
  return all.find((other) => atLeast(other.version, debugpy.requiresPython));
}

/** Byte-compiles once up front, so the first measured launch does not pay for writing .pyc files. */
async function precompile(python: string, dirs: string[], config: BenchConfig): Promise<void> {
  await runProcess(python, ["-m", "compileall", "-q", ...dirs], { timeoutMs: config.runTimeoutMs }).catch(
    () => {},
  );
}

// ----- whole-program overhead: cpu with an unhit breakpoint, false condition ----------------------

async function programOverheads(
  runners: Runner[],
  config: BenchConfig,
  log: Log,
  add: (workload: WorkloadId, runner: RunnerId, figure: Figure) => void,
): Promise<void> {
  const { cpu, cpuHelper, condition } = PROGRAMS;
  const cpuArgs = [String(config.cpuRounds)];
  const conditionArgs = [String(config.conditionHits)];
  const workloads = [
    {
      id: "cpu-same-file",
      program: cpu.path,
      args: cpuArgs,
      bp: { file: cpu.path, line: cpu.line("UNHIT_SAME") },
    },
    {
      id: "cpu-other-file",
      program: cpu.path,
      args: cpuArgs,
      bp: { file: cpuHelper.path, line: cpuHelper.line("UNHIT_OTHER") },
    },
    {
      id: "false-condition",
      program: condition.path,
      args: conditionArgs,
      bp: { file: condition.path, line: condition.line("HOT"), condition: "i < 0" },
    },
  ] as const;
  const plain = runners.find((r) => r.id === "plain") as Runner;
  // plain Python runs each program once per round; both cpu rows share that baseline
  const plainCpu = new Samples();
  const plainCondition = new Samples();
  const baselines: Task[] = [
    {
      label: "plain cpu.py",
      samples: plainCpu,
      reps: 2 * config.reps,
      run: () => plain.timedRun(cpu.path, cpuArgs, undefined),
    },
    {
      label: "plain condition.py",
      samples: plainCondition,
      reps: 2 * config.reps,
      run: () => plain.timedRun(condition.path, conditionArgs, undefined),
    },
  ];
  // an unrecorded warm-up run, then plain Python at the start and the end of every round: the
  // baseline every ratio divides by gets twice the samples, spread over the whole measurement
  for (const task of baselines) await task.run().catch(() => {});
  const tasks: Task[] = [...baselines];
  const cellSamples = new Map<string, Samples>();
  for (const workload of workloads) {
    for (const runner of runners) {
      if (runner.id === "plain") continue;
      const samples = new Samples();
      cellSamples.set(`${workload.id}/${runner.id}`, samples);
      tasks.push({
        label: `${workload.id} ${runner.id}`,
        samples,
        run: () => runner.timedRun(workload.program, [...workload.args], workload.bp),
      });
    }
  }
  await runRounds([...tasks, ...baselines], config, log);
  for (const workload of workloads) {
    const baseline = workload.id === "false-condition" ? plainCondition : plainCpu;
    add(workload.id, "plain", figureOf(baseline, "s"));
    for (const runner of runners) {
      if (runner.id === "plain") continue;
      add(
        workload.id,
        runner.id,
        overheadFigure(cellSamples.get(`${workload.id}/${runner.id}`) as Samples, baseline, "s"),
      );
    }
  }
}

/**
 * Runs every task once per round until it has its runs, fails, or (a slow one) has used its
 * time budget. A task listed twice runs twice per round.
 */
async function runRounds(tasks: Task[], config: BenchConfig, log: Log): Promise<void> {
  const wants = (task: Task) =>
    task.samples.error === undefined &&
    task.samples.attempts < (task.reps ?? config.reps) &&
    !(task.samples.elapsedMs >= config.cellBudgetMs && task.samples.attempts >= config.minReps);
  for (let round = 1; round <= config.reps; round++) {
    for (const task of tasks) {
      if (!wants(task)) continue;
      const started = performance.now();
      task.samples.attempts++;
      try {
        const value = await task.run();
        if (value !== undefined) {
          task.samples.values.push(value);
          task.samples.rounds.push(round);
        }
        log(`${task.label} run ${round}: ${value === undefined ? "done" : value.toFixed(3)}`);
      } catch (error) {
        task.samples.fail(error);
        log(`${task.label} run ${round} FAILED: ${task.samples.error}`);
      }
      task.samples.elapsedMs += performance.now() - started;
    }
  }
}

// ----- step over a ~20 ms call -----------------------------------------------------------------

async function stepOverhead(
  runners: Runner[],
  config: BenchConfig,
  log: Log,
  add: (workload: WorkloadId, runner: RunnerId, figure: Figure) => void,
  notes: string[],
): Promise<void> {
  const plain = runners.find((r) => r.id === "plain") as Runner;
  let callSize: number;
  try {
    callSize = await calibrateCall(plain, config.stepOverCallMs);
  } catch (error) {
    for (const runner of runners)
      add("step-over", runner.id, { status: "failed", reason: `calibration: ${(error as Error).message}` });
    return;
  }
  const all = new Map<RunnerId, Samples>();
  for (const runner of runners) {
    const samples = new Samples();
    all.set(runner.id, samples);
    samples.attempts++;
    try {
      const seconds = await runner.stepOver(config.stepOverReps, callSize);
      samples.values.push(...seconds.map((s) => s * 1000));
      log(`step-over ${runner.id}: ${samples.values.map((v) => v.toFixed(1)).join(" ")} ms`);
    } catch (error) {
      samples.fail(error);
      log(`step-over ${runner.id} FAILED: ${samples.error}`);
    }
  }
  const baseline = all.get("plain") as Samples;
  notes.push(
    `step-over: busy(${callSize}) was calibrated to ~${config.stepOverCallMs} ms on plain Python here.`,
  );
  for (const runner of runners) {
    const samples = all.get(runner.id) as Samples;
    if (runner.id === "plain") add("step-over", runner.id, figureOf(samples, "ms"));
    else add("step-over", runner.id, overheadFigure(samples, baseline, "ms"));
    if (runner.id === "pdb") samples.details.add("timed inside the program: pdb has no request to time");
  }
}

/** The iteration count of busy() that takes `targetMs` on this interpreter. */
async function calibrateCall(plain: Runner, targetMs: number): Promise<number> {
  const probe = 100_000;
  const seconds = await plain.stepOver(3, probe);
  const perCall = seconds.sort((a, b) => a - b)[1];
  return Math.max(1000, Math.round((probe * targetMs) / 1000 / perCall));
}

// ----- per-request latency ---------------------------------------------------------------------

/** Latency stages a runner does not measure, and why. */
interface Skip {
  stages: LatencyWorkloadId[];
  reason: string;
}

async function latencies(
  runners: Runner[],
  plain: PlainRunner,
  config: BenchConfig,
  log: Log,
  add: (workload: WorkloadId, runner: RunnerId, figure: Figure) => void,
  skipped: Map<RunnerId, Skip>,
): Promise<void> {
  const startup = new Samples();
  const tasks: Task[] = [{ label: "plain start-up", samples: startup, run: () => plain.startupMs() }];
  const perRunner = new Map<RunnerId, Map<LatencyWorkloadId, Samples>>();
  for (const runner of runners) {
    if (!runner.latencySession) continue;
    const cells = new Map(LATENCY_WORKLOADS.map((w) => [w, new Samples()] as const));
    perRunner.set(runner.id, cells);
    tasks.push({
      label: `latency session ${runner.id}`,
      // sessions are not cut by the budget: their costly stages are, one by one
      samples: new Samples(),
      run: () => latencySession(runner, cells, config, skipped.get(runner.id)?.stages ?? []),
    });
  }
  await runRounds(tasks, { ...config, cellBudgetMs: Number.POSITIVE_INFINITY }, log);
  const startupFigure = figureOf(startup, "ms");
  if (startupFigure.status === "ok") startupFigure.detail = "python start-up alone, no debugger";
  for (const runner of runners) {
    const cells = perRunner.get(runner.id);
    const skip = skipped.get(runner.id);
    for (const workload of LATENCY_WORKLOADS) {
      if (skip?.stages.includes(workload)) add(workload, runner.id, { status: "n/a", reason: skip.reason });
      else if (cells) add(workload, runner.id, figureOf(cells.get(workload) as Samples, "ms"));
      else if (runner.id === "plain" && workload === "launch") add(workload, runner.id, startupFigure);
      else
        add(workload, runner.id, {
          status: "n/a",
          reason: runner.id === "plain" ? "no debugger" : "not a DAP debugger",
        });
    }
  }
}

/** One latency session; a stage it meant to measure but never reached counts as failed. */
async function latencySession(
  runner: Runner,
  cells: Map<LatencyWorkloadId, Samples>,
  config: BenchConfig,
  skipped: LatencyWorkloadId[],
): Promise<undefined> {
  const cell = (workload: LatencyWorkloadId) => cells.get(workload) as Samples;
  const wanted = new Set<LatencyWorkloadId>(["launch", "step"]);
  for (const stage of ["stack-trace", "variables-list", "variables-dict"] as const) {
    if (skipped.includes(stage)) continue;
    const samples = cell(stage);
    const enough = samples.elapsedMs >= config.cellBudgetMs && samples.values.length >= config.minReps;
    if (samples.error === undefined && !enough) wanted.add(stage);
  }
  const reached = new Set<LatencyWorkloadId>();
  let firstError: string | undefined;
  const sink = (workload: LatencyWorkloadId, ms: number | Error, detail?: string) => {
    reached.add(workload);
    const samples = cell(workload);
    if (ms instanceof Error) {
      samples.fail(ms);
      firstError ??= `${workload}: ${ms.message}`;
      return;
    }
    samples.values.push(ms);
    samples.elapsedMs += ms;
    if (detail) samples.details.add(detail);
  };
  await runner
    .latencySession?.(config, sink, (stage) => wanted.has(stage))
    .catch((error: Error) => {
      firstError ??= error.message;
    });
  if (firstError === undefined) return undefined;
  for (const workload of wanted) {
    if (!reached.has(workload)) cell(workload).fail(`not reached: ${firstError}`);
  }
  throw new Error(firstError); // no more sessions of a debugger that fails: the cells say why
}

// ----- figures ---------------------------------------------------------------------------------

function figureOf(samples: Samples, unit: "s" | "ms"): Figure {
  if (samples.error !== undefined) return { status: "failed", reason: failureText(samples) };
  if (samples.values.length === 0) return { status: "failed", reason: "no measurement was taken" };
  const detail = [...samples.details].join("; ") || undefined;
  return { status: "ok", unit, samples: samples.values, summary: summarize(samples.values), detail };
}

/**
 * Each run over plain Python's median of the same round when there is one (load on a shared
 * machine drifts between rounds), else over plain Python's overall median.
 */
function overheadFigure(samples: Samples, baseline: Samples, unit: "s" | "ms"): Figure {
  const figure = figureOf(samples, unit);
  if (figure.status !== "ok") return figure;
  const plain = figureOf(baseline, unit);
  if (plain.status !== "ok") return { status: "failed", reason: `no plain Python baseline: ${plain.reason}` };
  const ratios = samples.values.map((value, i) => {
    const round = samples.rounds[i];
    const sameRound = baseline.values.filter((_, j) => round !== undefined && baseline.rounds[j] === round);
    return value / (sameRound.length ? median(sameRound) : plain.summary.median);
  });
  return { ...figure, ratio: summarize(ratios) };
}

function failureText(samples: Samples): string {
  const where = samples.attempts > 1 ? ` (in run ${samples.values.length + 1} of ${samples.attempts})` : "";
  return `${samples.error}${where}`;
}

function orderCells(cells: Cell[]): Cell[] {
  const workloadOrder = (c: Cell) =>
    ["cpu-same-file", "cpu-other-file", "false-condition", "step-over", ...LATENCY_WORKLOADS].indexOf(
      c.workload,
    );
  return [...cells].sort(
    (a, b) =>
      workloadOrder(a) - workloadOrder(b) || RUNNER_IDS.indexOf(a.runner) - RUNNER_IDS.indexOf(b.runner),
  );
}

function pythonVersion(python: string): string {
  try {
    return execFileSync(python, ["-c", "import platform; print(platform.python_version())"], {
      encoding: "utf8",
    }).trim();
  } catch {
    return "?";
  }
}

export function workloadTitles(config: BenchConfig): Record<WorkloadId, string> {
  return {
    "cpu-same-file": "CPU-bound program, breakpoint set in the same file, not hit",
    "cpu-other-file": "CPU-bound program, breakpoint set in another file, not hit",
    "false-condition": `breakpoint with a false condition on a hot line (${count(config.conditionHits)} hits)`,
    "step-over": `step over a line that calls a ~${config.stepOverCallMs} ms function`,
    launch: "launch → first breakpoint stop",
    step: "one step, stop to stop",
    "variables-list": `one variables request: ${count(config.listSize)}-item list`,
    "variables-dict": `one variables request: ${count(config.dictSize)}-item dict`,
    "stack-trace": `stackTrace of a ${config.recursionDepth.toLocaleString("en-US")}-frame recursion`,
  };
}
