// `pdap ps`: the local Python processes, their interpreter version and command line, and whether
// and how pdap can attach to each (attachByPid.ts for the opted-in ones, ptraceAccess.ts otherwise).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { processUid, readAttachFile, userName } from "../adapter/attachByPid.js";
import { ptraceAccess } from "../adapter/ptraceAccess.js";
import { versionFromPath } from "../adapter/remoteExec.js";

export interface PythonProcess {
  pid: number;
  /** "3.11" (from the executable's name or path), or "" when it does not say */
  python: string;
  command: string;
  attachable: boolean;
  /** how: "opted in (SIGUSR2)", "listening", or why not */
  how: string;
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined; // another user's process, or a kernel thread
  }
}

let gdbFound: boolean | undefined;
function gdbInstalled(): boolean {
  gdbFound ??= !spawnSync("gdb", ["--version"], { stdio: "ignore" }).error;
  return gdbFound;
}

const PYTHON_NAME = /^python(\d+(\.\d+)?)?$/;

function describeAccess(pid: number, ourUid: number): { attachable: boolean; how: string; python?: string } {
  const owner = processUid(pid);
  if (owner === undefined) return { attachable: false, how: "ended" };
  if (owner !== ourUid) return { attachable: false, how: `no: ${userName(owner)}'s process` };
  const file = readAttachFile(pid, owner);
  if (file?.state === "listening") return { attachable: true, how: "yes: listening", python: file.python };
  if (file?.state === "armed")
    return { attachable: true, how: `yes: opted in (${file.signalName})`, python: file.python };
  if (file) return { attachable: false, how: `no: ${file.reason ?? file.state}` };
  const ptrace = ptraceAccess();
  if (!ptrace.allowed) return { attachable: false, how: `no: not opted in, and ${ptrace.why}` };
  if (!gdbInstalled()) return { attachable: false, how: "no: not opted in, and gdb is not installed" };
  return { attachable: true, how: "yes: through ptrace (gdb)" };
}

export function pythonProcesses(ourUid = process.getuid?.() ?? 0): PythonProcess[] {
  const found: PythonProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = commandLine(pid);
    const exe = executable(pid) ?? argv[0] ?? "";
    if (!PYTHON_NAME.test(path.basename(exe)) && !PYTHON_NAME.test(path.basename(argv[0] ?? ""))) continue;
    const access = describeAccess(pid, ourUid);
    if (access.how === "ended") continue;
    found.push({
      pid,
      python: access.python?.split(".").slice(0, 2).join(".") || versionFromPath(exe),
      command: argv.join(" "),
      attachable: access.attachable,
      how: access.how,
    });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

function table(processes: PythonProcess[]): string {
  const rows = [
    ["PID", "PYTHON", "ATTACH", "COMMAND"],
    ...processes.map((p) => [String(p.pid), p.python || "?", p.how, p.command]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  "))
    .join("\n");
}

/** What `pdap ps` prints: a table, or JSON with --json. */
export function printPythonProcesses(json: boolean): void {
  const processes = pythonProcesses().filter((p) => p.pid !== process.pid);
  process.stdout.write(json ? `${JSON.stringify(processes, null, 2)}\n` : `${table(processes)}\n`);
}
