// Fixture programs live in test/fixtures; `# BP1`-style markers name the lines a scenario uses.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../../test/fixtures", import.meta.url));

export interface Fixture {
  path: string;
  /** marker name -> 1-based line number, e.g. line("BP1") */
  line(marker: string): number;
}

export function fixture(name: string): Fixture {
  const file = path.join(FIXTURES, name);
  const markers = new Map<string, number>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, index) => {
      const hash = text.indexOf("#");
      if (hash < 0) return;
      // markers are all-capital words in a comment: BP1, STEP_IN2, ENTRY
      for (const word of text.slice(hash).match(/\b[A-Z][A-Z0-9_]+\b/g) ?? []) {
        if (!markers.has(word)) markers.set(word, index + 1);
      }
    });
  return {
    path: file,
    line(marker: string): number {
      const line = markers.get(marker);
      if (line === undefined) throw new Error(`marker ${marker} not found in ${name}`);
      return line;
    },
  };
}
