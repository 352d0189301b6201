// The speed targets of DESIGN.md, and whether pdap meets them in a given run. Each target is
// judged on the backend a user gets by default: sys.monitoring on 3.12+, settrace before.
import { atLeast } from "./debugpy.js";
import type { RunnerId } from "./runners.js";
import type { WorkloadId } from "./workloads.js";

/** The figure a verdict is judged on: a ratio to plain Python, or a latency in ms. */
export interface Measured {
  ok: boolean;
  value?: number;
  reason?: string;
}

export interface Verdict {
  /** null: no target for this version, or nothing to compare with */
  met: boolean | null;
  text: string;
}

export interface Target {
  text: string;
  /** DESIGN.md's debugpy figures (with its compiled speed-ups), 3.11 / 3.12 */
  designDebugpy: string;
  judge(version: string, measured: (runner: RunnerId) => Measured): Verdict;
}

export function defaultPdap(version: string): RunnerId {
  return atLeast(version, "3.12") ? "pdap-monitoring" : "pdap-settrace";
}

const unhitBreakpoint = (designDebugpy: string): Target => ({
  text: "≤ 1.05× on 3.12+; beat debugpy on ≤3.11",
  designDebugpy,
  judge(version, measured) {
    const pdap = measured(defaultPdap(version));
    if (!pdap.ok || pdap.value === undefined) return failed(pdap);
    if (atLeast(version, "3.12")) return limit(pdap.value, 1.05, "×");
    const debugpy = measured("debugpy");
    if (!debugpy.ok || debugpy.value === undefined) return { met: null, text: "? (no debugpy figure)" };
    const met = pdap.value < debugpy.value;
    return { met, text: `${mark(met)} ${times(pdap.value)} vs debugpy ${times(debugpy.value)}` };
  },
});

const atMost = (bound: number, unit: "×" | "ms", designDebugpy: string, from?: string): Target => ({
  text: `≤ ${unit === "×" ? `${bound}×` : bound >= 100 ? `${bound / 1000} s` : `${bound} ms`}${from ? ` on ${from}+` : ""}`,
  designDebugpy,
  judge(version, measured) {
    if (from && !atLeast(version, from)) return { met: null, text: `— (target is for ${from}+)` };
    const pdap = measured(defaultPdap(version));
    if (!pdap.ok || pdap.value === undefined) return failed(pdap);
    return limit(pdap.value, bound, unit);
  },
});

export const TARGETS: Record<WorkloadId, Target> = {
  "cpu-same-file": unhitBreakpoint("5.3× / 1.0×"),
  "cpu-other-file": unhitBreakpoint("— (measured for the same-file case)"),
  "false-condition": atMost(10, "×", "~97× / ~126×"),
  "step-over": atMost(1.5, "×", "~47× / ~22×", "3.12"),
  launch: atMost(250, "ms", "~1.0 s / ~0.9 s"),
  step: atMost(10, "ms", "~87 ms / ~87 ms"),
  "variables-list": atMost(5, "ms", "~45 ms / ~45 ms"),
  "variables-dict": atMost(5, "ms", "~45 ms / ~45 ms"),
  "stack-trace": atMost(5, "ms", "~45 ms / ~45 ms"),
};

function limit(value: number, bound: number, unit: "×" | "ms"): Verdict {
  const met = value <= bound;
  return { met, text: `${mark(met)} ${unit === "×" ? times(value) : ms(value)}` };
}

function failed(pdap: Measured): Verdict {
  return { met: false, text: `❌ failed: ${pdap.reason ?? "no figure"}` };
}

function mark(met: boolean): string {
  return met ? "✅ met" : "❌ not met";
}

export function times(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(ratio < 100 ? 1 : 0)}×`;
}

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(value < 100 ? 1 : 0)} ms`;
}
