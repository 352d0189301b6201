// The Python agent's linter: ruff (its WebAssembly build, so no Python tool to install) over
// python/pdap, the agent's unit tests and the bench workloads, with the rules in ruff.json.
// Prints each finding as FILE:LINE:COL CODE message; exits 1 when there is any. With --fix, the
// import order is fixed first (the one fix that cannot change what code does: ruff's wasm build
// does not say which of its fixes are safe, and removing an "unused" variable of a test fixture is not).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
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
const fix = process.argv.includes("--fix");
const FIXED = new Set(["I001"]);

/** The offset in `text` of a ruff location (1-based row, 1-based UTF-16 column). */
function offsetOf(text, { row, column }) {
  let offset = 0;
  for (let line = 1; line < row; line++) offset = text.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

/** Applies the first fix ruff offers, until it offers none (each fix moves later positions). */
function applyFixes(file) {
  let text = readFileSync(file, "utf8");
  for (let round = 0; round < 100; round++) {
    const fixable = workspace.check(text).find((d) => FIXED.has(d.code) && d.fix?.edits?.length);
    if (!fixable) break;
    const edits = [...fixable.fix.edits].sort(
      (a, b) => offsetOf(text, b.location) - offsetOf(text, a.location),
    );
    for (const edit of edits) {
      const start = offsetOf(text, edit.location);
      const end = offsetOf(text, edit.end_location);
      text = text.slice(0, start) + (edit.content ?? "") + text.slice(end);
    }
  }
  writeFileSync(file, text);
}

let findings = 0;
let files = 0;
for (const base of paths) {
  const full = path.join(root, base);
  for (const file of full.endsWith(".py") ? [full] : pythonFiles(full)) {
    files++;
    if (fix) applyFixes(file);
    for (const d of workspace.check(readFileSync(file, "utf8"))) {
      findings++;
      const at = d.start_location;
      console.log(`${path.relative(root, file)}:${at.row}:${at.column} ${d.code ?? ""} ${d.message}`);
    }
  }
}
console.log(`ruff: ${files} files, ${findings} finding${findings === 1 ? "" : "s"}`);
process.exit(findings ? 1 : 0);
