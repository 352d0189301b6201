// The order DAP requires of a client: `initialize` comes first. A request before it (a web page's
// `launch`, a confused client) is refused, so nothing runs on a link that never introduced itself.
import type { RequestGate } from "../dap/connection.js";

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
