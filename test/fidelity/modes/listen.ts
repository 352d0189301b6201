// `python -m pdap --listen 127.0.0.1:PORT --wait-for-client -m test …`, as a user starts a program
// on a server, and a DAP client attached to it through the real adapter.
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { AGENT_PYTHONPATH } from "../../../src/adapter/launcher.js";
import { DapClient } from "../../../src/client/client.js";
import { deadline, type Mode, messageOf, type RunOutcome, type RunSpec } from "./mode.js";
import { runCommand } from "./process.js";
import { closeAll, configureLikeAnEditor, newLog, resumeEveryStop } from "./session.js";

/** A loopback port free right now (the program binds it a moment later). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until something accepts on the port (the agent, once it has started). */
async function untilListening(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms / 1000} s`);
    await sleep(50);
  }
}

export const listen: Mode = {
  name: "listen",
  title: "python -m pdap --listen --wait-for-client, DAP attach, breakpoint elsewhere",
  debugged: true,
  async run(spec: RunSpec): Promise<RunOutcome> {
    const port = await freePort();
    const argv = ["-m", "pdap", "--listen", `127.0.0.1:${port}`, "--wait-for-client"];
    argv.push("--backend", spec.target.backend, ...spec.args);
    const env = { ...process.env, PYTHONPATH: AGENT_PYTHONPATH };
    let child: ChildProcess | undefined;
    const program = runCommand(spec.target.python, argv, {
      cwd: spec.cwd,
      env,
      timeoutMs: spec.timeoutMs,
      started: (started) => {
        child = started;
      },
    });
    program.catch(() => {});
    const log = newLog();
    const client = DapClient.spawnAdapter();
    resumeEveryStop(client, log);
    const limit = deadline(spec.timeoutMs, "attach");
    let fault: string | undefined;
    try {
      await Promise.race([untilListening(port, 30_000), limit.expired]);
      const attach = { connect: { host: "127.0.0.1", port }, justMyCode: true };
      await Promise.race([
        client.begin("attach", attach, { configure: () => configureLikeAnEditor(client) }),
        limit.expired,
      ]);
    } catch (error) {
      fault = messageOf(error);
      child?.kill("SIGKILL"); // it waits for a client that will not come
    } finally {
      limit.clear();
    }
    const done = await program;
    await closeAll([client], log, false);
    if (done.timedOut) fault ??= `no end within ${spec.timeoutMs / 1000} s`;
    return {
      exitCode: done.code,
      signal: done.signal,
      stderr: done.stderr,
      stdout: done.stdout,
      wallMs: done.wallMs,
      stops: log.stops,
      childSessions: 0,
      fault,
    };
  },
};
