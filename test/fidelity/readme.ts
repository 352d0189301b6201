// `--readme`: rewrites only the "## Fidelity" section of README.md with the run's table; the rest
// of the file, which others edit, is left byte for byte.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatLike } from "../../bench/format.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const HEADING = "## Fidelity";

function intro(wallMs: number, jobs: number): string {
  return `\`npm run test:fidelity\` (run by \`.ci/run\`, not part of \`npm test\`) runs a slice of CPython's own
regression tests (\`python -m test\`: threads, subprocess, signals, gc, weakref, atexit, sys, settrace and
sys.monitoring, frames, logging, traceback, exceptions, json, contextlib, functools, generators,
coroutines, inspect, runpy, os, subinterpreters, asyncio; \`test/fidelity/slice.ts\`) on every Python
3.9–3.13 present, plainly and under pdap, and compares them test by test, with the exit status and
any stderr line plain Python did not write. The modes: \`launch\`, a DAP launch through the adapter
with a breakpoint in a file that never runs, by a client that answers \`startDebugging\` (a session
per child process); \`launch-nochild\`, the same by a client that cannot (for the modules that start
Python children, the only ones where that differs); \`listen\`,
\`python -m pdap --listen … --wait-for-client\` with a DAP client attached; \`run\`, \`pdap run -b …
-c continue\` with its commands piped. Each version runs them on its own backend; 3.12+ also runs
\`launch\` with settrace. A difference is repeated once, both ways, before it counts (one that does
not happen again is listed as flaky). Tests that legitimately differ under any debugger are declared
with their reason in \`test/fidelity/exceptions.ts\`; so are pdap's own known defects, in a list of
their own (\`KNOWN_DEFECTS\`, \`KNOWN_STDERR\`; empty at present), each printed as \`KNOWN\` in every
run until its fix lands: a difference on neither list fails the suite. \`--python 3.12 --modes launch --tests test_gc\`
narrows a run.

The latest run (${(wallMs / 60_000).toFixed(1)} minutes with ${jobs} jobs on 2 cores; wall time is the
sum over the modules, plain Python's in brackets):`;
}

export function updateReadme(table: string, wallMs: number, jobs: number, file = README): void {
  const text = readFileSync(file, "utf8");
  const section = formatLike("README.md", `${HEADING}\n\n${intro(wallMs, jobs)}\n\n${table.trim()}\n`);
  writeFileSync(file, replaceSection(text, section));
}

/** Replaces the section from its heading to the next "## " heading, or adds it before "## Development". */
function replaceSection(text: string, section: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf(HEADING);
  const at = start >= 0 ? start : lines.indexOf("## Development");
  if (at < 0) return `${text.trimEnd()}\n\n${section}`;
  const next = start >= 0 ? lines.findIndex((line, i) => i > start && line.startsWith("## ")) : at;
  const end = next < 0 ? lines.length : next;
  return [...lines.slice(0, at), ...section.trimEnd().split("\n"), "", ...lines.slice(end)].join("\n");
}
