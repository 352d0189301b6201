// debugpy as a second, independent DAP implementation to check the terminal debugger against.
// Never a dependency of pdap: the test fetches the wheel with pip into a cache directory.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** node_modules/.cache/pdap-debugpy: unpacked wheels, one directory per interpreter version. */
const CACHE = fileURLToPath(new URL("../../../node_modules/.cache/pdap-debugpy", import.meta.url));

export type DebugpyInstall = { pythonPath: string } | { skip: string };

function run(python: string, args: string[]): void {
  execFileSync(python, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
}

/**
 * The directory to put on PYTHONPATH for `python -m debugpy.adapter`: from the cache, or
 * downloaded now with pip (a wheel for this interpreter) and unpacked. When pip cannot get it,
 * the reason to skip.
 */
export function installDebugpy(python: string, version: string): DebugpyInstall {
  const target = path.join(CACHE, `py${version}`);
  if (existsSync(path.join(target, "debugpy", "__init__.py"))) return { pythonPath: target };
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(path.join(CACHE, "download-"));
  try {
    try {
      run(python, ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", work, "debugpy"]);
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
      return {
        skip: `pip could not download debugpy: ${stderr.split("\n").at(-1) || (error as Error).message}`,
      };
    }
    const wheel = readdirSync(work).find((name) => name.endsWith(".whl"));
    if (!wheel) return { skip: "pip downloaded no debugpy wheel" };
    const unpacked = path.join(work, "unpacked");
    run(python, ["-m", "zipfile", "-e", path.join(work, wheel), unpacked]);
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
    return { pythonPath: target };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
