// A program that dies before its agent connects (a bad --backend, an interpreter too old, a
// python that is not one): the launch fails at once with the reason, not after the connect timeout.

import { execFile } from "node:child_process";
import path from "node:path";
import { DapError } from "../dap/connection.js";
import { ErrorId } from "../protocol/errors.js";

const WATCH_INTERVAL_MS = 50;
const PROBE_TIMEOUT_MS = 3_000;
const OLDEST_PYTHON: [number, number] = [3, 9];

/**
 * Rejects once the process `pid` (started by the client, in its terminal) is gone; `stop()`
 * ends the watch once the agent has connected.
 */
export function watchProcessExit(pid: number): { gone: Promise<never>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (processAlive(pid)) return;
      clearInterval(timer);
      reject(new ProcessGone());
    }, WATCH_INTERVAL_MS);
    timer.unref();
  });
  gone.catch(() => {});
  return { gone, stop: () => clearInterval(timer) };
}

export class ProcessGone extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Why the program ended before the debugger connected: an interpreter older than pdap supports
 * is named with its version; otherwise what it said (`detail`), or where to look.
 */
export async function earlyExitError(python: string, how: string, detail: string): Promise<DapError> {
  const found = await pythonVersion(python);
  if (found && compareVersions(found.version, OLDEST_PYTHON) < 0) {
    const where = path.isAbsolute(python) ? python : found.executable || python;
    return new DapError(
      `pdap needs Python ${OLDEST_PYTHON.join(".")} or newer; ${where} is ${found.version.join(".")}`,
      { id: ErrorId.startFailed },
    );
  }
  return new DapError(`'${python}' ${how} before the debugger connected${detail ? `: ${detail}` : ""}`, {
    id: ErrorId.startFailed,
  });
}

/** The interpreter's version, asked in a form every Python (2.x too) understands; undefined if it is none. */
function pythonVersion(
  python: string,
): Promise<{ version: [number, number]; executable: string } | undefined> {
  const code =
    "import sys; sys.stdout.write('%d %d %s' % (sys.version_info[0], sys.version_info[1], sys.executable))";
  return new Promise((resolve) => {
    execFile(
      python,
      ["-c", code],
      { timeout: PROBE_TIMEOUT_MS, env: probeEnvironment() },
      (error, stdout) => {
        const match = /^(\d+) (\d+) ?(.*)$/s.exec(String(stdout));
        if (error || !match) resolve(undefined);
        else resolve({ version: [Number(match[1]), Number(match[2])], executable: match[3] });
      },
    );
  });
}

/** No PYTHONPATH and no PYTHONSTARTUP of ours: the probe asks the bare interpreter. */
function probeEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PYTHONPATH;
  delete env.PYTHONSTARTUP;
  return env;
}

function compareVersions(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
