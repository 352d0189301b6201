// `npm run bench:startup`: how long pdap takes to start, on this machine (issue: under 200 ms each):
// - `pdap run --no-stop-on-entry examples/hello.py`, wall time of the whole command (no terminal:
//   the program runs to its end), against plain `python examples/hello.py`;
// - launch → first stop over DAP: from the launch request to the `stopped` event of a breakpoint
//   on the program's first line, adapter already running (what an editor's F5 waits for);
// - `node -e 0`, the start of Node.js itself, which every `pdap run` pays before any of pdap runs.
// Medians over --runs (default 15) after one warm-up, the four measured in turn in every round so
// that a load on the machine falls on all alike; writes bench/results/startup.md.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
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

function wallMs(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  execFileSync(command, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "ignore"] });
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

const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;

async function measure(python: string, version: string): Promise<string> {
  const plain: number[] = [];
  const node: number[] = [];
  const run: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const p = wallMs(python, [HELLO]);
    const n = wallMs(process.execPath, ["-e", "0"]);
    const r = wallMs(process.execPath, [PDAP_BIN, "run", "--python", python, "--no-stop-on-entry", HELLO]);
    const s = await launchToStopMs(python);
    if (i === 0) continue; // warm-up: .pyc files, the disk cache
    plain.push(p);
    node.push(n);
    run.push(r);
    stop.push(s);
  }
  return `| ${version} | ${ms(plain)} | ${ms(node)} | ${ms(run)} | ${ms(stop)} |`;
}

/**
 * NODE_EXTRA_CA_CERTS makes every Node.js process read and parse that certificate bundle as it
 * starts (Node.js 20 does it eagerly), `pdap run` included: said under the table with its cost,
 * since it belongs to the machine rather than to pdap.
 */
function extraCertificatesNote(): string {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return "";
  const without = { ...process.env };
  delete without.NODE_EXTRA_CA_CERTS;
  const withIt: number[] = [];
  const withoutIt: number[] = [];
  for (let i = 0; i <= runs; i++) {
    withIt.push(wallMs(process.execPath, ["-e", "0"]));
    withoutIt.push(wallMs(process.execPath, ["-e", "0"], without));
  }
  return (
    `\nThis environment sets NODE_EXTRA_CA_CERTS=${bundle}: \`node -e 0\` takes ${ms(withIt)} with it, ` +
    `${ms(withoutIt)} without, and every \`pdap run\` pays the difference at its start.\n`
  );
}

const rows: string[] = [];
for (const target of pythonMatrix().targets.filter(
  (t) => t.backend === (Number(t.version.split(".")[1]) >= 12 ? "monitoring" : "settrace"),
)) {
  rows.push(await measure(target.python, target.version));
  console.log(rows[rows.length - 1]);
}
const table = [
  "| Python | plain `python hello.py` | Node.js start (`node -e 0`) | `pdap run --no-stop-on-entry hello.py` | launch → first stop (DAP) |",
  "| --- | --- | --- | --- | --- |",
  ...rows,
].join("\n");
const note = extraCertificatesNote();
const load = os.loadavg()[0].toFixed(1);
const report =
  `Start-up, medians of ${runs} runs, ${new Date().toISOString().slice(0, 16)} UTC ` +
  `(load average ${load} at the end, ${os.cpus().length} CPUs):\n\n${table}\n${note}`;
writeFileSync(
  path.join(ROOT, "bench", "results", "startup.md"),
  formatLike("bench/results/startup.md", report),
);
console.log(table + note);
