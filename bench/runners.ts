// The ways a workload is run: plain Python, pdb (commands on stdin), and DAP debuggers (pdap with
// either backend, debugpy). Each returns raw measurements; suite.ts turns them into table cells.
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { BenchConfig } from "./config.js";
import { BenchSession, type BreakpointSpec, type DapFlavor } from "./dap.js";
import { runProcess, tail } from "./processes.js";
import { type LatencyWorkloadId, PROGRAMS, parseSeconds, parseStepSeconds } from "./workloads.js";

export type RunnerId = "plain" | "pdap-monitoring" | "pdap-settrace" | "debugpy" | "pdb";

export const RUNNER_IDS: readonly RunnerId[] = [
  "plain",
  "pdap-monitoring",
  "pdap-settrace",
  "debugpy",
  "pdb",
];

/** One latency session's measurements, in ms, handed over as each is taken. */
export type LatencySink = (workload: LatencyWorkloadId, ms: number | Error, detail?: string) => void;

/**
 * Which of the costly stages this session should measure: a stage that already has enough
 * figures is skipped (its big list or dict is not even built), so launch and step, which are
 * cheap, get all their repetitions within the time budget.
 */
export type LatencyStages = (workload: "variables-list" | "variables-dict" | "stack-trace") => boolean;

export interface Runner {
  readonly id: RunnerId;
  /** BENCH_SECONDS of one run, with `breakpoint` set (plain Python ignores it). */
  timedRun(program: string, args: string[], breakpoint: BreakpointSpec | undefined): Promise<number>;
  /** Seconds of each step over the ~20 ms call (`reps` of them, from one process). */
  stepOver(reps: number, callSize: number): Promise<number[]>;
  /** DAP debuggers only: one session measuring the per-request latencies. */
  latencySession?(config: BenchConfig, sink: LatencySink, wanted: LatencyStages): Promise<void>;
}

export class PlainRunner implements Runner {
  readonly id = "plain";
  constructor(
    private readonly python: string,
    private readonly timeoutMs: number,
  ) {}

  async timedRun(program: string, args: string[]): Promise<number> {
    return parseSeconds(await this.run([program, ...args]));
  }

  async stepOver(reps: number, callSize: number): Promise<number[]> {
    return parseStepSeconds(await this.run([PROGRAMS.step.path, String(reps), String(callSize)]));
  }

  /** Wall time of `python inspect_target.py startup`: the floor under launch → first stop. */
  async startupMs(): Promise<number> {
    const result = await runProcess(this.python, [PROGRAMS.inspect.path, "startup"], {
      timeoutMs: this.timeoutMs,
    });
    if (result.code !== 0) throw new Error(`exit code ${result.code}: ${tail(result.stderr)}`);
    return result.wallMs;
  }

  private async run(argv: string[]): Promise<string> {
    const result = await runProcess(this.python, argv, { timeoutMs: this.timeoutMs });
    if (result.code !== 0) throw new Error(`exit code ${result.code}: ${tail(result.stderr)}`);
    return result.stdout;
  }
}

/** pdb driven through stdin, the way a user would type the commands. */
export class PdbRunner implements Runner {
  readonly id = "pdb";
  constructor(
    private readonly python: string,
    private readonly timeoutMs: number,
  ) {}

  async timedRun(program: string, args: string[], breakpoint: BreakpointSpec | undefined): Promise<number> {
    if (!breakpoint) throw new Error("a pdb run needs a breakpoint");
    return parseSeconds(await this.run(program, args, [breakCommand(breakpoint), "continue"]));
  }

  async stepOver(reps: number, callSize: number): Promise<number[]> {
    const step = PROGRAMS.step;
    const commands = [breakCommand({ file: step.path, line: step.line("STEP") })];
    for (let i = 0; i < reps; i++) commands.push("continue", "next");
    commands.push("continue");
    // pdb has no request to time from outside: the program's own timing of the call is used
    return parseStepSeconds(await this.run(step.path, [String(reps), String(callSize)], commands));
  }

  /** After the last command pdb reads EOF and quits (it would otherwise restart the program). */
  private async run(program: string, args: string[], commands: string[]): Promise<string> {
    const result = await runProcess(this.python, ["-m", "pdb", program, ...args], {
      input: `${commands.join("\n")}\n`,
      timeoutMs: this.timeoutMs,
    });
    if (!/Breakpoint 1 at /.test(result.stdout)) {
      throw new Error(`pdb did not set the breakpoint: ${tail(result.stdout + result.stderr)}`);
    }
    return result.stdout;
  }
}

function breakCommand({ file, line, condition }: BreakpointSpec): string {
  return `break ${file}:${line}${condition ? `, ${condition}` : ""}`;
}

export class DapRunner implements Runner {
  constructor(
    readonly id: RunnerId,
    private readonly flavor: DapFlavor,
    private readonly timeoutMs: number,
  ) {}

  async timedRun(program: string, args: string[], breakpoint: BreakpointSpec | undefined): Promise<number> {
    const session = await this.launch(program, args, breakpoint ? [breakpoint] : []);
    try {
      await session.waitForEnd(this.timeoutMs);
      return parseSeconds(session.stdout());
    } finally {
      await session.close();
    }
  }

