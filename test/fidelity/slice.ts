// The slice of CPython's own regression tests the fidelity suite runs: programs nobody here wrote,
// chosen for what a debugger can disturb (threads, processes, signals, finalisation, frames,
// tracing, subinterpreters), cut down to keep the whole suite near 15 minutes, and grouped into
// a few regrtest runs so each session's start is paid once per group.

export interface TestProgram {
  /** the group's name in the report */
  name: string;
  /** regrtest module names, as in `python -m test NAME…`, run in this one process */
  tests: string[];
  /** only these test classes or methods (regrtest -m: a glob matched against a test's id or any part of it) */
  match?: string[];
  /** leave these out (regrtest -i), mostly the slow ones; they apply to every module of the group */
  ignore?: string[];
  /**
   * it starts Python children that inherit the environment (so pdap debugs them): only these run
   * under the client without startDebugging too, the one mode where that alone differs
   */
  spawnsPython?: boolean;
}

/** Modules that only some versions ship. */
const SHIPPED_IN: Record<string, string[]> = {
  test_monitoring: ["3.12", "3.13"],
  test_exception_group: ["3.11", "3.12", "3.13"],
  // not on 3.11: under plain 3.11.7 its tests with threads hang (CreateTests.test_in_thread and more)
  test__xxsubinterpreters: ["3.9", "3.10", "3.12"],
  test_interpreters: ["3.13"],
  "test_asyncio.test_runners": ["3.11", "3.12", "3.13"],
  "test_asyncio.test_taskgroups": ["3.11", "3.12", "3.13"],
};

export const SLICE: TestProgram[] = [
  {
    name: "threading",
    tests: ["test_threading"],
    match: [
      "ThreadTests",
      "ThreadJoinOnShutdown",
      "SubinterpThreadingTests",
      "ThreadingExceptionTests",
      "ExceptHookTests",
      "TimerTests",
      "InterruptMainTests",
      "AtexitTests",
      "LockTests",
      "EventTests",
      "MiscTestCase",
    ],
    spawnsPython: true,
  },
  {
    name: "subprocess",
    tests: ["test_subprocess"],
    match: [
      "RunFuncTestCase",
      "test_preexec*",
      "*.ProcessTestCase.test_communicate*",
      "*.ProcessTestCase.test_std*",
      "*.ProcessTestCase.test_env*",
      "*.ProcessTestCase.test_cwd*",
      "*.ProcessTestCase.test_exit*",
      "*.ProcessTestCase.test_wait*",
    ],
    spawnsPython: true,
  },
  // these two run subinterpreters, which have crashed whole runs: on their own, so a crash costs only them
  { name: "atexit", tests: ["test_atexit"], spawnsPython: true },
  {
    name: "subinterpreters",
    tests: ["test__xxsubinterpreters", "test_interpreters"],
  },
  {
    name: "runtime",
    tests: [
      "test_gc",
      "test_weakref",
      "test_sys",
      "test_sys_settrace",
      "test_sys_setprofile",
      "test_monitoring",
    ],
    ignore: ["MappingTestCase"],
    spawnsPython: true,
  },
  {
    name: "threads",
    tests: ["test_thread", "test_threading_local", "test_frame"],
  },
  {
    name: "language",
    tests: [
      "test_exceptions",
      "test_exception_group",
      "test_traceback",
      "test_generators",
      "test_coroutines",
      "test_contextlib",
      "test_contextlib_async",
      "test_functools",
      "test_inspect",
      "test_json",
      "test_runpy",
    ],
    // 3.13 runs these 20,000 generators deep (support.infinite_recursion): each value then resumes
    // every generator of the `yield from` chain, and under any sys.settrace debugger each of those
    // resumptions calls the Python trace function, minutes in all (they passed under pdap only
    // while a RecursionError had silently switched its tracing off)
    ignore: ["test_endless_recursion", "test_highly_nested_objects_encoding"],
    spawnsPython: true,
  },
  {
    name: "os-signals-logging",
    tests: ["test_os", "test_signal", "test_logging"],
    ignore: [
      "TestSendfile",
      "TestScandir",
      "TimerfdTests",
      "ItimerTest",
      "PendingSignalsTests",
      "SiginterruptTest",
      "StressTest",
      "ConfigDictTest",
      "SocketHandlerTest",
      "UnixSocketHandlerTest",
      "DatagramHandlerTest",
      "UnixDatagramHandlerTest",
      "SysLogHandlerTest",
      "UnixSysLogHandlerTest",
      "IPv6SysLogHandlerTest",
      "TimedRotatingFileHandlerTest",
      "HTTPHandlerTest",
    ],
    spawnsPython: true,
  },
  {
    name: "asyncio",
    tests: ["test_asyncio.test_locks", "test_asyncio.test_runners", "test_asyncio.test_taskgroups"],
  },
];

/** The groups with the modules this version ships; `only` keeps groups or modules named there. */
export function sliceFor(version: string, only?: string[]): TestProgram[] {
  const programs: TestProgram[] = [];
  for (const program of SLICE) {
    const tests = program.tests.filter(
      (test) =>
        (SHIPPED_IN[test]?.includes(version) ?? true) &&
        (!only || only.includes(program.name) || only.includes(test)),
    );
    if (tests.length > 0) programs.push({ ...program, tests });
  }
  return programs;
}

export interface RegrtestFiles {
  /** where regrtest writes its JUnit XML */
  junit: string;
  /** regrtest's own working directory (--tempdir) */
  tempdir: string;
}

/**
 * `python -m test …` for one group: in the one process (no -j, so the tests run in the debugged
 * process itself), a fixed random seed, results as JUnit XML. `onlyTests` narrows a retry.
 */
export function regrtestArgs(program: TestProgram, files: RegrtestFiles, onlyTests?: string[]): string[] {
  const tests = onlyTests
    ? program.tests.filter((test) => onlyTests.some((id) => id.startsWith(`test.${test}.`)))
    : program.tests;
  const args = ["-m", "test", ...tests, "--randseed", "1", "--timeout", "60"];
  args.push("--junit-xml", files.junit, "--tempdir", files.tempdir);
  if (onlyTests) {
    // a test id is taken literally: glob characters in it match themselves only as `?`
    for (const id of onlyTests) args.push("-m", id.replace(/[[\]*?]/g, "?"));
    return args;
  }
  for (const pattern of program.match ?? []) args.push("-m", pattern);
  for (const pattern of program.ignore ?? []) args.push("-i", pattern);
  return args;
}
