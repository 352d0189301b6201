// The Python programs the benchmark runs (bench/workloads/*.py) and the rows of the table.
// Breakpoint lines are found by `# MARKER` comments, so the programs can be edited freely.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const WORKLOAD_DIR = fileURLToPath(new URL("../../bench/workloads", import.meta.url));

export interface Program {
  path: string;
  line(marker: string): number;
}

export function program(name: string): Program {
  const file = path.join(WORKLOAD_DIR, name);
  const lines = readFileSync(file, "utf8").split("\n");
  return {
    path: file,
    line(marker: string): number {
      const index = lines.findIndex((text) => new RegExp(`#.*\\b${marker}\\b`).test(text));
      if (index < 0) throw new Error(`marker ${marker} not found in ${name}`);
      return index + 1;
    },
  };
}

export const PROGRAMS = {
  cpu: program("cpu.py"),
  cpuHelper: program("cpu_helper.py"),
  condition: program("condition.py"),
  step: program("step.py"),
  inspect: program("inspect_target.py"),
};

/** Rows of the table, in order. "overhead" rows are ratios to plain Python; "latency" rows are ms. */
export const WORKLOAD_IDS = [
  "cpu-same-file",
  "cpu-other-file",
  "false-condition",
  "step-over",
  "launch",
  "step",
  "variables-list",
  "variables-dict",
  "stack-trace",
] as const;

export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export type LatencyWorkloadId = "launch" | "step" | "variables-list" | "variables-dict" | "stack-trace";

export const LATENCY_WORKLOADS: readonly LatencyWorkloadId[] = [
  "launch",
  "step",
  "variables-list",
  "variables-dict",
  "stack-trace",
];

export function isLatency(id: WorkloadId): id is LatencyWorkloadId {
  return (LATENCY_WORKLOADS as readonly string[]).includes(id);
}

/** Payload lines the programs print: the time measured inside the process. */
export function parseSeconds(stdout: string): number {
  const match = /BENCH_SECONDS ([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`the program printed no BENCH_SECONDS line${describeOutput(stdout)}`);
  return Number(match[1]);
}

export function parseStepSeconds(stdout: string): number[] {
  const match = /BENCH_STEP_SECONDS ([\d. ]+)/.exec(stdout);
  if (!match) throw new Error(`the program printed no BENCH_STEP_SECONDS line${describeOutput(stdout)}`);
  return match[1].trim().split(/\s+/).map(Number);
}

function describeOutput(stdout: string): string {
  const text = stdout.trim();
  return text ? ` (its output ends: ${JSON.stringify(text.slice(-200))})` : " (no output)";
}
