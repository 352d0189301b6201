// The Python agent's linter: ruff (its WebAssembly build, so no Python tool to install) over
// python/pdap, the agent's unit tests and the bench workloads, with the rules in ruff.json.
// Prints each finding as FILE:LINE:COL CODE message; exits 1 when there is any.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = JSON.parse(readFileSync(path.join(root, "ruff.json"), "utf8"));
const { paths, ...settings } = config;

function* pythonFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "__pycache__") yield* pythonFiles(full);
    else if (entry.isFile() && entry.name.endsWith(".py")) yield full;
  }
}

const workspace = new Workspace(settings, PositionEncoding.Utf16);
let findings = 0;
let files = 0;
for (const base of paths) {
  const full = path.join(root, base);
  for (const file of full.endsWith(".py") ? [full] : pythonFiles(full)) {
    files++;
    for (const d of workspace.check(readFileSync(file, "utf8"))) {
      findings++;
      const at = d.start_location;
      console.log(`${path.relative(root, file)}:${at.row}:${at.column} ${d.code ?? ""} ${d.message}`);
    }
  }
}
console.log(`ruff: ${files} files, ${findings} finding${findings === 1 ? "" : "s"}`);
process.exit(findings ? 1 : 0);
