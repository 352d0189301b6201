// Attach: a breakpoint in a file the program has not loaded (nor runs) most often means the
// client's paths are not the program's (a forgotten path mapping). The breakpoint stays pending and
// says so, for every client, instead of being accepted and never hit.
import path from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { AgentLink } from "./agentLink.js";

export const UNLOADED_MESSAGE = "not loaded in the program; missing --path-map (pathMappings)?";

/**
 * Marks `breakpoints` (set in the program's `remotePath`) pending when that file is not one of the
 * program's loaded sources. The agent's `source` request serves exactly those (modules in
 * sys.modules, code that is running) and refuses any other path, so it answers the question.
 */
export async function markUnloaded(
  agent: AgentLink,
  remotePath: string,
  breakpoints: DebugProtocol.Breakpoint[],
): Promise<void> {
  if (breakpoints.length === 0 || remotePath === mainFile(agent)) return;
  if (await isLoaded(agent, remotePath)) return;
  for (const bp of breakpoints) {
    bp.verified = false;
    bp.reason = "pending";
    bp.message = UNLOADED_MESSAGE;
  }
}

/** The program's own file from the agent's handshake: not loaded yet under --wait-for-client, but it will run. */
function mainFile(agent: AgentLink): string | undefined {
  const [first] = agent.info.argv ?? [];
  const cwd = agent.info.cwd;
  if (typeof first !== "string" || !first.endsWith(".py") || typeof cwd !== "string") return undefined;
  const resolve = cwd.includes("\\") ? path.win32.resolve : path.posix.resolve;
  return resolve(cwd, first);
}

async function isLoaded(agent: AgentLink, remotePath: string): Promise<boolean> {
  try {
    await agent.request("source", { source: { path: remotePath }, sourceReference: 0 });
    return true;
  } catch (error) {
    // only the agent's refusal says "not the program's"; any other failure (too large, unreadable) is not ours to judge
    return !/serves only the sources of the program's loaded modules/.test((error as Error).message);
  }
}
