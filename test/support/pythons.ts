// The interpreters the tests run on: every CPython 3.9-3.13 found (pyenv, PATH), with each backend.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

export const WANTED_VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13"];

export interface PythonTarget {
  /** e.g. "3.12 monitoring" */
  label: string;
  version: string;
  python: string;
  backend: "monitoring" | "settrace";
}

export interface Missing {
  label: string;
  reason: string;
}

function pyenvRoot(): string | undefined {
  if (process.env.PYENV_ROOT) return process.env.PYENV_ROOT;
  try {
    return execFileSync("pyenv", ["root"], { encoding: "utf8" }).trim();
  } catch {
    const home = path.join(process.env.HOME ?? "", ".pyenv");
    return existsSync(home) ? home : undefined;
  }
}

function findInterpreter(version: string): string | undefined {
  const root = pyenvRoot();
  if (root && existsSync(path.join(root, "versions"))) {
    const dirs = readdirSync(path.join(root, "versions"))
      .filter((name) => name === version || name.startsWith(`${version}.`))
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    for (const dir of dirs.reverse()) {
      const candidate = path.join(root, "versions", dir, "bin", "python3");
      if (existsSync(candidate)) return candidate;
    }
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, `python${version}`);
    if (existsSync(candidate) && !candidate.includes("shims")) return candidate;
  }
  return undefined;
}

let cached: { targets: PythonTarget[]; missing: Missing[] } | undefined;

/** Set PDAP_TEST_PYTHONS="3.11,3.12" to narrow the matrix while developing. */
export function pythonMatrix(): { targets: PythonTarget[]; missing: Missing[] } {
  if (cached) return cached;
  const only = process.env.PDAP_TEST_PYTHONS?.split(",").map((v) => v.trim());
  const targets: PythonTarget[] = [];
  const missing: Missing[] = [];
  for (const version of WANTED_VERSIONS) {
    if (only && !only.includes(version)) continue;
    const python = findInterpreter(version);
    if (!python) {
      missing.push({
        label: `Python ${version}`,
        reason: `Python ${version} is not installed on this machine`,
      });
      continue;
    }
    const [, minor] = version.split(".").map(Number);
    if (minor >= 12) targets.push({ label: `${version} monitoring`, version, python, backend: "monitoring" });
    targets.push({ label: `${version} settrace`, version, python, backend: "settrace" });
  }
  cached = { targets, missing };
  return cached;
}

/** Runs a suite once per interpreter and backend; absent versions appear as named skipped tests. */
export function forEachPython(title: string, suite: (target: PythonTarget) => void): void {
  const { targets, missing } = pythonMatrix();
  for (const absent of missing) {
    it(`${title} [${absent.label}]`, { skip: absent.reason }, () => {});
  }
  for (const target of targets) {
    describe(`${title} [${target.label}]`, () => suite(target));
  }
}
