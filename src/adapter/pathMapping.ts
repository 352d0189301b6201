// Translating file paths between the developer's machine (client) and the debuggee's (remote).
import path from "node:path";
import type { PathMapping } from "./config.js";

function under(file: string, root: string, sep: string): string | undefined {
  const base = root.endsWith(sep) ? root : root + sep;
  if (file === root) return "";
  return file.startsWith(base) ? file.slice(base.length) : undefined;
}

export class PathMapper {
  constructor(private readonly mappings: PathMapping[]) {}

  get isIdentity(): boolean {
    return this.mappings.length === 0;
  }

  toRemote(local: string): string {
    for (const { localRoot, remoteRoot } of this.mappings) {
      const rest = under(path.resolve(local), path.resolve(localRoot), path.sep);
      if (rest !== undefined) return joinRemote(remoteRoot, rest.split(path.sep));
    }
    return local;
  }

  /** The local path for a remote file, or undefined when no mapping covers it. */
  toLocal(remote: string): string | undefined {
    const sep = remote.includes("\\") && !remote.includes("/") ? "\\" : "/";
    for (const { localRoot, remoteRoot } of this.mappings) {
      const rest = under(remote, trimSep(remoteRoot, sep), sep);
      if (rest !== undefined) return path.join(localRoot, ...rest.split(sep));
    }
    return this.isIdentity ? remote : undefined;
  }
}

function trimSep(root: string, sep: string): string {
  return root.length > 1 && root.endsWith(sep) ? root.slice(0, -1) : root;
}

function joinRemote(root: string, parts: string[]): string {
  const sep = root.includes("\\") && !root.includes("/") ? "\\" : "/";
  const clean = trimSep(root, sep);
  return parts.length === 0 || (parts.length === 1 && parts[0] === "") ? clean : [clean, ...parts].join(sep);
}
