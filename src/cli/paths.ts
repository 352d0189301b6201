// File names as the user types them and as the adapter reports them: the adapter gives resolved
// absolute paths, the user gives short relative ones; these make the two meet.
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";

const resolved = new Map<string, string>();

/** The absolute path with symlinks resolved (as the adapter reports it), when the file exists. */
export function canonicalPath(file: string): string {
  let known = resolved.get(file);
  if (known === undefined) {
    try {
      known = realpathSync(file);
    } catch {
      known = path.resolve(file);
    }
    resolved.set(file, known);
  }
  return known;
}

export function samePath(a: string, b: string): boolean {
  return a === b || canonicalPath(a) === canonicalPath(b);
}

/** Short form for messages: relative to the working directory when the file is below it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/**
 * The file a user means by `name`: as given (relative to the working directory), else next to a
 * file the session already knows (the program, a file on the stack). Undefined when none exists.
 */
export function findUserFile(name: string, knownFiles: string[], cwd = process.cwd()): string | undefined {
  const candidates = path.isAbsolute(name)
    ? [name]
    : [path.resolve(cwd, name), ...knownFiles.map((known) => path.resolve(path.dirname(known), name))];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return canonicalPath(candidate);
  }
  for (const known of knownFiles) {
    if (path.basename(known) === name) return known;
  }
  return undefined;
}
