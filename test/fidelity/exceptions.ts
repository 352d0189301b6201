// The tests that legitimately differ under any debugger, each with the reason. A known pdap defect
// never goes here: the suite shows it until it is fixed.
import type { ModeName } from "./modes/mode.js";

export interface DeclaredException {
  /** a test id, or a glob over ids ("test.test_sys_settrace.*") */
  test: string;
  /** only on these versions / backends / modes; all when absent */
  versions?: string[];
  backends?: Array<"monitoring" | "settrace">;
  modes?: ModeName[];
  reason: string;
}

export const EXCEPTIONS: DeclaredException[] = [
  {
    test: "test.test_monitoring.*",
    backends: ["monitoring"],
    reason:
      "tests of sys.monitoring itself: setUp asserts that no tool has any event set, and a sys.monitoring debugger holds its tool's events (PY_START) for as long as it runs",
  },
  {
    test: "test.test_sys_settrace.*",
    backends: ["settrace"],
    reason:
      "tests of sys.settrace itself: they put their own trace function in the debugger's place and compare exact event sequences",
  },
  {
    test: "test.test_sys.SysModuleTest.test_recursionlimit_recovery",
    backends: ["settrace"],
    reason: "the test skips itself when sys.gettrace() is set ('fatal error if run with a trace function')",
  },
  {
    test: "test.test_frame.ClearTest.test_lineno_with_tracing",
    backends: ["settrace"],
    reason:
      "it sets a frame's f_trace to True, which is only safe with no trace function installed: under any sys.settrace debugger CPython calls it",
  },
];

export interface RunContext {
  version: string;
  backend: "monitoring" | "settrace";
  mode: ModeName;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<DeclaredException, RegExp>();

/** The declared exception that covers this test in this run, if one does. */
export function exceptionFor(id: string, context: RunContext): DeclaredException | undefined {
  return EXCEPTIONS.find((entry) => {
    if (entry.versions && !entry.versions.includes(context.version)) return false;
    if (entry.backends && !entry.backends.includes(context.backend)) return false;
    if (entry.modes && !entry.modes.includes(context.mode)) return false;
    let pattern = compiled.get(entry);
    if (!pattern) {
      pattern = globToRegExp(entry.test);
      compiled.set(entry, pattern);
    }
    return pattern.test(id);
  });
}
