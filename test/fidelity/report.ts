// What the suite prints: a table per version and mode, every unexplained difference, and the
// final `N passed, N failed` line (one check is one group of test modules in one mode on one version).
import { type Comparison, unexplained } from "./compare.js";
import type { ModeName } from "./modes/mode.js";

export interface Checked {
  version: string;
  backend: string;
  mode: ModeName;
  /** the group of test modules (slice.ts) */
  module: string;
  comparison: Comparison;
  wallMs: number;
  plainWallMs: number;
  stops: string[];
  childSessions: number;
}

export function failed(check: Checked): boolean {
  return unexplained(check.comparison).length > 0 || check.comparison.problems.length > 0;
}

interface Row {
  target: string;
  mode: ModeName;
  ran: number;
  matched: number;
  differed: number;
  excepted: number;
  flaky: number;
  modules: number;
  modulesFailed: number;
  wallMs: number;
  plainWallMs: number;
}

export function rows(checks: Checked[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const check of checks) {
    const key = `${check.version} ${check.backend}\t${check.mode}`;
    const row = byKey.get(key) ?? {
      target: `${check.version} ${check.backend}`,
      mode: check.mode,
      ran: 0,
      matched: 0,
      differed: 0,
      excepted: 0,
      flaky: 0,
      modules: 0,
      modulesFailed: 0,
      wallMs: 0,
      plainWallMs: 0,
    };
    const { comparison } = check;
    row.ran += comparison.ran;
    row.matched += comparison.matched;
    row.differed += unexplained(comparison).length + comparison.lost;
    row.excepted += comparison.differences.length - unexplained(comparison).length;
    row.flaky += comparison.flaky.length;
    row.modules += 1;
    row.modulesFailed += failed(check) ? 1 : 0;
    row.wallMs += check.wallMs;
    row.plainWallMs += check.plainWallMs;
    byKey.set(key, row);
  }
  return [...byKey.values()];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)} s`;
}

export function markdownTable(checks: Checked[]): string {
  const lines = [
    "| Python | mode | tests ran | matched | differed | excepted | flaky | groups failed | wall time (plain) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of rows(checks)) {
    const ratio = row.plainWallMs > 0 ? ` ${(row.wallMs / row.plainWallMs).toFixed(2)}×` : "";
    lines.push(
      `| ${row.target} | ${row.mode} | ${row.ran} | ${row.matched} | ${row.differed} | ${row.excepted} | ${row.flaky} | ${row.modulesFailed}/${row.modules} | ${seconds(row.wallMs)} (${seconds(row.plainWallMs)})${ratio} |`,
    );
  }
  return lines.join("\n");
}

/** Every difference that fails the suite, then the flaky ones, then the declared ones met. */
export function details(checks: Checked[]): string {
  const out: string[] = [];
  for (const check of checks) {
    const where = `${check.version} ${check.backend} ${check.mode} ${check.module}`;
    for (const problem of check.comparison.problems) out.push(`FAIL ${where}: ${problem}`);
    for (const known of check.comparison.known) out.push(`KNOWN ${where}: ${known}`);
    for (const difference of unexplained(check.comparison)) {
      out.push(`FAIL ${where}: ${difference.id}: plain ${difference.plain}, pdap ${difference.debugged}`);
    }
  }
  for (const check of checks) {
    const where = `${check.version} ${check.backend} ${check.mode} ${check.module}`;
    for (const difference of check.comparison.flaky) {
      out.push(
        `flaky ${where}: ${difference.id}: plain ${difference.plain}, pdap ${difference.debugged} (not again)`,
      );
    }
    for (const difference of check.comparison.differences.filter((d) => d.excepted)) {
      out.push(`excepted ${where}: ${difference.id}: ${difference.excepted}`);
    }
    if (check.stops.length > 0) out.push(`stops ${where}: ${check.stops.slice(0, 3).join("; ")}`);
  }
  return out.join("\n");
}

export function finalLine(checks: Checked[]): string {
  const failures = checks.filter(failed).length;
  return `${checks.length - failures} passed, ${failures} failed`;
}
