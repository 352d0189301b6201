// The client's view of the debuggee's files: local paths become the debuggee's on the way in
// (pathMappings), and the debuggee's paths become local files, or sourceReferences whose text the
// agent serves when a file exists only on the debuggee's side, on the way out.
import { existsSync } from "node:fs";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapError } from "../dap/connection.js";
import { ErrorId } from "../protocol/errors.js";
import { PathMapper } from "./pathMapping.js";

export class SourceView {
  private readonly remoteSources = new Map<number, string>();
  private readonly sourceRefs = new Map<string, number>();
  private readonly localExists = new Map<string, boolean>();
  private nextSourceRef = 1;

  constructor(readonly mapper: PathMapper = new PathMapper([])) {}

  /** A local path as the debuggee knows it. */
  toRemote(local: string): string {
    return this.mapper.toRemote(local);
  }

  /** A request's `source.path` (breakpointLocations, gotoTargets…) is a local path: the remote one. */
  remoteArguments(args: unknown): object | undefined {
    const given = args as { source?: { path?: unknown } } | undefined;
    const local = given?.source?.path;
    if (this.mapper.isIdentity || typeof local !== "string") return given;
    return { ...given, source: { ...given?.source, path: this.mapper.toRemote(local) } };
  }

  /** The debuggee's path a `source` request names (by sourceReference or local path). */
  remotePathOf(args: DebugProtocol.SourceArguments): string {
    const ref = args.source?.sourceReference || args.sourceReference;
    const path = args.source?.path;
    const remote = ref
      ? this.remoteSources.get(ref)
      : typeof path === "string"
        ? this.mapper.toRemote(path)
        : undefined;
    if (!remote) {
      throw new DapError(
        ref ? `unknown sourceReference ${ref}` : "source needs a sourceReference or source.path",
        { id: ref ? ErrorId.unknownReference : ErrorId.badArguments },
      );
    }
    return remote;
  }

  localizeFrames(body: DebugProtocol.StackTraceResponse["body"]): void {
    for (const frame of body.stackFrames ?? []) {
      if (frame.source) frame.source = this.localize(frame.source);
    }
  }

  /**
   * A remote path as the client sees it: the mapped local file when there is one, else a
   * sourceReference whose text the agent serves (files that exist only on the remote side).
   */
  localize(source: DebugProtocol.Source): DebugProtocol.Source {
    if (!source.path || this.mapper.isIdentity) return source;
    const local = this.mapper.toLocal(source.path);
    if (local && this.existsLocally(local)) return { ...source, path: local };
    let ref = this.sourceRefs.get(source.path);
    if (ref === undefined) {
      ref = this.nextSourceRef++;
      this.remoteSources.set(ref, source.path);
      this.sourceRefs.set(source.path, ref);
    }
    return { ...source, sourceReference: ref, origin: `remote: ${source.path}` };
  }

  private existsLocally(local: string): boolean {
    let exists = this.localExists.get(local);
    if (exists === undefined) {
      exists = existsSync(local);
      this.localExists.set(local, exists);
    }
    return exists;
  }
}
