// What the figures were taken on: a table without its machine cannot be trusted or compared.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started and ended: other work on a shared machine shows here */
  loadStart: number;
  loadEnd?: number;
  commit: string;
}

export function describeMachine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadStart: os.loadavg()[0],
    commit: gitCommit(),
  };
}

export function currentLoad(): number {
  return os.loadavg()[0];
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match) return match[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown CPU";
}

/** The commit measured, flagged when the measured code (agent, adapter, client) has uncommitted changes. */
function gitCommit(): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();
  try {
    const commit = git("rev-parse", "--short", "HEAD");
    const changed = git("status", "--porcelain", "--", "python", "src", "bin");
    return changed ? `${commit} with uncommitted changes` : commit;
  } catch {
    return "unknown";
  }
}
