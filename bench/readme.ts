// `--readme`: rewrites only the "## Benchmarks" section of README.md with the run's tables; the
// rest of the file, which others edit, is left byte for byte.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatLike } from "./format.js";

export const README = fileURLToPath(new URL("../../README.md", import.meta.url));

const HEADING = "## Benchmarks";

const INTRO = `\`npm run bench\` runs each workload under plain Python, pdap (both backends where
sys.monitoring exists), debugpy and pdb, on every Python 3.9–3.13 installed (pyenv or \`PATH\`), and
writes \`bench/results/latest.md\` and \`latest.json\`. \`npm run bench -- --quick\` is a short run
(fewer runs, smaller sizes, one version); \`--python 3.11,3.12\` picks versions, \`--readme\` puts the
tables here. debugpy is fetched with pip into \`node_modules/.cache/pdap-bench\` (the cp311 wheel,
whose compiled speed-ups load on 3.11 only; the tables say which tracer each version ran).

The latest full run:`;

export function updateReadme(tables: string, file = README): void {
  const text = readFileSync(file, "utf8");
  const section = formatLike("README.md", `${HEADING}\n\n${INTRO}\n\n${tables.trim()}\n`);
  writeFileSync(file, replaceSection(text, section));
}

/** Replaces the section from its heading to the next "## " heading, or adds it before "## Development". */
export function replaceSection(text: string, section: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf(HEADING);
  if (start >= 0) {
    const next = lines.findIndex((line, i) => i > start && line.startsWith("## "));
    const end = next < 0 ? lines.length : next;
    const after = lines.slice(end).join("\n");
    return `${lines.slice(0, start).join("\n")}\n${section}${after ? `\n${after}` : ""}`.replace(/^\n/, "");
  }
  const development = lines.indexOf("## Development");
  if (development < 0) return `${text.trimEnd()}\n\n${section}`;
  return `${lines.slice(0, development).join("\n")}\n${section}\n${lines.slice(development).join("\n")}`;
}
