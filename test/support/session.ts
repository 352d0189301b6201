// Starting a real adapter + real Python for a scenario, and the assertions scenarios share.
import assert from "node:assert/strict";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapClient } from "../../src/client/client.js";
import type { Fixture } from "./fixtures.js";
import type { PythonTarget } from "./pythons.js";

export interface Stop {
  threadId: number;
  reason: string;
  frames: DebugProtocol.StackFrame[];
}

export class Scenario {
  constructor(
    readonly client: DapClient,
    readonly target: PythonTarget,
  ) {}

  static async launch(
    target: PythonTarget,
    args: Record<string, unknown>,
    breakpoints: Record<string, Array<number | DebugProtocol.SourceBreakpoint>> = {},
  ): Promise<{ scenario: Scenario; breakpoints: Record<string, DebugProtocol.Breakpoint[]> }> {
    const client = DapClient.spawnAdapter();
    const scenario = new Scenario(client, target);
    const bps = await client.start(
      "launch",
      { python: target.python, backend: target.backend, ...args },
      breakpoints,
    );
    return { scenario, breakpoints: bps };
  }

  /**
   * Launches a fixture with breakpoints on its markers and waits for the first stop: the start of
   * most inspection scenarios.
   */
  static async launchToStop(
    target: PythonTarget,
    program: Fixture,
    markers: string[],
  ): Promise<{ scenario: Scenario; stop: Stop }> {
    const { scenario } = await Scenario.launch(
      target,
      { program: program.path },
      { [program.path]: markers.map((marker) => program.line(marker)) },
    );
    return { scenario, stop: await scenario.stop() };
  }

  /** Waits for the next stop and reads its stack. */
  async stop(): Promise<Stop> {
    const event = await this.client.nextStop();
    return this.describe(event);
  }

  async describe(event: DebugProtocol.StoppedEvent): Promise<Stop> {
    const threadId = event.body.threadId ?? 0;
    const { stackFrames } = await this.client.stackTrace(threadId);
    return { threadId, reason: event.body.reason, frames: stackFrames };
  }

  async resume(command: "continue" | "next" | "stepIn" | "stepOut", threadId: number): Promise<Stop> {
    return this.describe(await this.client.resume(command, threadId));
  }

  /** The local variables of a frame as name -> value text. */
  async locals(frameId: number): Promise<Record<string, string>> {
    const [locals] = await this.client.scopes(frameId);
    const vars = await this.client.variables(locals.variablesReference);
    return Object.fromEntries(vars.map((v) => [v.name, v.value]));
  }

  /** Evaluates in the top frame of a stop. */
  evaluate(stop: Stop, expression: string, context = "repl") {
    return this.client.evaluate(expression, stop.frames[0].id, context);
  }

  async exitCode(): Promise<number> {
    const exited = await this.client.waitFor<DebugProtocol.ExitedEvent>("exited");
    await this.client.waitFor("terminated");
    return exited.body.exitCode;
  }

  async close(): Promise<void> {
    await this.client.disconnect();
  }
}

/** "name:line" of each frame, top first: the shape stepping assertions compare. */
export function where(stop: Stop, depth = 1): string[] {
  return stop.frames.slice(0, depth).map((f) => `${f.name}:${f.line}`);
}

export function assertAt(stop: Stop, name: string, line: number, reason?: string): void {
  assert.equal(
    `${stop.frames[0]?.name}:${stop.frames[0]?.line}`,
    `${name}:${line}`,
    `stopped at ${where(stop, 3)}`,
  );
  if (reason) assert.equal(stop.reason, reason);
}
