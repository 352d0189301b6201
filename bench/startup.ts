// `npm run bench:startup`: how long pdap takes to start, on this machine (issue: under 200 ms each):
// - `pdap run --no-stop-on-entry examples/hello.py`, wall time of the whole command (no terminal:
//   the program runs to its end), against plain `python examples/hello.py`;
// - launch → first stop over DAP: from the launch request to the `stopped` event of a breakpoint
//   on the program's first line, adapter already running (what an editor's F5 waits for).
// Medians over --runs (default 15) after one warm-up; writes bench/results/startup.md.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { DapClient, PDAP_BIN } from "../src/client/client.js";
import { pythonMatrix } from "../test/support/pythons.js";
import { formatLike } from "./format.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HELLO = path.join(ROOT, "examples", "hello.py");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function wallMs(command: string, args: string[]): number {
  const start = performance.now();
  execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "ignore"] });
  return performance.now() - start;
}

async function launchToStopMs(python: string): Promise<number> {
  const client = DapClient.spawnAdapter();
  try {
    await client.initialize();
    const initialized = client.waitFor("initialized");
    const start = performance.now();
    const launched = client.request("launch", { program: HELLO, python });
    await initialized;
    await client.request("setBreakpoints", { source: { path: HELLO }, breakpoints: [{ line: 1 }] });
    await client.request("configurationDone");
    await launched;
    await client.nextStop();
    return performance.now() - start;
  } finally {
    await client.disconnect();
  }
}

async function measure(python: string, version: string): Promise<string> {
  const plain: number[] = [];
  const run: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const p = wallMs(python, [HELLO]);
    const r = wallMs(process.execPath, [PDAP_BIN, "run", "--python", python, "--no-stop-on-entry", HELLO]);
    const s = await launchToStopMs(python);
    if (i === 0) continue; // warm-up: .pyc files, the disk cache
    plain.push(p);
    run.push(r);
    stop.push(s);
  }
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  return `| ${version} | ${ms(plain)} | ${ms(run)} | ${ms(stop)} |`;
}

const rows: string[] = [];
for (const target of pythonMatrix().targets.filter(
  (t) => t.backend === (Number(t.version.split(".")[1]) >= 12 ? "monitoring" : "settrace"),
)) {
  rows.push(await measure(target.python, target.version));
  console.log(rows[rows.length - 1]);
}
const table = [
  "| Python | plain `python hello.py` | `pdap run --no-stop-on-entry hello.py` | launch → first stop (DAP) |",
  "| --- | --- | --- | --- |",
  ...rows,
].join("\n");
const report = `Start-up, medians of ${runs} runs, ${new Date().toISOString().slice(0, 16)} UTC:\n\n${table}\n`;
writeFileSync(
  path.join(ROOT, "bench", "results", "startup.md"),
  formatLike("bench/results/startup.md", report),
);
console.log(table);
