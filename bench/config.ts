// Sizes and repetitions of a full run and of a --quick one. A full run must stay near 10 minutes
// on a 2-core machine with every Python 3.9–3.13; --quick near 2 minutes.

export interface BenchConfig {
  quick: boolean;
  /** runs (processes or debug sessions) per cell */
  reps: number;
  /** a slow cell stops repeating once its runs took this long (it still gets minReps runs) */
  cellBudgetMs: number;
  minReps: number;
  /** one run (a process, or one whole debug session) fails past this */
  runTimeoutMs: number;
  /** rounds of cpu.py's churn(): ~2.5 ms each on plain CPython (timed in-process, so short is fine) */
  cpuRounds: number;
  /** hits of the hot line with a false-conditioned breakpoint */
  conditionHits: number;
  /** `next` over the ~20 ms call, per session */
  stepOverReps: number;
  /** plain duration the step-over call is calibrated to on each interpreter */
  stepOverCallMs: number;
  /** `next` requests per latency session */
  latencySteps: number;
  recursionDepth: number;
  listSize: number;
  dictSize: number;
}

export const FULL: BenchConfig = {
  quick: false,
  reps: 5,
  cellBudgetMs: 4_000,
  minReps: 1,
  runTimeoutMs: 120_000,
  cpuRounds: 40,
  conditionHits: 2_000_000,
  stepOverReps: 5,
  stepOverCallMs: 20,
  latencySteps: 10,
  recursionDepth: 1000,
  listSize: 10_000_000,
  dictSize: 100_000,
};

export const QUICK: BenchConfig = {
  quick: true,
  reps: 2,
  cellBudgetMs: 4_000,
  minReps: 1,
  runTimeoutMs: 45_000,
  cpuRounds: 40,
  conditionHits: 300_000,
  stepOverReps: 3,
  stepOverCallMs: 20,
  latencySteps: 5,
  recursionDepth: 1000,
  listSize: 1_000_000,
  dictSize: 10_000,
};

/** "10M", "100k", "2M": sizes as the table's row titles say them. */
export function count(n: number): string {
  if (n >= 1_000_000 && n % 100_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 100 === 0) return `${n / 1_000}k`;
  return String(n);
}
