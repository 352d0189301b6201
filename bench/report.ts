// The results as JSON (every sample, for tools) and as Markdown tables (for people): one
// summary of the DESIGN.md targets across versions, then one table per Python version.
import type { BenchConfig } from "./config.js";
import type { Machine } from "./machine.js";
import { RUNNER_IDS, type RunnerId } from "./runners.js";
import type { Summary } from "./stats.js";
import type { Figure, VersionResult } from "./suite.js";
import { defaultPdap, type Measured, ms, TARGETS, times } from "./targets.js";
import { isLatency, WORKLOAD_IDS, type WorkloadId } from "./workloads.js";

export interface Row {
  python: string;
  workload: WorkloadId;
  runner: RunnerId;
  status: "ok" | "failed" | "n/a";
  /** ok: the unit of median/min/max/samples */
  unit?: "s" | "ms";
  median?: number;
  min?: number;
  max?: number;
  n?: number;
  samples?: number[];
  /** ok, overhead rows: over plain Python's median in the same run */
  ratio?: Summary;
  detail?: string;
  /** failed or n/a: why there is no figure */
  reason?: string;
}

export interface PythonEntry {
  version: string;
  status: "measured" | "missing";
  reason?: string;
  patchVersion?: string;
  executable?: string;
  debugpyTracer?: string;
  notes: string[];
}

export interface VerdictRow {
  python: string;
  workload: WorkloadId;
  runner: RunnerId;
  met: boolean | null;
  text: string;
}

export interface BenchReport {
  schema: 1;
  command: string;
  quick: boolean;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: Machine;
  config: BenchConfig;
  debugpy:
    | { status: "ok"; version: string; wheel: string; requiresPython: string }
    | { status: "failed"; reason: string };
  workloads: Array<{
    id: WorkloadId;
    title: string;
    unit: "ratio" | "ms";
    target: string;
    designDebugpy: string;
  }>;
  runners: Array<{ id: RunnerId; title: string }>;
  pythons: PythonEntry[];
  rows: Row[];
  verdicts: VerdictRow[];
}

export function runnerTitle(id: RunnerId, debugpyVersion: string | undefined): string {
  const titles: Record<RunnerId, string> = {
    plain: "plain Python",
    "pdap-monitoring": "pdap (monitoring)",
    "pdap-settrace": "pdap (settrace)",
    debugpy: `debugpy ${debugpyVersion ?? ""}`.trim(),
    pdb: "pdb",
  };
  return titles[id];
}

export function toRows(result: VersionResult): Row[] {
  return result.cells.map(({ workload, runner, figure }) => ({
    python: result.version,
    workload,
    runner,
    ...rowFigure(figure),
  }));
}

function rowFigure(figure: Figure): Omit<Row, "python" | "workload" | "runner"> {
  if (figure.status !== "ok") return { status: figure.status, reason: figure.reason };
  return {
    status: "ok",
    unit: figure.unit,
    ...figure.summary,
    n: figure.samples.length,
    samples: figure.samples.map((v) => Number(v.toPrecision(6))),
    ratio: figure.ratio,
    detail: figure.detail,
  };
}

/** Rows for a version that could not be measured at all: each names the reason. */
export function missingRows(version: string, reason: string): Row[] {
  return WORKLOAD_IDS.flatMap((workload) =>
    RUNNER_IDS.map((runner) => ({ python: version, workload, runner, status: "failed" as const, reason })),
  );
}

export function judge(version: string, rows: Row[]): VerdictRow[] {
  return WORKLOAD_IDS.map((workload) => {
    const measured = (runner: RunnerId): Measured => {
      const row = rows.find((r) => r.python === version && r.workload === workload && r.runner === runner);
      if (row?.status !== "ok") return { ok: false, reason: row?.reason ?? "not measured" };
      return { ok: true, value: row.ratio ? row.ratio.median : row.median };
    };
    const verdict = TARGETS[workload].judge(version, measured);
    return { python: version, workload, runner: defaultPdap(version), ...verdict };
  });
}

// ----- Markdown ----------------------------------------------------------------------------------

/**
 * `level` is the heading level of the title; the README embeds the report without its title,
 * under its own "## Benchmarks".
 */
