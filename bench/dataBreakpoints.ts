// `npm run bench:data [-- --python 3.12,3.11] [--reps N] [--size N]`: what a data breakpoint costs.
// bench/workloads/watch.py runs a CPU-bound loop that changes an attribute, a global and a local
// once; each case watches one of them (with a condition that is false, so the run never stops) and
// is timed inside the process against plain Python and against pdap with no data breakpoint.
import { Command, InvalidArgumentError } from "commander";
import { DapClient } from "../src/client/client.js";
import { pythonMatrix } from "../test/support/pythons.js";
import { runProcess } from "./processes.js";
import { median } from "./stats.js";
import { parseSeconds, program } from "./workloads.js";

const WATCH = program("watch.py");

const CASES = [
  { id: "plain", title: "plain Python" },
  { id: "none", title: "pdap, no data breakpoint" },
  { id: "attribute", title: "pdap, data breakpoint on an attribute (model.rate)", watch: "model.rate" },
  { id: "global", title: "pdap, data breakpoint on a global (SETTING)", watch: "SETTING" },
  { id: "local", title: "pdap, data breakpoint on a local of the hot function (limit)", watch: "limit" },
] as const;

type Case = (typeof CASES)[number];

interface Options {
  python?: string[];
  reps: number;
  size: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

async function plainRun(python: string, size: number): Promise<number> {
  const result = await runProcess(python, [WATCH.path, String(size)], { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`plain run failed: ${result.stderr}`);
  return parseSeconds(result.stdout);
}

/** One pdap run: stop at SETUP, set the case's data breakpoint, run to the end. */
async function pdapRun(python: string, backend: string, size: number, kase: Case): Promise<number> {
  const client = DapClient.spawnAdapter();
  try {
    await client.start(
      "launch",
      { program: WATCH.path, args: [String(size)], python, backend },
      { [WATCH.path]: [WATCH.line("SETUP")] },
    );
    const stop = await client.nextStop(60_000);
    const threadId = stop.body.threadId ?? 0;
    await client.setBreakpoints(WATCH.path, []);
    if ("watch" in kase) {
      const { stackFrames } = await client.stackTrace(threadId);
      const info = await client.request("dataBreakpointInfo", {
        name: kase.watch,
        frameId: stackFrames[0].id,
      });
      if (!info.dataId) throw new Error(`cannot watch ${kase.watch}: ${info.description}`);
      await client.request("setDataBreakpoints", {
        breakpoints: [{ dataId: info.dataId, condition: "False" }],
      });
    }
    await client.request("continue", { threadId });
    await client.waitFor("exited", () => true, 120_000);
    return parseSeconds(client.output("stdout"));
  } finally {
    await client.disconnect();
  }
}

async function main(): Promise<void> {
  const options = new Command("bench:data")
    .option("--python <versions>", "comma-separated versions (default: every one found)", (v: string) =>
      v.split(",").map((s) => s.trim()),
    )
    .option("--reps <n>", "runs per figure (the median is shown)", positiveInt, 3)
    .option("--size <n>", "loop iterations", positiveInt, 400_000)
    .parse(process.argv)
    .opts<Options>();
  const { targets } = pythonMatrix();
  const chosen = targets.filter((t) => !options.python || options.python.includes(t.version));
  const rows: string[] = [];
  for (const target of chosen) {
    const seconds = new Map<string, number[]>();
    for (let rep = 0; rep < options.reps; rep++) {
      for (const kase of CASES) {
        const value =
          kase.id === "plain"
            ? await plainRun(target.python, options.size)
            : await pdapRun(target.python, target.backend, options.size, kase);
        seconds.set(kase.id, [...(seconds.get(kase.id) ?? []), value]);
        process.stderr.write(`${target.label} ${kase.id} run ${rep + 1}: ${value.toFixed(3)} s\n`);
      }
    }
    const plain = median(seconds.get("plain") ?? []);
    const none = median(seconds.get("none") ?? []);
    const cells = CASES.map((kase) => {
      const value = median(seconds.get(kase.id) ?? []);
      if (kase.id === "plain") return `${value.toFixed(3)} s`;
      const vsNone = kase.id === "none" ? "" : ` (${(value / none).toFixed(2)}× pdap without)`;
      return `${(value / plain).toFixed(2)}×${vsNone}`;
    });
    rows.push(`| ${target.label} | ${cells.join(" | ")} |`);
  }
  const header = `| Python | ${CASES.map((kase) => kase.title).join(" | ")} |`;
  const rule = `|${"---|".repeat(CASES.length + 1)}`;
  process.stdout.write(
    `${[header, rule, ...rows].join("\n")}\n\nMedian of ${options.reps} runs, ${options.size} iterations; ` +
      "ratios are to plain Python's time for the same loop.\n",
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
