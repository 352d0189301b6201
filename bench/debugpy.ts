// debugpy, the debugger pdap is measured against: fetched with pip into a cache directory (never
// installed into an interpreter), unzipped, and put on PYTHONPATH. The mirror serves the cp311
// wheel only; its pure-Python parts run on every version, its compiled speed-ups on 3.11 only.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess, tail } from "./processes.js";

export const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/pdap-bench", import.meta.url));

export interface Debugpy {
  version: string;
  /** the directory to put on PYTHONPATH (it holds the `debugpy` package) */
  root: string;
  wheel: string;
  /** oldest Python its adapter runs on (the wheel's Requires-Python) */
  requiresPython: string;
}

export type DebugpyResult = { ok: true; debugpy: Debugpy } | { ok: false; reason: string };

const PIP_TIMEOUT_MS = 180_000;

/** The cached debugpy of this version, downloading and unzipping it first if needed. */
export async function provideDebugpy(version: string, python: string | undefined): Promise<DebugpyResult> {
  const root = path.join(CACHE_DIR, `debugpy-${version}`);
  if (!existsSync(path.join(root, "debugpy", "__init__.py"))) {
    if (!python) return { ok: false, reason: "no Python interpreter to run pip with" };
    const failure = await download(version, python, root);
    if (failure) return { ok: false, reason: failure };
  }
  const info = readDistInfo(root);
  if (!info) return { ok: false, reason: `no debugpy dist-info in ${root}` };
  return { ok: true, debugpy: { ...info, root } };
}

async function download(version: string, python: string, root: string): Promise<string | undefined> {
  const wheels = path.join(CACHE_DIR, "wheels");
  mkdirSync(wheels, { recursive: true });
  // --python-version 3.11: the mirror has only the cp311 wheel, whatever Python runs pip
  const pip = await runProcess(
    python,
    ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.11"].concat([
      "-d",
      wheels,
      `debugpy==${version}`,
    ]),
    { timeoutMs: PIP_TIMEOUT_MS },
  ).catch((error: Error) => ({ code: -1, stdout: "", stderr: error.message }));
  const wheel = readdirSync(wheels).find(
    (name) => name.startsWith(`debugpy-${version}-`) && name.endsWith(".whl"),
  );
  if (!wheel) return `pip download debugpy==${version} failed: ${pipError(pip.stderr || pip.stdout)}`;
  const unpacking = `${root}.tmp`;
  rmSync(unpacking, { recursive: true, force: true });
  const unzip = await runProcess(python, ["-m", "zipfile", "-e", path.join(wheels, wheel), unpacking], {
    timeoutMs: PIP_TIMEOUT_MS,
  });
  if (unzip.code !== 0) return `cannot unzip ${wheel}: ${tail(unzip.stderr, 400)}`;
  rmSync(root, { recursive: true, force: true });
  renameSync(unpacking, root); // only a complete unzip ever becomes the cache
  return undefined;
}

/** pip's own ERROR lines say why (its retry warnings before them do not); else its last words. */
function pipError(output: string): string {
  const errors = output.split("\n").filter((line) => line.startsWith("ERROR:"));
  return errors.length ? errors.join(" ") : tail(output, 400);
}

function readDistInfo(root: string): Omit<Debugpy, "root"> | undefined {
  const distInfo = readdirSync(root).find((name) => /^debugpy-.*\.dist-info$/.test(name));
  if (!distInfo) return undefined;
  const metadata = readFileSync(path.join(root, distInfo, "METADATA"), "utf8");
  const wheelFile = readFileSync(path.join(root, distInfo, "WHEEL"), "utf8");
  return {
    version: /^Version: (.+)$/m.exec(metadata)?.[1]?.trim() ?? "?",
    requiresPython: /^Requires-Python: >=\s*([\d.]+)/m.exec(metadata)?.[1] ?? "3.0",
    wheel: /^Tag: (.+)$/m.exec(wheelFile)?.[1]?.trim() ?? "?",
  };
}

// pydevd picks its Cython tracer if the extension imports, else silently runs pure Python: this
// asks the interpreter the same question so the table can say which one was measured.
const SPEEDUPS_PROBE = `
import sys
sys.path.insert(0, sys.argv[1])
try:
    if sys.version_info >= (3, 12):
        from _pydevd_sys_monitoring import _pydevd_sys_monitoring_cython
    else:
        from _pydevd_bundle import pydevd_cython
    print("compiled")
except Exception as exc:
    print("pure Python (%s)" % type(exc).__name__)
`;

/** "compiled" or "pure Python (...)": which tracer debugpy runs with on this interpreter. */
export async function probeSpeedups(python: string, debugpy: Debugpy): Promise<string> {
  const pydevd = path.join(debugpy.root, "debugpy", "_vendored", "pydevd");
  const result = await runProcess(python, ["-c", SPEEDUPS_PROBE, pydevd], { timeoutMs: 30_000 });
  return result.stdout.trim() || `unknown (${tail(result.stderr, 200)})`;
}

/** True when `version` ("3.9") is at least `minimum` ("3.10"). */
export function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
