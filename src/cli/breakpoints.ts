// The terminal debugger's breakpoints, numbered like pdb's. DAP replaces a file's whole list on
// every setBreakpoints, so this table is the truth and each change resends the file it touches.
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DapClient } from "../client/client.js";
import { samePath } from "./paths.js";

export interface BreakpointEntry {
  number: number;
  /** absolute path of a line breakpoint (also set when a function was resolved to its first line) */
  file?: string;
  line?: number;
  /** `break function`: its name, whether sent as a function breakpoint or resolved to a line */
  functionName?: string;
  condition?: string;
  /** hits still to pass without stopping (pdb's ignore count) */
  ignoreCount: number;
  enabled: boolean;
  temporary: boolean;
  /** stops it caused */
  hits: number;
  /** where a function breakpoint is (the adapter said so, or it stopped there): for listings */
  seenAt?: { file: string; line: number };
  // what the adapter made of it
  dapId?: number;
  verified: boolean;
  actualLine?: number;
  message?: string;
}

export type NewBreakpoint = Pick<
  BreakpointEntry,
  "file" | "line" | "functionName" | "condition" | "temporary"
>;

export class BreakpointTable {
  private nextNumber = 1;
  readonly entries = new Map<number, BreakpointEntry>();
  /** `until`'s stopping places: sent with the file's breakpoints, dropped at the next stop */
  private untilLines = new Map<string, number[]>();

  constructor(private readonly client: DapClient) {}

  get all(): BreakpointEntry[] {
    return [...this.entries.values()];
  }

  get(number: number): BreakpointEntry {
    const entry = this.entries.get(number);
    if (!entry) throw new Error(`no breakpoint number ${number}`);
    return entry;
  }

  /** Adds a breakpoint and tells the adapter; returns it with the adapter's verdict filled in. */
  async add(spec: NewBreakpoint): Promise<BreakpointEntry> {
    const entry: BreakpointEntry = {
      ...spec,
      number: this.nextNumber++,
      ignoreCount: 0,
      enabled: true,
      hits: 0,
      verified: false,
    };
    this.entries.set(entry.number, entry);
    try {
      await this.sync(entry);
    } catch (error) {
      this.entries.delete(entry.number);
      throw error;
    }
    return entry;
  }

  async remove(entries: BreakpointEntry[]): Promise<void> {
    for (const entry of entries) this.entries.delete(entry.number);
    await this.syncAll(entries);
  }

  async update(entry: BreakpointEntry, change: Partial<BreakpointEntry>): Promise<void> {
    Object.assign(entry, change);
    await this.sync(entry);
  }

  async setUntil(file: string, lines: number[]): Promise<void> {
    this.untilLines.set(file, lines);
    await this.syncFile(file);
  }

  /** Drops `until`'s temporary stops (called at every stop). */
  async clearUntil(): Promise<void> {
    const files = [...this.untilLines.keys()];
    this.untilLines.clear();
    for (const file of files) await this.syncFile(file);
  }

  at(file: string, line: number): BreakpointEntry[] {
    return this.all.filter(
      (entry) =>
        entry.file !== undefined && samePath(entry.file, file) && (entry.actualLine ?? entry.line) === line,
    );
  }

  /** line -> "B" (enabled) / "b" (disabled) for a listing of `file`. */
  marks(file: string): Map<number, string> {
    const marks = new Map<number, string>();
    for (const entry of this.all) {
      const at = entry.file !== undefined ? entry.file : entry.seenAt?.file;
      if (at === undefined || !samePath(at, file)) continue;
      const line = entry.file !== undefined ? (entry.actualLine ?? entry.line) : entry.seenAt?.line;
      if (line === undefined) continue;
      if (entry.enabled || !marks.has(line)) marks.set(line, entry.enabled ? "B" : "b");
    }
    return marks;
  }