export function toMarkdown(report: BenchReport, { level = 1, title = true } = {}): string {
  const h = (depth: number) => "#".repeat(level + depth);
  const out: string[] = [];
  if (title) out.push(`${h(0)} pdap benchmarks`, "");
  out.push(...header(report), "");
  out.push(`${h(1)} Targets, judged on pdap's default backend`, "", ...targetTable(report), "");
  for (const python of report.pythons) {
    out.push(`${h(1)} Python ${python.patchVersion ?? python.version}`, "");
    if (python.status === "missing") {
      out.push(`Not measured: ${python.reason}.`, "");
      continue;
    }
    out.push(...versionTable(report, python), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function header(report: BenchReport): string[] {
  const m = report.machine;
  const measured = report.pythons.filter((p) => p.status === "measured");
  const debugpy =
    report.debugpy.status === "ok"
      ? `debugpy ${report.debugpy.version} (wheel ${report.debugpy.wheel}, tracer: ${measured
          .map((p) => `${p.version} ${p.debugpyTracer ?? "?"}`)
          .join(", ")})`
      : `debugpy: **unavailable** (${oneLine(report.debugpy.reason)})`;
  const load = `load average ${m.loadStart.toFixed(2)} at start, ${m.loadEnd?.toFixed(2) ?? "?"} at end`;
  return [
    `\`${report.command}\`${report.quick ? " (quick: fewer runs, smaller sizes)" : ""}, ${report.startedAt.slice(0, 16).replace("T", " ")} UTC, took ${Math.round(report.durationSeconds)} s, pdap ${m.commit}.`,
    "",
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${load}.`,
    `Python ${measured.map((p) => p.patchVersion).join(", ") || "none"}; ${debugpy}.`,
    "",
    [
      "Each figure is the median over its runs, with (min–max); `n=…` marks one with fewer runs than",
      "planned (a slow cell stops after its time budget). An overhead `×` is a run's time under the debugger",
      "over plain Python's median in the same round of this run (plain Python runs at the start and end of",
      "every round), timed inside the program, start-up excluded; for the step over it is the wall time from",
      "`next` to `stopped` over the plain call's median (pdb: the call timed inside the program). Latencies",
      "are DAP round trips timed in Node (`performance.now()`); pdb has no such requests. Failures are shown",
      "as such, with their reasons under each table.",
    ].join(" "),
  ];
}

function targetTable(report: BenchReport): string[] {
  const versions = report.pythons.map((p) => p.version);
  const lines = [
    `| work | pdap target | debugpy as first measured (3.11 / 3.12) | ${versions.join(" | ")} |`,
    `|---|---|---|${versions.map(() => "---|").join("")}`,
  ];
  for (const workload of report.workloads) {
    const cells = report.pythons.map((python) => {
      if (python.status === "missing") return "not installed";
      const verdict = report.verdicts.find((v) => v.python === python.version && v.workload === workload.id);
      return escapePipes(verdict?.text ?? "?");
    });
    lines.push(
      `| ${workload.title} | ${workload.target} | ${workload.designDebugpy} | ${cells.join(" | ")} |`,
    );
  }
  return lines;
}

function versionTable(report: BenchReport, python: PythonEntry): string[] {
  const notes = new Notes(report.workloads.length);
  const runners = report.runners;
  const judged = runnerTitle(defaultPdap(python.version), undefined);
  const lines = [
    `| work | ${runners.map((r) => r.title).join(" | ")} | target (${judged}) |`,
    `|---|${runners.map(() => "---|").join("")}---|`,
  ];
  for (const workload of report.workloads) {
    const cells = runners.map((runner) => {
      const row = report.rows.find(
        (r) => r.python === python.version && r.workload === workload.id && r.runner === runner.id,
      );
      return cellText(row, planned(report.config, workload.id), runner.title, workload.title, notes);
    });
    const verdict = report.verdicts.find((v) => v.python === python.version && v.workload === workload.id);
    lines.push(
      `| ${workload.title} | ${cells.join(" | ")} | ${workload.target}: ${escapePipes(verdict?.text ?? "?")} |`,
    );
  }
  const below = [...python.notes, ...notes.failures, ...notes.details];
  if (below.length) lines.push("", ...below.map((note) => `- ${note}`));
  return lines;
}

/** What a table cell cannot hold: failure reasons (numbered from the cells) and measurement details. */
class Notes {
  private readonly failuresByKey = new Map<string, { runner: string; works: string[]; reason: string }>();
  readonly details: string[] = [];

  constructor(private readonly rowCount: number) {}

  /** The footnote number for this failure; one runner failing the same way in many rows shares one. */
  failure(runner: string, work: string, reason: string): number {
    const key = `${runner}\n${reason}`;
    const known = this.failuresByKey.get(key);
    if (known) known.works.push(work);
    else this.failuresByKey.set(key, { runner, works: [work], reason });
    return [...this.failuresByKey.keys()].indexOf(key) + 1;
  }

  get failures(): string[] {
    return [...this.failuresByKey.values()].map(({ runner, works, reason }, i) => {
      const where = works.length === this.rowCount ? "every row" : works.join("; ");
      return `[${i + 1}] ${runner}, ${where}: failed: ${oneLine(reason)}`;
    });
  }
}

function cellText(
  row: Row | undefined,
  plannedRuns: number,
  runner: string,
  work: string,
  notes: Notes,
): string {
  if (!row) return "—";
  if (row.status === "n/a") return `n/a (${escapePipes(row.reason ?? "")})`;
  if (row.status === "failed")
    return `**failed** [${notes.failure(runner, work, row.reason ?? "no reason given")}]`;
  const summary = row.ratio ?? { median: row.median ?? 0, min: row.min ?? 0, max: row.max ?? 0 };
  const format = row.ratio ? times : row.unit === "s" ? (v: number) => ms(v * 1000) : ms;
  const few = (row.n ?? 0) < plannedRuns ? ` n=${row.n}` : "";
  if (row.detail) notes.details.push(`${runner}, ${work}: ${oneLine(row.detail)}.`);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})${few}`;
}

/** How many samples a cell gets when nothing cuts it short (a smaller n is shown in the table). */
function planned(config: BenchConfig, workload: WorkloadId): number {
  if (workload === "step-over") return config.stepOverReps;
  if (workload === "step") return config.reps * config.latencySteps;
  return config.reps;
}

function oneLine(text: string): string {
  return escapePipes(text.replace(/\s+/g, " ").trim());
}

function escapePipes(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function workloadUnit(id: WorkloadId): "ratio" | "ms" {
  return isLatency(id) ? "ms" : "ratio";
}
