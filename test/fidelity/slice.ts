// The slice of CPython's own regression tests the fidelity suite runs: programs nobody here wrote,
// chosen for what a debugger can disturb (threads, processes, signals, finalisation, frames,
// tracing, subinterpreters) and cut down to classes that keep the whole suite near 15 minutes.

export interface TestModule {
  /** the regrtest name, as in `python -m test NAME` */
  name: string;
  /** only these test classes or methods (regrtest -m; a glob matches any part of a test's id) */
  match?: string[];
  /** leave these out (regrtest -i), mostly the slow ones */
  ignore?: string[];
  /** the versions that ship it, when not all do */
  versions?: string[];
}

export const SLICE: TestModule[] = [
  {
    name: "test_threading",
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
  },
  { name: "test_threading_local" },
  { name: "test_thread" },
  {
    name: "test_subprocess",
    match: [
      "ProcessTestCase",
      "RunFuncTestCase",
      "ContextManagerTests",
      "MiscTests",
      "test_preexec*",
      "test_close_fds*",
      "test_exception_*",
    ],
  },
  {
    name: "test_signal",
    match: ["PosixTests", "WakeupSignalTests", "WakeupSocketSignalTests", "RaiseSignalTest", "GenericTests"],
  },
  { name: "test_gc" },
  { name: "test_weakref", ignore: ["MappingTestCase"] },
  { name: "test_atexit" },
  { name: "test_sys" },
  { name: "test_sys_settrace" },
  { name: "test_sys_setprofile" },
  { name: "test_monitoring", versions: ["3.12", "3.13"] },
  { name: "test_frame" },
  {
    name: "test_logging",
    ignore: [
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
  },
  { name: "test_traceback" },
  { name: "test_exceptions" },
  { name: "test_exception_group", versions: ["3.11", "3.12", "3.13"] },
  { name: "test_json" },
  { name: "test_contextlib" },
  { name: "test_contextlib_async" },
  { name: "test_functools" },
  { name: "test_generators" },
  { name: "test_coroutines" },
  { name: "test_inspect" },
  { name: "test_runpy" },
  { name: "test_os", ignore: ["TestSendfile", "TestScandir"] },
  { name: "test__xxsubinterpreters", versions: ["3.9", "3.10", "3.11", "3.12"] },
  { name: "test_interpreters", versions: ["3.13"] },
  {
    name: "test_asyncio.test_tasks",
  },
  { name: "test_asyncio.test_locks" },
  { name: "test_asyncio.test_runners", versions: ["3.11", "3.12", "3.13"] },
  { name: "test_asyncio.test_taskgroups", versions: ["3.11", "3.12", "3.13"] },
];

/** The modules this version ships. */
export function sliceFor(version: string, only?: string[]): TestModule[] {
  return SLICE.filter(
    (module) =>
      (!module.versions || module.versions.includes(version)) && (!only || only.includes(module.name)),
  );
}

export interface RegrtestFiles {
  /** where regrtest writes its JUnit XML */
  junit: string;
  /** regrtest's own working directory (--tempdir) */
  tempdir: string;
}

/**
 * `python -m test …` for one module: in the one process (no -j, so the tests run in the debugged
 * process itself), a fixed random seed, results as JUnit XML. `onlyTests` narrows a retry.
 */
export function regrtestArgs(module: TestModule, files: RegrtestFiles, onlyTests?: string[]): string[] {
  const args = ["-m", "test", module.name, "--randseed", "1", "--timeout", "300"];
  args.push("--junit-xml", files.junit, "--tempdir", files.tempdir);
  if (onlyTests) {
    // a test id is taken literally: glob characters in it match themselves only as `?`
    for (const id of onlyTests) args.push("-m", id.replace(/[[\]*?]/g, "?"));
    return args;
  }
  for (const pattern of module.match ?? []) args.push("-m", pattern);
  for (const pattern of module.ignore ?? []) args.push("-i", pattern);
  return args;
}
