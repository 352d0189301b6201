// Attach by pid to a process that did not opt in (Linux, ptrace): gdb stops the process for a
// moment and queues a Python "pending call" that starts pdap's agent (attach_by_pid.start_injected).
// The interpreter runs pending calls in the main thread at a point where Python code may run, as it
// does signal handlers, so nothing is run in the middle of the interpreter's own work. The script
// is written into a fresh page (mmap) with plain memory writes: no malloc is called in a process
// that may have been stopped inside malloc. gdb detaches at once; the process runs on.
import { execFile } from "node:child_process";
import { AGENT_PYTHONPATH } from "./launcher.js";

export class InjectError extends Error {}

/** The Python source the pending call runs: imports pdap from its directory, leaving sys.path and
 * __main__ as they were, and never raises (an exception would be printed on the program's stderr). */
export function injectedScript(agentDir: string): string {
  const inner = [
    "import sys",
    `d = ${JSON.stringify(agentDir)}`,
    "sys.path.insert(0, d)",
    "try:",
    "    import pdap.attach_by_pid as a",
    "finally:",
    "    sys.path.remove(d)",
    "a.start_injected()",
  ].join("\n");
  return `try:\n    __import__('builtins').exec(${JSON.stringify(inner)}, {})\nexcept BaseException:\n    pass\n`;
}

/** gdb commands that copy `text` (NUL-terminated) into the page at $pdap_page, 8 bytes at a time. */
export function memoryWrites(text: string): string[] {
  const bytes = Buffer.concat([Buffer.from(text, "utf8"), Buffer.alloc(8 - (Buffer.byteLength(text) % 8))]);
  const writes: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 8) {
    const word = bytes.readBigUInt64LE(offset); // x86-64 and arm64 are little-endian
    writes.push(`set *(unsigned long *)($pdap_page + ${offset}) = 0x${word.toString(16)}`);
  }
  return writes;
}

export function gdbArguments(pid: number, script: string): string[] {
  const page = 4096;
  if (Buffer.byteLength(script) >= page) throw new InjectError("the injected script does not fit in a page");
  const commands = [
    // PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
    `set $pdap_page = (long)mmap(0, ${page}, 3, 34, -1, 0)`,
    ...memoryWrites(script),
    "set $pdap_queued = (int)Py_AddPendingCall((void *)PyRun_SimpleString, (void *)$pdap_page)",
    'printf "pdap-queued %d\\n", $pdap_queued',
  ];
  // no gdbinit, no auto-loaded scripts (python-gdb.py), no debuginfod prompt or download: a quick, plain attach
  const setup = ["set auto-load off", "set debuginfod enabled off"].flatMap((command) => ["-iex", command]);
  return ["-p", String(pid), "-batch", "-nx", ...setup, ...commands.flatMap((command) => ["-ex", command])];
}

/** What gdb's output says went wrong, in a sentence, or undefined when the call was queued. */
export function gdbFailure(output: string): string | undefined {
  if (/pdap-queued 0\b/.test(output)) return undefined;
  if (/pdap-queued -1\b/.test(output)) return "the interpreter's queue of pending calls is full; try again";
  if (/ptrace: Operation not permitted/.test(output))
    return "the kernel refused ptrace (Operation not permitted): another debugger already traces it, or a container without CAP_SYS_PTRACE (docker run --cap-add=SYS_PTRACE), kernel.yama.ptrace_scope, or a seccomp profile";
  if (/Couldn't write extended state status/.test(output))
    return "gdb cannot call functions in this process here (Couldn't write extended state status)";
  if (/No symbol "(Py_AddPendingCall|PyRun_SimpleString|mmap)"/.test(output))
    return "gdb found no Python interpreter symbols in the process (No symbol table is loaded)";
  const last = output.trim().split("\n").slice(-3).join(" | ");
  return `gdb did not queue the call: ${last || "no output"}`;
}

/** Runs gdb against the process; resolves once the pending call is queued (the agent starts later). */
export function injectAgent(pid: number, timeoutMs: number): Promise<void> {
  const args = gdbArguments(pid, injectedScript(AGENT_PYTHONPATH));
  return new Promise((resolve, reject) => {
    execFile(
      "gdb",
      args,
      { timeout: timeoutMs, killSignal: "SIGTERM" } /* gdb detaches on SIGTERM */,
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new InjectError("gdb is not installed (apt-get install gdb)"));
          return;
        }
        if (error?.killed) {
          reject(new InjectError(`gdb did not finish within ${timeoutMs / 1000} s`));
          return;
        }
        const failure = gdbFailure(output);
        if (failure) reject(new InjectError(failure));
        else resolve();
      },
    );
  });
}
