import type { DebugProtocol } from "@vscode/debugprotocol";

/** Only what really works end to end; every flag here has a test behind it. */
export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  supportsSetVariable: true,
  supportsSetExpression: true,
  supportsCompletionsRequest: true,
  completionTriggerCharacters: [".", "["],
  supportsValueFormattingOptions: true,
  supportsClipboardContext: true,
  supportsDelayedStackTraceLoading: true,
  supportsTerminateRequest: true,
  supportsRestartRequest: true,
  supportTerminateDebuggee: true,
  supportsFunctionBreakpoints: true,
  supportsExceptionInfoRequest: true,
  supportsExceptionFilterOptions: true,
  supportsBreakpointLocationsRequest: true,
  supportsGotoTargetsRequest: true,
  supportsStepBack: true,
  supportsDataBreakpoints: true,
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
