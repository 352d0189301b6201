// Python 3.14+ (PEP 768): sys.remote_exec(pid, file) makes the target run a script at its next safe
// point, with no gdb. It is called by an interpreter of the target's own minor version (the
// target's executable itself), and needs the same ptrace rights gdb would.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export class RemoteExecError extends Error {}

/** "3.11" from an interpreter's path: python3.11, or a pyenv-like versions/3.11.7/bin/ folder; "" if it does not say. */
export function versionFromPath(file: string): string {
  return (
    path.basename(file).match(/^python(\d+\.\d+)/)?.[1] ??
    file.match(/\/(\d+\.\d+)(\.\d+)?\/bin\//)?.[1] ??
    ""
  );
}

export function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Whether this interpreter version has sys.remote_exec (3.14+). */
export function hasRemoteExec(version: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  return major > 3 || (major === 3 && minor >= 14);
}

/** The command that asks the target to run `scriptFile`: its own interpreter, or pythonX.Y on PATH. */
export function remoteExecCommand(
  pid: number,
  version: string,
  scriptFile: string,
  executable?: string,
): string[] {
  return [
    executable ?? `python${version}`,
    "-I",
    "-c",
    "import sys; sys.remote_exec(int(sys.argv[1]), sys.argv[2])",
    String(pid),
    scriptFile,
  ];
}

/** Writes the script where only this user can read it (the target runs as this user), runs
 * sys.remote_exec; resolves once the target has it queued. Returns a function that removes the file. */
export function remoteExec(
  pid: number,
  version: string,
  script: string,
  directory: string,
  timeoutMs: number,
): Promise<() => void> {
  const file = path.join(directory, `inject-${pid}.py`);
  mkdirSync(directory, { recursive: true, mode: 0o700 }); // the target's side checks it is ours alone
  writeFileSync(file, script, { mode: 0o600 });
  chmodSync(file, 0o600);
  const remove = () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  const [command, ...args] = remoteExecCommand(pid, version, file, executableOf(pid));
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, _stdout, stderr) => {
      if (!error) {
        resolve(remove);
        return;
      }
      remove();
      const last = stderr.trim().split("\n").at(-1) || error.message;
      reject(new RemoteExecError(`sys.remote_exec failed: ${last}`));
    });
  });
}
