// The repository's formatter (Biome, which `npm test` checks with) formats Markdown tables and
// JSON; the generated files go through it so they pass the check without a manual step.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIOME = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));

/** `text` as Biome would format a file at `repoPath`; unchanged if Biome is not installed. */
export function formatLike(repoPath: string, text: string): string {
  try {
    return execFileSync(BIOME, ["format", `--stdin-file-path=${repoPath}`], {
      cwd: REPO,
      input: text,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "ignore"],
    });
  } catch {
    return text;
  }
}
