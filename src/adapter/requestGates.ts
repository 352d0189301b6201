// Checks a DAP client's requests pass before the session handles them: `initialize` comes first
// (so a confused client or a web page's `launch` runs nothing), and on a TCP server with a token,
// launch and attach must carry it.
import type { DapConnection, RequestGate } from "../dap/connection.js";
import { tokensEqual } from "./agentLink.js";

export function initializeFirst(): RequestGate {
  let initialized = false;
  return (request) => {
    if (request.command === "initialize") {
      initialized = true;
      return undefined;
    }
    if (initialized) return undefined;
    return `'${request.command}' before 'initialize': a DAP client sends 'initialize' first`;
  };
}

/**
 * `pdap adapter --port` with an access token: launch and attach (the requests that run or reach
 * a program) must carry it as the attribute `adapterToken`; a link that fails is closed.
 */
export function adapterTokenRequired(token: string, connection: DapConnection): RequestGate {
  return (request) => {
    if (request.command !== "launch" && request.command !== "attach") return undefined;
    const given = (request.arguments as { adapterToken?: unknown } | undefined)?.adapterToken;
    if (typeof given === "string" && tokensEqual(given, token)) return undefined;
    setImmediate(() => connection.close()); // after the refusal is written
    return typeof given === "string" && given
      ? "pdap adapter: access token refused"
      : "pdap adapter: this adapter needs an access token (the launch/attach attribute 'adapterToken')";
  };
}
