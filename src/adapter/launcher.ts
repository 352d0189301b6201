// Starting the user's program under the agent: `python -m pdap --connect ... program args`.
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { delimiter } from "node:path";
import { agentPythonPath } from "../installLayout.js";
import type { LaunchConfig } from "./config.js";

/** The directory that holds the agent package `pdap` (python/pdap in this repository). */
export const AGENT_PYTHONPATH = agentPythonPath();

export function agentCommand(config: LaunchConfig, agentPort: number): string[] {
  const argv = [...config.pythonArgs, "-m", "pdap", "--connect", `127.0.0.1:${agentPort}`];
  if (config.backend) argv.push("--backend", config.backend);
  if (config.program !== undefined) argv.push(config.program);
  else if (config.module !== undefined) argv.push("-m", config.module);
  else argv.push("-c", config.code ?? "");
  return [...argv, ...config.args];
}

/** What the agent needs added to the environment: its package on PYTHONPATH and the link token. */
export function agentEnvironmentDelta(token: string, base: string | undefined = process.env.PYTHONPATH) {
  return {
    PYTHONPATH: base ? `${AGENT_PYTHONPATH}${delimiter}${base}` : AGENT_PYTHONPATH,
    PDAP_TOKEN: token,
  };
}

export function agentEnvironment(config: LaunchConfig, token: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(config.env)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  // output events should arrive as the program writes, not when an 8 KiB pipe buffer fills
  if (config.redirectOutput && env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = "1";
  return { ...env, ...agentEnvironmentDelta(token, env.PYTHONPATH) };
}

/** `output`: one socket for the program's stdout and stderr (see sharedOutput.ts), else two pipes. */
export function spawnDebuggee(
  config: LaunchConfig,
  agentPort: number,
  token: string,
  output?: Socket,
): ChildProcess {
  return spawn(config.python, agentCommand(config, agentPort), {
    cwd: config.cwd,
    env: agentEnvironment(config, token),
    stdio: ["pipe", output ?? "pipe", output ?? "pipe"],
  });
}
