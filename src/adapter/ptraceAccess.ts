// Whether the kernel lets this process ptrace another of the same user: Yama's ptrace_scope and our
// CAP_SYS_PTRACE (containers drop it by default). Told as the setting that blocks and its fix.
import { readFileSync } from "node:fs";

export interface PtraceAccess {
  allowed: boolean;
  /** why, naming the setting: "ptrace_scope=1 and no CAP_SYS_PTRACE" */
  why: string;
  /** the one-line fix when not allowed */
  fix?: string;
}

const CAP_SYS_PTRACE = 19n;

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Our effective capabilities include CAP_SYS_PTRACE (root in a default container does not). */
export function hasPtraceCapability(status = readOrUndefined("/proc/self/status")): boolean {
  const mask = status?.match(/^CapEff:\s+([0-9a-f]+)/m)?.[1];
  return mask !== undefined && ((BigInt(`0x${mask}`) >> CAP_SYS_PTRACE) & 1n) === 1n;
}

/**
 * For a target of our own uid that is not our descendant (attach is never to a child of pdap's).
 * scope: /proc/sys/kernel/yama/ptrace_scope's value (undefined: no Yama); capable: CAP_SYS_PTRACE.
 */
export function ptraceAccess(
  scope = readOrUndefined("/proc/sys/kernel/yama/ptrace_scope")?.trim(),
  capable = hasPtraceCapability(),
): PtraceAccess {
  const capFix = "run with CAP_SYS_PTRACE (docker run --cap-add=SYS_PTRACE)";
  const scopeFix = "sudo sysctl kernel.yama.ptrace_scope=0";
  if (scope === "3") {
    return {
      allowed: false,
      why: "kernel.yama.ptrace_scope=3 forbids ptrace to everyone until reboot",
      fix: "opt in ahead of time (PDAP_ATTACH=1)",
    };
  }
  if (scope === "2" && !capable) {
    return {
      allowed: false,
      why: "kernel.yama.ptrace_scope=2 allows ptrace only with CAP_SYS_PTRACE",
      fix: capFix,
    };
  }
  if (scope === "1" && !capable) {
    return {
      allowed: false,
      why: "kernel.yama.ptrace_scope=1 allows ptrace only of one's own descendants",
      fix: `${scopeFix}, or ${capFix}`,
    };
  }
  const yama = scope === undefined ? "no Yama" : `kernel.yama.ptrace_scope=${scope}`;
  // without Yama the classic rule holds: same uid is enough, unless a container dropped the capability
  // and a seccomp profile blocks ptrace (Docker's default before 19.03): we cannot see that from here
  return { allowed: true, why: `${yama}${capable ? ", CAP_SYS_PTRACE" : ""}` };
}
