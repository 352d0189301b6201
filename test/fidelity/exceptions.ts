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
    versions: ["3.12", "3.13"],
    backends: ["settrace"],
    reason:
      "tests of sys.monitoring itself: on 3.12+ CPython runs any sys.settrace function through sys.monitoring's instrumentation, so the events these tests count change under a settrace debugger",
  },
  {
    test: "test.test_threading.ThreadTests.test_gettrace_all_threads",
    backends: ["settrace"],
    reason: "a test of settrace_all_threads itself: it expects no trace function before it sets one",
  },
  {
    test: "test.test_traceback.*test_recursive_traceback*",
    backends: ["settrace"],
    reason:
      "it recurses to the exact recursion limit and compares the traceback's last entries: a trace function's own frames count towards the limit under any sys.settrace debugger, and for the frame where the trace function itself can no longer be called CPython raises the RecursionError in that frame (3.11+ list it, at its def line)",
  },
  {
    test: "test.test_frame.TestIncompleteFrameAreInvisible.test_sneaky_frame_object",
    versions: ["3.11", "3.12"],
    backends: ["settrace"],
    reason:
      "it needs a generator whose frame object does not exist yet when the generator is resumed; under any sys.settrace debugger the trace function's 'call' event creates it at the first resumption",
  },
  {
    test: "test.test_contextlib.ContextManagerTestCase.test_nokeepref",
    versions: ["3.9", "3.10"],
    backends: ["settrace"],
    reason:
      "CPython 3.9/3.10 copy a frame's fast locals into f_locals before every trace call (call_trampoline): under any sys.settrace debugger that copy keeps a rebound argument alive",
  },
  {
    test: "test.test_frame.ClearTest.test_clear_*",
    versions: ["3.9", "3.10"],
    backends: ["settrace"],
    reason:
      "CPython 3.9/3.10 copy a frame's fast locals into f_locals before every trace call: under any sys.settrace debugger the copy holds what the test expects frame.clear() to free",
  },
  {
    test: "test.test__xxsubinterpreters.IsRunningTests.test_main",
    versions: ["3.9", "3.10"],
    reason:
      "is_running() on 3.9/3.10 refuses an interpreter with more than one thread, and a debugger's agent runs threads of its own",
  },
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
    test: "test.test_threading.ThreadJoinOnShutdown.test_clear_threads_states_after_fork",
    modes: ["launch", "run"],
    reason:
      "the forked child is debugged (a session attached to it through startDebugging), so it runs the debugger's thread that serves that session: its sys._current_frames() has more than one entry. Any debugger that follows forks has such a thread; a child nobody debugs has none",
  },
  {
    test: "test.test_generators.SignalAndYieldFromTest.test_raise_and_yield_from",
    versions: ["3.11", "3.12", "3.13"],
    backends: ["settrace"],
    reason:
      "a SIGINT pending as a generator resumes its `yield from`: from 3.11 CPython runs the signal handler at the first instruction (RESUME) of the Python trace function it calls for that resumption, and raises the KeyboardInterrupt in the resuming outer generator before any line of the trace function runs; plain Python skips the check there and raises it in the inner generator. Any sys.settrace debugger whose trace function is Python code; on 3.9/3.10 pdap catches it and raises it in the inner generator",
  },
  {
    test: "test.test_frame.ClearTest.test_lineno_with_tracing",
    backends: ["settrace"],
    reason:
      "it sets a frame's f_trace to True, which is only safe with no trace function installed: under any sys.settrace debugger CPython calls it",
  },
];

/**
 * Known pdap defects the suite still shows: not legitimate (a fix is owed, see the issue), but
 * listed so that a new difference stands out and fails the suite. Each is printed as KNOWN in
 * every run, so none is silently passed; remove an entry when its fix lands.
 */
export const KNOWN_DEFECTS: DeclaredException[] = [];

/** stderr lines (globs, after numbers are taken out) that known defects write, as above */
export const KNOWN_STDERR: DeclaredException[] = [];

/**
 * stderr lines (globs, after numbers are taken out) that a declared difference above writes: the
 * fork test's failure (a debugged forked child) keeps its traceback, which holds the test's 16
 * finished threads when regrtest's threading_cleanup looks
 */
const FORK_TEST =
  "written when test_clear_threads_states_after_fork fails, which is declared for a debugged forked child: its traceback keeps the test's finished threads referenced while regrtest checks for dangling threads";
export const DECLARED_STDERR: DeclaredException[] = [
  { test: "Warning -- threading_cleanup() failed to cleanup *", modes: ["launch", "run"], reason: FORK_TEST },
  { test: "Warning -- Dangling thread: *", modes: ["launch", "run"], reason: FORK_TEST },
  { test: "Warning -- threading._dangling was modified by *", modes: ["launch", "run"], reason: FORK_TEST },
  { test: "Warning --   Before: {<weakref at *", modes: ["launch", "run"], reason: FORK_TEST },
  { test: "Warning --   After:  {<weakref at *", modes: ["launch", "run"], reason: FORK_TEST },
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
  return matching(EXCEPTIONS, id, context);
}

/** The known defect that explains this test's difference (or this stderr line) in this run. */
export function knownDefectFor(id: string, context: RunContext): DeclaredException | undefined {
  return matching(KNOWN_DEFECTS, id, context);
}

/** The declared difference that explains this stderr line in this run. */
export function declaredStderrFor(line: string, context: RunContext): DeclaredException | undefined {
  return matching(DECLARED_STDERR, line, context);
}

export function knownStderrFor(line: string, context: RunContext): DeclaredException | undefined {
  return matching(KNOWN_STDERR, line, context);
}

function matching(list: DeclaredException[], id: string, context: RunContext): DeclaredException | undefined {
  return list.find((entry) => {
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
