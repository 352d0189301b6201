// DAP launch through the real adapter, as an editor starts a program: one client that starts a
// session for each child process (startDebugging), one that cannot.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../../../src/client/client.js";
import { deadline, type Mode, type ModeName, messageOf, type RunOutcome, type RunSpec } from "./mode.js";
import { attachChildSessions, closeAll, configureLikeAnEditor, newLog, resumeEveryStop } from "./session.js";

/** launch arguments for `python ARGS`, where ARGS is `-m module …` */
export function launchArguments(spec: RunSpec): Record<string, unknown> {
  const [flag, module, ...args] = spec.args;
  if (flag !== "-m" || !module) throw new Error(`launch expects -m MODULE, not ${spec.args.join(" ")}`);
  return {
    module,
    args,
    cwd: spec.cwd,
    python: spec.target.python,
    backend: spec.target.backend,
    console: "internalConsole",
  };
}

function launchMode(name: ModeName, withChildren: boolean): Mode {
  return {
    name,
    title: withChildren
      ? "DAP launch, breakpoint elsewhere, client answers startDebugging"
      : "DAP launch, breakpoint elsewhere, client without startDebugging",
    debugged: true,
    run: (spec) => launch(spec, withChildren),
  };
}

export const launchWithChildren = launchMode("launch", true);
export const launchWithoutChildren = launchMode("launch-nochild", false);

async function launch(spec: RunSpec, withChildren: boolean): Promise<RunOutcome> {
  const started = performance.now();
  const log = newLog();
  const client = DapClient.spawnAdapter();
  const clients = [client];
  resumeEveryStop(client, log);
  if (withChildren) attachChildSessions(client, log, clients);
  const limit = deadline(spec.timeoutMs, "launch");
  let fault: string | undefined;
  let exitCode: number | null = null;
  try {
    const exited = client.waitFor<DebugProtocol.ExitedEvent>("exited", () => true, spec.timeoutMs);
    const terminated = client.waitFor("terminated", () => true, spec.timeoutMs);
    exited.catch(() => {});
    await Promise.race([
      client.begin("launch", launchArguments(spec), {
        supportsStartDebuggingRequest: withChildren,
        configure: () => configureLikeAnEditor(client),
      }),
      limit.expired,
    ]);
    await Promise.race([terminated, limit.expired]);
    exitCode = (await Promise.race([exited, limit.expired])).body.exitCode;
  } catch (error) {
    fault = messageOf(error);
  } finally {
    limit.clear();
  }
  const wallMs = performance.now() - started;
  await closeAll(clients, log, fault !== undefined);
  return {
    exitCode,
    signal: null,
    stderr: client.output("stderr"),
    stdout: client.output("stdout"),
    wallMs,
    stops: log.stops,
    childSessions: log.childSessions,
    fault,
  };
}
