// Attach by process id: find how the process with this id can be reached, and make it listen.
// A process that opted in (pdap.enable_attach() or PDAP_ATTACH=1, see python/pdap/attach_by_pid.py)
// has a file /tmp/pdap-UID/attach-PID.json: "armed" (send it the signal it names) or "listening"
// (host, port, token). Nothing is ever sent to a process without that file: the signal would kill it.
import { lstatSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AGENT_PYTHONPATH } from "./launcher.js";
import { ptraceAccess } from "./ptraceAccess.js";
import { injectAgent, injectedScript } from "./ptraceInject.js";
import { executableOf, hasRemoteExec, remoteExec, versionFromPath } from "./remoteExec.js";

export class AttachByPidError extends Error {}

export interface AgentEndpoint {
  host: string;
  port: number;
  token: string;
}

/** What the process's attach file says (see attach_by_pid.py). */
export interface AttachFile {
  state: "armed" | "listening" | "refused" | "failed";
  pid: number;
  startTime?: string | null;
  signal?: number;
  signalName?: string;
  python?: string;
  host?: string;
  port?: number;
  token?: string;
  reason?: string;
}

export function stateDir(uid: number): string {
  return `/tmp/pdap-${uid}`;
}

export function attachFilePath(uid: number, pid: number): string {
  return path.join(stateDir(uid), `attach-${pid}.json`);
}

/** The owner's uid of a process (the real uid in /proc/PID/status), undefined if there is no such process. */
export function processUid(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = status.match(/^Uid:\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks): a pid reused by a newer process has another. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the process catches this signal now (SigCgt in /proc/PID/status): pdap's handler still there. */
export function catchesSignal(pid: number, signal: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const mask = status.match(/^SigCgt:\s+([0-9a-f]+)/m)?.[1];
    return mask !== undefined && ((BigInt(`0x${mask}`) >> BigInt(signal - 1)) & 1n) === 1n;
  } catch {
    return false;
  }
}

export function userName(uid: number): string {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (Number(id) === uid && name) return name;
    }
  } catch {
    // no passwd file (some containers): the number says it
  }
  return `uid ${uid}`;
}

/** Why we may not attach to another user's process, and what to do instead. */
export function otherUserReason(pid: number, ownerUid: number, ourUid: number): string {
  const owner = userName(ownerUid);
  return (
    `process ${pid} belongs to user ${owner} (uid ${ownerUid}), and you are ${userName(ourUid)} (uid ${ourUid}): ` +
    `pdap attaches only to your own processes; run it as that user (sudo -u ${owner} pdap attach --pid ${pid})`
  );
}

export function notOptedInReason(pid: number): string {
  return (
    `process ${pid} has not enabled attach by process id: start it with PYTHONPATH=<pdap's agent directory> ` +
    `PDAP_ATTACH=1, or call pdap.enable_attach() in it, or start it under pdap (python -m pdap --listen PORT)`
  );
}

