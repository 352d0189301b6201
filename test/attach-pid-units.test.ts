// The parts of attach by pid around the system calls, checked on their own: what ptrace settings
// allow and the fix each one gets, what gdb's failures are told as, the script gdb writes into the
// process (valid Python on every version), and the messages for other users' processes.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { it } from "node:test";
import { otherUserReason } from "../src/adapter/attachByPid.js";
import { parseAttach } from "../src/adapter/config.js";
import { hasPtraceCapability, ptraceAccess } from "../src/adapter/ptraceAccess.js";
import { gdbFailure, injectedScript, memoryWrites } from "../src/adapter/ptraceInject.js";
import { hasRemoteExec, remoteExecCommand, versionFromPath } from "../src/adapter/remoteExec.js";
import { pythonMatrix } from "./support/pythons.js";

it("ptrace_scope and CAP_SYS_PTRACE: which setting blocks, and the one-line fix", () => {
  assert.equal(ptraceAccess("0", false).allowed, true);
  assert.equal(ptraceAccess(undefined, false).allowed, true);
  assert.equal(ptraceAccess("1", true).allowed, true);
  const scope1 = ptraceAccess("1", false);
  assert.equal(scope1.allowed, false);
  assert.match(scope1.why, /kernel\.yama\.ptrace_scope=1/);
  assert.match(scope1.fix ?? "", /sysctl kernel\.yama\.ptrace_scope=0.*--cap-add=SYS_PTRACE/);
  assert.match(ptraceAccess("2", false).fix ?? "", /--cap-add=SYS_PTRACE/);
  assert.equal(ptraceAccess("2", true).allowed, true);
  assert.equal(ptraceAccess("3", true).allowed, false);
  assert.match(ptraceAccess("3", true).fix ?? "", /PDAP_ATTACH=1/);
  assert.equal(hasPtraceCapability("CapEff:\t0000000000080000\n"), true);
  assert.equal(hasPtraceCapability("CapEff:\t00000000a80425fb\n"), false); // Docker's default set
});

it("gdb's failures are told in a sentence", () => {
  assert.equal(gdbFailure("$1 = 3\npdap-queued 0\n"), undefined);
  assert.match(gdbFailure("ptrace: Operation not permitted.") ?? "", /--cap-add=SYS_PTRACE/);
  assert.match(
    gdbFailure("Couldn't write extended state status: Bad address.") ?? "",
    /Couldn't write extended state status/,
  );
  assert.match(
    gdbFailure('No symbol "Py_AddPendingCall" in current context.') ?? "",
    /no Python interpreter symbols/,
  );
  assert.match(gdbFailure("something else\n") ?? "", /gdb did not queue the call: something else/);
});

it("the script gdb writes is valid Python on every version, and its words spell it back", () => {
  const script = injectedScript('/opt/pdap\'s "agent"');
  const words = memoryWrites(script).map((line) => BigInt(line.split(" = ")[1]));
  const bytes = Buffer.alloc(words.length * 8);
  for (const [i, word] of words.entries()) bytes.writeBigUInt64LE(word, i * 8);
  assert.equal(bytes.toString("utf8").replace(/\0+$/, ""), script);
  assert.equal(bytes[bytes.length - 1], 0, "NUL-terminated");
  for (const { python } of pythonMatrix().targets) {
    execFileSync(python, ["-c", "import sys; compile(sys.argv[1], 'pdap-injected', 'exec')", script]);
  }
});

it("another user's process: the reason names both users and what to run instead", () => {
  assert.match(
    otherUserReason(42, 0, 65534),
    /process 42 belongs to user \S+ \(uid 0\).*sudo -u \S+ pdap attach --pid 42/,
  );
});

it("processId: a number or the string a process picker gives; nothing else", () => {
  assert.equal(parseAttach({ processId: "1234" }).processId, 1234);
  assert.equal(parseAttach({ processId: 1234 }).processId, 1234);
  assert.throws(
    () => parseAttach({ processId: "$" + "{command:pickProcess}" }), // left unsubstituted by an editor
    /'processId' must be a process id/,
  );
  assert.throws(() => parseAttach({ processId: 12, connect: { port: 1 } }), /exactly one of/);
});

it("pdap ps reads the version from the executable's path", () => {
  assert.equal(versionFromPath("/usr/bin/python3.11"), "3.11");
  assert.equal(versionFromPath("/root/.pyenv/versions/3.12.1/bin/python3"), "3.12");
  assert.equal(versionFromPath("/usr/bin/python3"), "");
});

it("Python 3.14+: sys.remote_exec by the target's own interpreter (3.14 is not installed here)", () => {
  assert.equal(hasRemoteExec("3.13"), false);
  assert.equal(hasRemoteExec("3.14"), true);
  assert.equal(hasRemoteExec("4.0"), true);
  assert.equal(hasRemoteExec(""), false);
  const [command, ...args] = remoteExecCommand(42, "3.14", "/tmp/pdap-0/inject-42.py", "/usr/bin/python3.14");
  assert.equal(command, "/usr/bin/python3.14");
  assert.deepEqual(args.slice(-2), ["42", "/tmp/pdap-0/inject-42.py"]);
  assert.equal(
    remoteExecCommand(42, "3.14", "f")[0],
    "python3.14",
    "without the target's executable: one on PATH",
  );
  // the call itself, run by an interpreter that has no sys.remote_exec, fails with Python's own words
  const python = pythonMatrix().targets.at(-1)?.python;
  if (python) {
    const run = spawnSync(python, args.slice(0, -2).concat([String(process.pid), "/nonexistent"]), {
      encoding: "utf8",
    });
    assert.match(run.stderr, /remote_exec/);
  }
});
