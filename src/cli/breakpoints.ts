// The terminal debugger's breakpoints, numbered like pdb's. DAP replaces a file's whole list on
// every setBreakpoints, so this table is the truth and each change resends the file it touches, to
// every session: the program's and each child process's (one table, one numbering, for them all).
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DapClient } from "../client/client.js";
import { BREAKPOINT_KINDS, BREAKPOINT_REQUESTS, type BreakpointKind } from "../protocol/breakpoints.js";
import { samePath } from "./paths.js";

export interface BreakpointEntry {
  number: number;
  /** absolute path of a line breakpoint (also set when a function was resolved to its first line) */
  file?: string;
  line?: number;
  /** `break function`: its name, whether sent as a function breakpoint or resolved to a line */
  functionName?: string;
  /** `watch EXPR`: a data breakpoint of the program's session (dataId from dataBreakpointInfo) */
  watch?: WatchTarget;
  condition?: string;
  /** hits still to pass without stopping (pdb's ignore count) */
  ignoreCount: number;
  enabled: boolean;
  temporary: boolean;
  /** stops it caused */
  hits: number;
  /** where a function breakpoint is (the adapter said so, or it stopped there): for listings */
  seenAt?: { file: string; line: number };
  // what the adapters made of it (the program's session, or a child's when it says more)
  verified: boolean;
  /** not verified yet, but it may be (DAP reason "pending"): a file not loaded, a function not defined */
  pending?: boolean;
  actualLine?: number;
  message?: string;
}

export interface WatchTarget {
  expression: string;
  dataId: string;
  /** also when the value changes in place (the adapter's "mutation" mode) */
  mutation: boolean;
  /** what the adapter said it watches */
  description: string;
}

export type NewBreakpoint = Pick<
  BreakpointEntry,
  "file" | "line" | "functionName" | "condition" | "temporary" | "watch"
>;

/** Which kind of breakpoint an entry is, so which request sets it (BREAKPOINT_REQUESTS). */
export function kindOf(entry: BreakpointEntry): Exclude<BreakpointKind, "exception"> {
  if (entry.file !== undefined) return "line";
  return entry.watch ? "data" : "function";
}

/** A breakpoint that stops at a function (sent with setFunctionBreakpoints) */
function isFunction(entry: BreakpointEntry): boolean {
  return kindOf(entry) === "function";
}

export class BreakpointTable {
  private nextNumber = 1;
  readonly entries = new Map<number, BreakpointEntry>();
  /** `until`'s stopping places: sent with the file's breakpoints, dropped at the next stop */
  private untilLines = new Map<string, number[]>();
  /** the session `until` runs in: only it gets the until lines */
  private untilClient: DapClient | undefined;
  /** each session's ids for the entries: entry number -> the id its adapter gave */
  private readonly ids = new Map<DapClient, Map<number, number>>();

  /** `client` is the program's session: its answers decide; those of child sessions only add to them. */
  constructor(private readonly client: DapClient) {
    this.ids.set(client, new Map());
  }

  /**
   * A child process's session joins: it gets every breakpoint now (before its configurationDone)
   * and every change from now on.
   */
  async addSession(client: DapClient): Promise<void> {
    if (this.ids.has(client)) return;
    this.ids.set(client, new Map());
    const files: string[] = [];
    for (const entry of this.all) {
      if (entry.file !== undefined && !files.some((file) => samePath(file, entry.file as string))) {
        files.push(entry.file);
      }
    }
    for (const file of files) await this.syncFileTo(client, file);
    if (this.all.some(isFunction)) await this.syncFunctionsTo(client);
  }

  /** A child's session ended: no more requests for it. */
  removeSession(client: DapClient): void {
    if (client !== this.client) this.ids.delete(client);
    if (this.untilClient === client) this.untilClient = undefined;
  }

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

  /** A breakpoint the adapter refused: gone, and its number is the next one's again. */
  async withdraw(entry: BreakpointEntry): Promise<void> {
    await this.remove([entry]);
    if (entry.number === this.nextNumber - 1) this.nextNumber--;
  }

  async remove(entries: BreakpointEntry[]): Promise<void> {
    for (const entry of entries) this.entries.delete(entry.number);
    await this.syncAll(entries);
  }

  async update(entry: BreakpointEntry, change: Partial<BreakpointEntry>): Promise<void> {
    Object.assign(entry, change);
    await this.sync(entry);
  }

  /** `until` in the session of `client`: stops at these lines of `file` too, until its next stop. */
  async setUntil(file: string, lines: number[], client: DapClient = this.client): Promise<void> {
    if (this.untilClient !== undefined && this.untilClient !== client)
      await this.clearUntil(this.untilClient);
    this.untilClient = client;
    this.untilLines.set(file, lines);
    await this.syncFileTo(client, file);
  }

