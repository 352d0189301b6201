// npm run package:vscode: the self-contained extension, dist/pdap-debug-VERSION.vsix. It carries the
// bundled adapter and extension (vscode/dist, written by npm run build) and a copy of the agent
// (vscode/python), so it needs nothing on the machine but VS Code and Python.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const VSCODE = path.join(ROOT, "vscode");
const { version } = JSON.parse(readFileSync(path.join(VSCODE, "package.json"), "utf8"));

for (const bundle of ["adapter.mjs", "extension.js"]) {
  if (!existsSync(path.join(VSCODE, "dist", bundle)))
    throw new Error(`vscode/dist/${bundle} missing: npm run build`);
}
const agentCopy = path.join(VSCODE, "python");
rmSync(agentCopy, { recursive: true, force: true });
cpSync(path.join(ROOT, "python"), agentCopy, {
  recursive: true,
  filter: (source) => !source.includes("__pycache__") && !source.endsWith(".pyc"),
});

const out = path.join(ROOT, "dist", `pdap-debug-${version}.vsix`);
mkdirSync(path.dirname(out), { recursive: true });
const vsce = path.join(ROOT, "node_modules", "@vscode", "vsce", "vsce");
execFileSync(
  process.execPath,
  [vsce, "package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "--out", out],
  { cwd: VSCODE, stdio: ["ignore", "inherit", "inherit"] },
);
console.log(out);
