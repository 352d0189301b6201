// Translating file paths between the developer's machine (client) and the debuggee's (remote).
// The most specific root wins in both directions; remote paths keep the remote's separator.
import path from "node:path";
import type { PathMapping } from "./config.js";

function remoteSep(remote: string): "/" | "\\" {
  return remote.includes("\\") && !remote.includes("/") ? "\\" : "/";
}

function trimSep(root: string, sep: string): string {
  let end = root.length;
  while (end > 1 && root[end - 1] === sep && !(sep === "\\" && /^[A-Za-z]:\\$/.test(root.slice(0, end))))
    end--;
  return root.slice(0, end);
}

/** The rest of `file` below `root` ("" for the root itself), or undefined when it is not below it. */
function under(file: string, root: string, sep: string, ignoreCase: boolean): string | undefined {
  const f = ignoreCase ? file.toLowerCase() : file;
  const r = ignoreCase ? root.toLowerCase() : root;
  if (f === r) return "";
  const base = r.endsWith(sep) ? r : r + sep;
  return f.startsWith(base) ? file.slice(base.length) : undefined;
}

function joinRemote(root: string, rest: string, sep: string): string {
  if (rest === "") return root;
  return root.endsWith(sep) ? root + rest : root + sep + rest;
}

interface Mapping extends PathMapping {
  /** the real form of a user's remote root, reported by the agent: used only remote -> local */
  alias: boolean;
}

export class PathMapper {
  private readonly mappings: Mapping[];

  constructor(mappings: PathMapping[]) {
    this.mappings = mappings.map((m) => ({
      localRoot: path.resolve(m.localRoot),
      remoteRoot: trimSep(m.remoteRoot, remoteSep(m.remoteRoot)),
      alias: false,
    }));
    this.sort();
  }

  get isIdentity(): boolean {
    return this.mappings.length === 0;
  }

  /** The remote roots, as the client wrote them (the agent tells their real form: addRemoteAlias). */
  get remoteRoots(): string[] {
    return [...new Set(this.mappings.filter((m) => !m.alias).map((m) => m.remoteRoot))];
  }

  /**
   * The agent reports real paths (symlinks resolved, case folded on Windows): map that form of a
   * remote root to the same local root too.
   */
  addRemoteAlias(remoteRoot: string, realRoot: string): void {
    const real = trimSep(realRoot, remoteSep(realRoot));
    const root = trimSep(remoteRoot, remoteSep(remoteRoot));
    if (!real || real === root) return;
    for (const m of this.mappings.filter((m) => m.remoteRoot === root && !m.alias)) {
      if (!this.mappings.some((o) => o.remoteRoot === real && o.localRoot === m.localRoot)) {
        this.mappings.push({ localRoot: m.localRoot, remoteRoot: real, alias: true });
      }
    }
    this.sort();
  }

  private sort(): void {
    // most specific first; a stable sort keeps the user's order among equals
    this.mappings.sort((a, b) => b.remoteRoot.length - a.remoteRoot.length);
  }

  toRemote(local: string): string {
    const resolved = path.resolve(local);
    const ignoreCase = process.platform === "win32";
    let best: { rest: string; mapping: PathMapping } | undefined;
    for (const mapping of this.mappings) {
      if (mapping.alias) continue;
      const rest = under(resolved, mapping.localRoot, path.sep, ignoreCase);
      if (rest !== undefined && (!best || mapping.localRoot.length > best.mapping.localRoot.length)) {
        best = { rest, mapping };
      }
    }
    if (!best) return local;
    const sep = remoteSep(best.mapping.remoteRoot);
    return joinRemote(best.mapping.remoteRoot, best.rest.split(path.sep).join(sep), sep);
  }

  /** The local path for a remote file, or undefined when no mapping covers it. */
  toLocal(remote: string): string | undefined {
    const sep = remoteSep(remote);
    for (const { localRoot, remoteRoot } of this.mappings) {
      const rest = under(remote, remoteRoot, sep, sep === "\\");
      if (rest !== undefined) return rest === "" ? localRoot : path.join(localRoot, ...rest.split(sep));
    }
    return this.isIdentity ? remote : undefined;
  }
}
