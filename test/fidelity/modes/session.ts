// The DAP client the debugged modes use, behaving as an editor does for a user who set one
// breakpoint somewhere else and pressed Run: the editor's default exception stops, every stop
// resumed at once, and (when it can) a session attached to each child process it is asked for.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../../../src/client/client.js";
import { NEVER_RUNS, NEVER_RUNS_LINE } from "./mode.js";

export interface SessionLog {
  stops: string[];
  childSessions: number;
  /** pids the sessions reported (`process` events): ended if a run has to be abandoned */
  pids: number[];
}

export function newLog(): SessionLog {
  return { stops: [], childSessions: 0, pids: [] };
}

/** setBreakpoints in the file that never runs, and the exception filters on by default. */
export async function configureLikeAnEditor(client: DapClient): Promise<void> {
  await client.setBreakpoints(NEVER_RUNS, [NEVER_RUNS_LINE]);
  const filters = (client.capabilities.exceptionBreakpointFilters ?? [])
    .filter((filter) => filter.default)
    .map((filter) => filter.filter);
  await client.request("setExceptionBreakpoints", { filters });
}

/** Resumes every stop (after noting where it was), and notes the processes the session reports. */
export function resumeEveryStop(client: DapClient, log: SessionLog): void {
  client.connection.on("event", (event: DebugProtocol.Event) => {
    if (event.event === "process" && typeof event.body?.systemProcessId === "number") {
      log.pids.push(event.body.systemProcessId);
    }
    if (event.event === "stopped") void resume(client, event as DebugProtocol.StoppedEvent, log);
  });
}

async function resume(client: DapClient, stop: DebugProtocol.StoppedEvent, log: SessionLog): Promise<void> {
  const threadId = stop.body.threadId ?? 0;
  let where = "?";
  try {
    const [top] = (await client.stackTrace(threadId, 0, 1)).stackFrames;
    if (top) where = `${top.name} ${top.source?.path ?? top.source?.name ?? "?"}:${top.line}`;
  } catch {
    // the stop is resumed all the same
  }
  log.stops.push(`${stop.body.reason} at ${where}`);
  await client.request("continue", { threadId }).catch(() => {});
}

/**
 * Answers startDebugging as VS Code does: a new adapter attached with the configuration given,
 * configured like the parent; each child session closes once it has ended.
 */
export function attachChildSessions(parent: DapClient, log: SessionLog, children: DapClient[]): void {
  parent.connection.onRequest("startDebugging", async ({ configuration, request: kind }) => {
    const child = DapClient.spawnAdapter();
    children.push(child);
    log.childSessions++;
    resumeEveryStop(child, log);
    attachChildSessions(child, log, children);
    child.connection.on("event", (event: DebugProtocol.Event) => {
      if (event.event === "terminated") void child.disconnect().catch(() => {});
    });
    await child.begin(kind, configuration, { configure: () => configureLikeAnEditor(child) });
    return {};
  });
}

/** Ends the sessions; an abandoned run's processes too, should they still be there. */
export async function closeAll(clients: DapClient[], log: SessionLog, abandoned: boolean): Promise<void> {
  await Promise.all(clients.map((client) => client.disconnect(abandoned || undefined).catch(() => {})));
  if (!abandoned) return;
  for (const pid of log.pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone, as it should be
    }
  }
}
