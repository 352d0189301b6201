// Tab after `break`/`tbreak`/`clear`: the file part of a [file:]line location, as a shell
// completes paths (directories end in "/", Python files in ":" so the line number follows).
import { type Dirent, readdirSync } from "node:fs";
import path from "node:path";

/** The location being typed after a break command, when it is still a file name (no ":" yet). */
export function breakLocationWord(line: string): string | undefined {
  const match = /^\s*(?:b|break|tbreak|cl|clear)\s+(\S*)$/.exec(line);
  if (!match || match[1].includes(":")) return undefined;
  return match[1];
}

/** Paths that start with `word`, relative to `cwd` as typed (hidden ones only when asked for). */
export function completeFileNames(word: string, cwd: string): string[] {
  const slash = word.lastIndexOf("/");
  const dirPart = slash >= 0 ? word.slice(0, slash + 1) : "";
  const prefix = word.slice(slash + 1);
  let entries: Dirent[];
  try {
    entries = readdirSync(path.resolve(cwd, dirPart || "."), { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.name.startsWith(prefix) || (entry.name.startsWith(".") && !prefix.startsWith("."))) continue;
    if (entry.isDirectory()) names.push(`${dirPart}${entry.name}/`);
    else if (entry.name.endsWith(".py")) names.push(`${dirPart}${entry.name}:`);
  }
  return names.sort();
}
