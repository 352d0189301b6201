// `npm run bench:record [-- --runs N --rounds R]`: the cost of recording for step back (issue 18).
// bench/workloads/record.py (calls, loops, dicts, exceptions) runs plain, under pdap without
// recording, recording the program's code (record: true), and recording only a function the
// timed work never calls (the cost to code outside the scope); each backend of each Python found.
// Also what recording adds to each event in µs, and the recorder's own estimate of its memory, per
// million events. Medians of --runs (default 5) after a warm-up; writes bench/results/record.md.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DapClient } from "../src/client/client.js";
import { pythonMatrix } from "../test/support/pythons.js";
import { formatLike } from "./format.js";
import { runProcess } from "./processes.js";
import { median } from "./stats.js";
import { parseSeconds, program } from "./workloads.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKLOAD = program("record.py");
const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) || fallback : fallback;
};
const runs = argValue("--runs", 5);
const rounds = argValue("--rounds", 400);
const only = process.argv.includes("--python")
  ? process.argv[process.argv.indexOf("--python") + 1].split(",")
  : undefined;

async function plainSeconds(python: string): Promise<number> {
  const result = await runProcess(python, [WORKLOAD.path, String(rounds)], { timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`plain run failed: ${result.stderr}`);
  return parseSeconds(result.stdout);
}

/** One run under pdap; with a breakpoint on END (after the timing) to read the recorder's figures. */
async function pdapRun(
  python: string,
  backend: string,
  record: unknown,
): Promise<{ seconds: number; events: number; bytes: number }> {
  const client = DapClient.spawnAdapter();
  try {
    const args: Record<string, unknown> = { program: WORKLOAD.path, args: [String(rounds)], python, backend };
    if (record !== undefined) args.record = record;
    await client.start("launch", args, { [WORKLOAD.path]: [WORKLOAD.line("END")] });
    const stop = await client.nextStop(600_000);
    let events = 0;
    let bytes = 0;
    if (record !== undefined) {
      const state = await client.request("record", {});
      for (const thread of state.threads) {
        events += thread.events + thread.dropped;
        bytes += thread.bytes;
      }
    }
    const exited = client.waitFor("exited");
    await client.request("continue", { threadId: stop.body.threadId ?? 0 });
    await exited;
    return { seconds: parseSeconds(client.output("stdout")), events, bytes };
  } finally {
    await client.disconnect();
  }
}

const rows: string[] = [];
for (const target of pythonMatrix().targets) {
  if (only && !only.includes(target.version)) continue;
  const plain: number[] = [];
  const off: number[] = [];
  const all: number[] = [];
  const outside: number[] = [];
  let perEvent = 0;
  let events = 0;
  for (let i = 0; i <= runs; i++) {
    const p = await plainSeconds(target.python);
    const o = await pdapRun(target.python, target.backend, undefined);
    const a = await pdapRun(target.python, target.backend, true);
    const s = await pdapRun(target.python, target.backend, ["__main__:tiny"]);
    if (i === 0) continue; // warm-up: .pyc files, the disk cache
    plain.push(p);
    off.push(o.seconds);
    all.push(a.seconds);
    outside.push(s.seconds);
    events = a.events;
    perEvent = a.events ? a.bytes / Math.min(a.events, 1e12) : 0;
  }
  const base = median(plain);
  const ratio = (values: number[]) => `${(median(values) / base).toFixed(2)}×`;
  // what recording adds to each event, in absolute terms (the ratios move with the plain run's noise)
  const perEventCost = events ? ((median(all) - median(off)) / events) * 1e6 : 0;
  const row = `| ${target.label} | ${(base * 1000).toFixed(0)} ms | ${ratio(off)} | ${ratio(all)} | ${perEventCost.toFixed(2)} µs | ${ratio(outside)} | ${(events / 1e6).toFixed(2)} M | ${((perEvent * 1e6) / 2 ** 20).toFixed(0)} MiB |`;
  rows.push(row);
  console.log(row);
}
const table = [
  "| Python, backend | plain | pdap, no recording | recording the program (`record: true`) | recording's cost per event (recording − no recording, ÷ events) | recording elsewhere only (code outside the scope) | events recorded | memory per million events (recorder's estimate, while within its bound) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
].join("\n");
const report = `Step-back recording, bench/workloads/record.py with ${rounds} rounds, medians of ${runs} runs, ${new Date().toISOString().slice(0, 16)} UTC:\n\n${table}\n`;
writeFileSync(
  path.join(ROOT, "bench", "results", "record.md"),
  formatLike("bench/results/record.md", report),
);
console.log(table);
