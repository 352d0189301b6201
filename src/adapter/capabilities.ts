import type { DebugProtocol } from "@vscode/debugprotocol";
import { agentCapabilities } from "../protocol/agent.js";

/**
 * Only what really works end to end; every flag here has a test behind it. The flags of the
 * requests the agent answers come from their declaration (AGENT_REQUESTS); the adapter's own
 * requests (launch, attach, terminate, restart, disconnect) and the settings of the features are here.
 */
export const CAPABILITIES: DebugProtocol.Capabilities = {
  ...agentCapabilities(),
  supportsTerminateRequest: true,
  supportsRestartRequest: true,
  supportTerminateDebuggee: true,
  completionTriggerCharacters: [".", "["],
  breakpointModes: [
    {
      mode: "change",
      label: "Value change",
      description: "Stop when the value is replaced (assigned, deleted)",
      appliesTo: ["data"],
    },
    {
      mode: "mutation",
      label: "Value change or mutation",
      description:
        "Also stop when the value itself changes in place (a list appended to, a dict updated), compared by a shallow snapshot",
      appliesTo: ["data"],
    },
  ],
  exceptionBreakpointFilters: [
    {
      filter: "raised",
      label: "Raised Exceptions",
      default: false,
      supportsCondition: true,
      description: "Stop where any exception is raised (in your code when justMyCode is on)",
      conditionDescription:
        "A Python expression; `exception` names the exception, e.g. isinstance(exception, KeyError)",
    },
    {
      filter: "uncaught",
      label: "Uncaught Exceptions",
      default: true,
      supportsCondition: true,
      description: "Stop when an exception is about to end the program or a thread",
      conditionDescription: "A Python expression; `exception` names the exception",
    },
    {
      filter: "userUnhandled",
      label: "User Uncaught Exceptions",
      default: false,
      supportsCondition: true,
      description: "Stop when an exception raised in your code leaves your code unhandled",
      conditionDescription: "A Python expression; `exception` names the exception",
    },
  ],
};