  /**
   * The breakpoints a stop is at: by the ids the adapter named, or (adapters that name none) by
   * the stop's place. Counts the hit and ends any ignore count.
   */
  hitBy(
    event: DebugProtocol.StoppedEvent["body"],
    place: { file?: string; line: number },
  ): BreakpointEntry[] {
    const ids = event.hitBreakpointIds ?? [];
    let hit = this.all.filter((entry) => entry.dapId !== undefined && ids.includes(entry.dapId));
    if (hit.length === 0 && event.reason.includes("breakpoint") && place.file) {
      hit = this.at(place.file, place.line).filter((entry) => entry.enabled);
    }
    for (const entry of hit) {
      entry.hits++;
      entry.ignoreCount = 0;
      if (entry.file === undefined && place.file) entry.seenAt = { file: place.file, line: place.line };
    }
    return hit;
  }

  /** A `breakpoint` event: the adapter changed its mind about one (verified later, moved). */
  applyEvent(body: DebugProtocol.BreakpointEvent["body"]): void {
    const entry = this.all.find((e) => e.dapId !== undefined && e.dapId === body.breakpoint.id);
    if (!entry || body.reason === "removed") return;
    this.adopt(entry, body.breakpoint);
  }

  private async sync(entry: BreakpointEntry): Promise<void> {
    if (entry.file !== undefined) await this.syncFile(entry.file);
    else await this.syncFunctions();
  }

  private async syncAll(entries: BreakpointEntry[]): Promise<void> {
    const files = new Set<string>();
    let functions = false;
    for (const entry of entries) {
      if (entry.file !== undefined) files.add(entry.file);
      else functions = true;
    }
    for (const file of files) await this.syncFile(file);
    if (functions) await this.syncFunctions();
  }

  private async syncFile(file: string): Promise<void> {
    const entries = this.all.filter(
      (entry) => entry.file !== undefined && samePath(entry.file, file) && entry.enabled,
    );
    const until = this.untilLines.get(file) ?? [];
    const specs: DebugProtocol.SourceBreakpoint[] = [
      ...entries.map((entry) => sourceBreakpoint(entry)),
      ...until.map((line) => ({ line })),
    ];
    const result = await this.client.setBreakpoints(file, specs);
    entries.forEach((entry, index) => {
      this.adopt(entry, result[index]);
    });
    for (const entry of this.all) {
      if (entry.file !== undefined && samePath(entry.file, file) && !entry.enabled) entry.dapId = undefined;
    }
  }

  private async syncFunctions(): Promise<void> {
    const entries = this.all.filter((entry) => entry.file === undefined && entry.enabled);
    const body = await this.client.request<DebugProtocol.SetFunctionBreakpointsResponse["body"]>(
      "setFunctionBreakpoints",
      {
        breakpoints: entries.map((entry) => ({
          name: entry.functionName ?? "",
          condition: entry.condition,
          hitCondition: hitCondition(entry),
        })),
      },
    );
    entries.forEach((entry, index) => {
      this.adopt(entry, body.breakpoints[index]);
    });
  }

  private adopt(entry: BreakpointEntry, bp: DebugProtocol.Breakpoint | undefined): void {
    if (!bp) return;
    entry.dapId = bp.id;
    entry.verified = bp.verified;
    entry.message = bp.message;
    if (bp.line !== undefined) entry.actualLine = bp.line;
    if (entry.file === undefined && bp.source?.path && bp.line !== undefined) {
      entry.seenAt = { file: bp.source.path, line: bp.line };
    }
  }
}

function sourceBreakpoint(entry: BreakpointEntry): DebugProtocol.SourceBreakpoint {
  const spec: DebugProtocol.SourceBreakpoint = { line: entry.line ?? 1 };
  if (entry.condition) spec.condition = entry.condition;
  const hits = hitCondition(entry);
  if (hits) spec.hitCondition = hits;
  return spec;
}

/**
 * pdb's ignore count as a DAP hit condition: stop once more than N hits have been counted. Hit
 * counts restart whenever the file's list is resent, which is when the ignore count is resent too.
 */
function hitCondition(entry: BreakpointEntry): string | undefined {
  return entry.ignoreCount > 0 ? `>${entry.ignoreCount}` : undefined;
}
