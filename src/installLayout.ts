// Where pdap's own files are, wherever pdap runs from: a checkout (dist/src/...), the bundle
// (dist/bundle/pdap.cjs), an npm package installed globally, or the VS Code extension (dist/adapter.mjs
// beside python/). Each layout keeps `python/pdap` and a package.json in an ancestor directory.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The nearest ancestor of this module's directory that holds `relative`. */
export function findUp(relative: string, from = HERE): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The directory that holds the agent package `pdap`: put on the debuggee's PYTHONPATH. */
export function agentPythonPath(): string {
  const init = findUp(path.join("python", "pdap", "__init__.py"));
  if (!init) throw new Error(`pdap's Python agent (python/pdap) is not in any directory above ${HERE}`);
  return path.dirname(path.dirname(init));
}

/** pdap's version: the `version` of the nearest package.json (all of pdap's packages share it). */
export function pdapVersion(): string {
  const file = findUp("package.json");
  if (!file) return "unknown";
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