/** The process's file, checked: ours alone (owner, mode), from this very process (start time). */
export function readAttachFile(pid: number, uid: number): AttachFile | undefined {
  const file = attachFilePath(uid, pid);
  let text: string;
  try {
    const dir = lstatSync(stateDir(uid));
    if (!dir.isDirectory() || dir.uid !== uid || (dir.mode & 0o077) !== 0) return undefined;
    const info = statSync(file);
    if (info.uid !== uid || (info.mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  let content: AttachFile;
  try {
    content = JSON.parse(text) as AttachFile;
  } catch {
    return undefined;
  }
  if (content.pid !== pid) return undefined;
  const started = processStartTime(pid);
  if (content.startTime && started && content.startTime !== started) return undefined; // a reused pid
  return content;
}

export interface AttachByPidOptions {
  timeoutMs: number;
  /** progress the user should see (what was sent, what we wait for) */
  say: (text: string) => void;
  signal?: AbortSignal;
  /** for tests: whose processes count as ours (default: this process's uid) */
  ourUid?: number;
}

/** Makes the opted-in process listen (if it is not already) and returns where and with what token. */
export async function reachProcess(pid: number, options: AttachByPidOptions): Promise<AgentEndpoint> {
  const ourUid = options.ourUid ?? process.getuid?.() ?? 0;
  const owner = processUid(pid);
  if (owner === undefined) throw new AttachByPidError(`there is no process ${pid}`);
  if (owner !== ourUid) throw new AttachByPidError(otherUserReason(pid, owner, ourUid));
  let file = readAttachFile(pid, owner);
  if (!file) file = await injectAndWait(pid, owner, options);
  else if (file.state === "armed") file = await signalAndWait(pid, owner, file, options);
  return endpointOf(pid, file);
}

/** No opt-in: sys.remote_exec or gdb, where the kernel allows ptrace; else why not and what to do. */
async function injectAndWait(pid: number, uid: number, options: AttachByPidOptions): Promise<AttachFile> {
  const access = ptraceAccess();
  if (!access.allowed) {
    throw new AttachByPidError(
      `${notOptedInReason(pid)}; pdap cannot inject it either: ${access.why} (fix: ${access.fix})`,
    );
  }
  const cleanup = await startAgentIn(pid, uid, options);
  options.say(
    `pdap: waiting up to ${options.timeoutMs / 1000} s for process ${pid} to start the agent ` +
      "(a process blocked in a system call does so when it next runs Python code)\n",
  );
  try {
    return await waitForListening(pid, uid, options, "the injected start", true);
  } finally {
    cleanup();
  }
}

/** Way 1 (3.14+: sys.remote_exec) or way 3 (gdb); resolves once the start is queued in the target,
 * with what to clean up once it has run. */
async function startAgentIn(pid: number, uid: number, options: AttachByPidOptions): Promise<() => void> {
  const version = versionFromPath(executableOf(pid) ?? "");
  const script = injectedScript(AGENT_PYTHONPATH);
  const how = hasRemoteExec(version) ? `sys.remote_exec (Python ${version})` : "ptrace (gdb)";
  options.say(`pdap: process ${pid} did not opt in: starting pdap's agent in it through ${how}\n`);
  try {
    if (hasRemoteExec(version))
      return await remoteExec(pid, version, script, stateDir(uid), options.timeoutMs);
    await injectAgent(pid, options.timeoutMs);
    return () => {};
  } catch (error) {
    throw new AttachByPidError(
      `${notOptedInReason(pid)}; starting it through ${how} failed: ${(error as Error).message}`,
    );
  }
}

function endpointOf(pid: number, file: AttachFile): AgentEndpoint {
  if (file.state === "refused" || file.state === "failed") {
    throw new AttachByPidError(`process ${pid} cannot be attached: ${file.reason ?? "no reason given"}`);
  }
  if (file.state !== "listening" || typeof file.port !== "number" || typeof file.token !== "string") {
    throw new AttachByPidError(`process ${pid}: its attach file is not understood (state ${file.state})`);
  }
  return { host: file.host ?? "127.0.0.1", port: file.port, token: file.token };
}

async function signalAndWait(
  pid: number,
  uid: number,
  armed: AttachFile,
  options: AttachByPidOptions,
): Promise<AttachFile> {
  const signal = armed.signal ?? 12;
  const name = armed.signalName ?? `signal ${signal}`;
  if (!catchesSignal(pid, signal)) {
    throw new AttachByPidError(
      `process ${pid} enabled attach with ${name}, but no longer handles it (the program reset it): not sending it, it would end the program`,
    );
  }
  process.kill(pid, signal);
  options.say(
    `pdap: sent ${name} to process ${pid}; waiting up to ${options.timeoutMs / 1000} s for it to listen ` +
      "(a process blocked in a system call answers when it next runs Python code)\n",
  );
  return waitForListening(pid, uid, options, name, false);
}

/** Polls the process's file until it is no longer "armed" (or absent, for an injection), bounded. */
async function waitForListening(
  pid: number,
  uid: number,
  options: AttachByPidOptions,
  what: string,
  mayBeAbsent: boolean,
): Promise<AttachFile> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    await sleep(50);
    if (options.signal?.aborted) throw new AttachByPidError("attach cancelled");
    const file = readAttachFile(pid, uid);
    if (processUid(pid) === undefined || (!file && !mayBeAbsent))
      throw new AttachByPidError(`process ${pid} ended`);
    if (file && file.state !== "armed") return file;
    if (Date.now() > deadline) {
      throw new AttachByPidError(
        `process ${pid} did not start listening within ${options.timeoutMs / 1000} s of ${what}: ` +
          "it has not run Python code since (blocked in a system call, or stopped); try again later",
      );
    }
  }
}