  /** Wall time from sending `next` on the STEP line to the `stopped` event after it. */
  async stepOver(reps: number, callSize: number): Promise<number[]> {
    const step = PROGRAMS.step;
    const session = await this.launch(
      step.path,
      [String(reps), String(callSize)],
      [{ file: step.path, line: step.line("STEP") }],
    );
    const seconds: number[] = [];
    try {
      for (let i = 0; i < reps; i++) {
        const threadId = (await session.nextStop(this.timeoutMs)).body.threadId ?? 1;
        const stepped = session.nextStop(this.timeoutMs);
        const sent = performance.now();
        await session.client.request("next", { threadId });
        const stop = await stepped;
        seconds.push((performance.now() - sent) / 1000);
        if (stop.body.reason !== "step") throw new Error(`'next' stopped for '${stop.body.reason}'`);
        await session.client.request("continue", { threadId });
      }
      await session.waitForEnd(this.timeoutMs);
      return seconds;
    } finally {
      await session.close();
    }
  }

  async latencySession(config: BenchConfig, sink: LatencySink, wanted: LatencyStages): Promise<void> {
    const inspect = PROGRAMS.inspect;
    const sizes = {
      list: wanted("variables-list") ? config.listSize : 0,
      dict: wanted("variables-dict") ? config.dictSize : 0,
    };
    const args = [config.latencySteps, config.recursionDepth, sizes.list, sizes.dict].map(String);
    const breakpoints = [
      { file: inspect.path, line: inspect.line("FIRST") },
      { file: inspect.path, line: inspect.line("BOTTOM") },
    ];
    const started = performance.now();
    const session = await this.launch(inspect.path, args, breakpoints).catch((error: Error) => {
      sink("launch", error);
      throw error;
    });
    try {
      const first = await session.nextStop(this.timeoutMs).catch((error: Error) => {
        sink("launch", error);
        throw error;
      });
      sink("launch", performance.now() - started);
      const probe = new LatencyProbe(session, first.body.threadId ?? 1, this.timeoutMs, sink);
      await probe.run(config, sizes, wanted("stack-trace"));
    } finally {
      await session.close();
    }
  }

  private launch(program: string, args: string[], breakpoints: BreakpointSpec[]): Promise<BenchSession> {
    return BenchSession.launch(this.flavor, program, args, breakpoints, this.timeoutMs);
  }
}

/** The steps of one latency session after the first stop; each stage reports to the sink. */
class LatencyProbe {
  private stage: LatencyWorkloadId = "step";

  constructor(
    private readonly session: BenchSession,
    private readonly threadId: number,
    private readonly timeoutMs: number,
    private readonly sink: LatencySink,
  ) {}

  async run(config: BenchConfig, sizes: { list: number; dict: number }, stackTrace: boolean): Promise<void> {
    try {
      await this.steps(config.latencySteps);
      const client = this.session.client;
      const bottom = this.session.nextStop(this.timeoutMs);
      await client.request("continue", { threadId: this.threadId });
      await bottom;
      const frameId = await this.stackTrace(config.recursionDepth, stackTrace);
      await this.variables(frameId, sizes);
    } catch (error) {
      this.sink(this.stage, error as Error);
    }
  }

  private async steps(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const stopped = this.session.nextStop(this.timeoutMs);
      const sent = performance.now();
      await this.session.client.request("next", { threadId: this.threadId });
      await stopped;
      this.sink("step", performance.now() - sent);
    }
  }

  /** The whole stack, unpaged: the worst case a client can ask for. Returns the top frame's id. */
  private async stackTrace(depth: number, measure: boolean): Promise<number> {
    this.stage = "stack-trace";
    const client = this.session.client;
    if (!measure) return (await client.stackTrace(this.threadId, 0, 1)).stackFrames[0].id;
    const sent = performance.now();
    const { stackFrames } = await client.stackTrace(this.threadId);
    const ms = performance.now() - sent;
    if (stackFrames.length < depth) throw new Error(`stackTrace returned ${stackFrames.length} frames`);
    this.sink("stack-trace", ms, `${stackFrames.length} frames`);
    return stackFrames[0].id;
  }

  private async variables(frameId: number, sizes: { list: number; dict: number }): Promise<void> {
    if (!sizes.list && !sizes.dict) return;
    this.stage = sizes.list ? "variables-list" : "variables-dict";
    const client = this.session.client;
    const [locals] = await client.scopes(frameId);
    const names = await client.variables(locals.variablesReference);
    const find = (name: string) => {
      const found = names.find((v) => v.name === name);
      if (!found?.variablesReference) throw new Error(`no expandable '${name}' among the locals`);
      return found;
    };
    if (sizes.list) await this.expand("variables-list", find("big_list"), sizes.list);
    this.stage = "variables-dict";
    if (sizes.dict) await this.expand("variables-dict", find("big_dict"), sizes.dict);
  }

  /**
   * The request VS Code sends when the user expands the value: the first 100 items if the
   * adapter announced indexedVariables (VS Code pages those), otherwise all children at once.
   */
  private async expand(
    workload: LatencyWorkloadId,
    variable: { variablesReference: number; indexedVariables?: number },
    size: number,
  ): Promise<void> {
    const paged = (variable.indexedVariables ?? 0) > 0;
    const args: DebugProtocol.VariablesArguments = paged
      ? { variablesReference: variable.variablesReference, filter: "indexed", start: 0, count: 100 }
      : { variablesReference: variable.variablesReference };
    const sent = performance.now();
    const body = await this.session.client.request("variables", args);
    const ms = performance.now() - sent;
    const returned = body.variables.length;
    this.sink(workload, ms, `${paged ? "paged: " : "unpaged: "}${returned} of ${size} children returned`);
  }
}