  /** Drops `until`'s temporary stops (called at every stop of the session they were set in). */
  async clearUntil(client: DapClient = this.client): Promise<void> {
    if (this.untilClient !== client) return;
    const files = [...this.untilLines.keys()];
    this.untilLines.clear();
    this.untilClient = undefined;
    for (const file of files) await this.syncFileTo(client, file);
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
   * The breakpoints a stop (in the session of `client`) is at: by the ids the adapter named, or
   * (adapters that name none) by the stop's place. Counts the hit and ends any ignore count.
   */
  hitBy(
    event: DebugProtocol.StoppedEvent["body"],
    place: { file?: string; line: number },
    client: DapClient = this.client,
  ): BreakpointEntry[] {
    const hitIds = event.hitBreakpointIds ?? [];
    const ids = this.ids.get(client);
    let hit = this.all.filter((entry) => {
      const id = ids?.get(entry.number);
      return id !== undefined && hitIds.includes(id);
    });
    if (hit.length === 0 && event.reason.includes("breakpoint") && place.file) {
      hit = this.at(place.file, place.line).filter((entry) => entry.enabled);
    }
    for (const entry of hit) {
      entry.hits++;
      entry.ignoreCount = 0;
      if (isFunction(entry) && place.file) entry.seenAt = { file: place.file, line: place.line };
    }
    return hit;
  }

  /** A `breakpoint` event: an adapter changed its mind about one (verified later, moved). */
  applyEvent(body: DebugProtocol.BreakpointEvent["body"], client: DapClient = this.client): void {
    const ids = this.ids.get(client);
    const entry = this.all.find(
      (e) => body.breakpoint.id !== undefined && ids?.get(e.number) === body.breakpoint.id,
    );
    if (!entry || body.reason === "removed") return;
    this.adopt(client, entry, body.breakpoint);
  }

  /** Every breakpoint again, to the program's new process after a restart (its ids are new). */
  async resendAll(): Promise<void> {
    await this.syncAll(this.all);
  }

  private async sync(entry: BreakpointEntry): Promise<void> {
    await this.syncAll([entry]);
  }

  /** Sends the lists the entries belong to, kind by kind in the declared order. */
  private async syncAll(entries: BreakpointEntry[]): Promise<void> {
    const files = new Set<string>();
    const kinds = new Set<BreakpointKind>();
    for (const entry of entries) {
      const kind = kindOf(entry);
      kinds.add(kind);
      if (entry.file !== undefined) files.add(entry.file);
    }
    for (const kind of BREAKPOINT_KINDS) {
      if (!kinds.has(kind)) continue;
      if (kind === "line") for (const file of files) await this.syncFile(file);
      else if (kind === "function") await this.syncFunctions();
      else if (kind === "data") await this.syncWatches();
    }
  }

  /**
   * Sends a file's list to every session: the program's first (its answer decides, and its
   * failure is the command's), then the children's (one that is ending may fail: it is left out).
   */
  private async syncFile(file: string): Promise<void> {
    await this.syncFileTo(this.client, file);
    await Promise.all(this.children.map((client) => this.syncFileTo(client, file).catch(() => undefined)));
  }

  private async syncFunctions(): Promise<void> {
    await this.syncFunctionsTo(this.client);
    await Promise.all(this.children.map((client) => this.syncFunctionsTo(client).catch(() => undefined)));
  }

  private get children(): DapClient[] {
    return [...this.ids.keys()].filter((client) => client !== this.client && !client.connection.isClosed);
  }

  private async syncFileTo(client: DapClient, file: string): Promise<void> {
    const entries = this.all.filter(
      (entry) => entry.file !== undefined && samePath(entry.file, file) && entry.enabled,
    );
    const until = client === this.untilClient ? (this.untilLines.get(file) ?? []) : [];
    const specs: DebugProtocol.SourceBreakpoint[] = [
      ...entries.map((entry) => sourceBreakpoint(entry)),
      ...until.map((line) => ({ line })),
    ];
    const result = await client.setBreakpoints(file, specs);
    entries.forEach((entry, index) => {
      this.adopt(client, entry, result[index]);
    });
    const ids = this.ids.get(client);
    for (const entry of this.all) {
      if (entry.file !== undefined && samePath(entry.file, file) && !entry.enabled) ids?.delete(entry.number);
    }
  }

  /**
   * `watch` entries go to the program's session only: what a dataId names (a frame, an object)
   * lives in one process.
   */
  private async syncWatches(): Promise<void> {
    const entries = this.all.filter((entry) => entry.watch && entry.enabled);
    const body = await this.client.request(BREAKPOINT_REQUESTS.data, {
      breakpoints: entries.map((entry) => ({
        dataId: entry.watch?.dataId ?? "",
        accessType: "write" as const,
        condition: entry.condition,
        hitCondition: hitCondition(entry),
      })),
    });
    entries.forEach((entry, index) => {
      this.adopt(this.client, entry, body.breakpoints[index]);
    });
  }

  private async syncFunctionsTo(client: DapClient): Promise<void> {
    const entries = this.all.filter((entry) => isFunction(entry) && entry.enabled);
    const body = await client.request(BREAKPOINT_REQUESTS.function, {
      breakpoints: entries.map((entry) => ({
        name: entry.functionName ?? "",
        condition: entry.condition,
        hitCondition: hitCondition(entry),
      })),
    });
    entries.forEach((entry, index) => {
      this.adopt(client, entry, body.breakpoints[index]);
    });
  }

  /**
   * Takes in an adapter's answer about an entry. The program's session says what the entry is;
   * a child's only remembers its id, and verifies one that only the child could (a file the
   * program never loads).
   */
  private adopt(client: DapClient, entry: BreakpointEntry, bp: DebugProtocol.Breakpoint | undefined): void {
    if (!bp) return;
    const ids = this.ids.get(client);
    if (bp.id !== undefined) ids?.set(entry.number, bp.id);
    else ids?.delete(entry.number);
    if (client !== this.client) {
      if (bp.verified && !entry.verified) {
        entry.verified = true;
        entry.pending = false;
        entry.message = undefined;
        if (bp.line !== undefined) entry.actualLine = bp.line;
      }
      return;
    }
    entry.verified = bp.verified;
    entry.pending = !bp.verified && bp.reason === "pending";
    entry.message = bp.message;
    if (bp.line !== undefined) entry.actualLine = bp.line;
    if (isFunction(entry) && bp.source?.path && bp.line !== undefined) {
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
