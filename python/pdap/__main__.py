"""python -m pdap [--listen [HOST:]PORT | --connect HOST:PORT] [options] (FILE | -m MODULE | -c CODE) [ARGS...]"""
from __future__ import annotations

import os
import sys

from . import isolation

with isolation.imports():  # the program's directory is on sys.path: none of its files are ours
    import threading
    from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set

if TYPE_CHECKING:
    from .agent import Agent

USAGE = (__doc__ or "").strip() + """

options:
  --listen [HOST:]PORT   accept debug clients on this address (loopback by default; port 0: any free
                         port). Clients may detach and attach again while the program runs.
  --connect HOST:PORT    dial an adapter that listens on this address; the program starts once
                         that client has configured (or the link is gone)
  --wait-for-client      do not start the program until a client has attached and configured
  --token TOKEN          access token clients must present (better: env PDAP_TOKEN, not visible in
                         ps). A non-loopback --listen without one generates and prints one.
  --backend NAME         force a tracer backend: monitoring (3.12+) or settrace
  --stop-on-entry        stop at the first line of the program
  --unbuffered           write stdout/stderr through at once (the adapter asks for it)
"""

VALUE_OPTIONS = {"--listen", "--connect", "--token", "--backend"}
FLAG_OPTIONS = {"--wait-for-client", "--stop-on-entry", "--unbuffered"}


class Options:
    listen: Optional[str] = None
    connect: Optional[str] = None
    token: Optional[str] = None
    backend: Optional[str] = None
    wait_for_client = False
    stop_on_entry = False
    unbuffered = False
    kind = ""
    target = ""
    args: List[str] = []


def parse(argv: List[str]) -> Options:
    opts = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(0)
        if arg in ("-m", "-c"):
            if i + 1 >= len(argv):
                raise SystemExit("pdap: %s needs an argument\n\n%s" % (arg, USAGE))
            opts.kind, opts.target, opts.args = arg, argv[i + 1], argv[i + 2:]
            return opts
        name, eq, inline = arg.partition("=")
        if name in VALUE_OPTIONS:
            if eq:
                value = inline
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                raise SystemExit("pdap: %s needs a value\n\n%s" % (name, USAGE))
            setattr(opts, name[2:].replace("-", "_"), value)
        elif arg in FLAG_OPTIONS:
            setattr(opts, arg[2:].replace("-", "_"), True)
        elif arg.startswith("-"):
            raise SystemExit("pdap: unknown option %s\n\n%s" % (arg, USAGE))
        else:
            opts.kind, opts.target, opts.args = "file", arg, argv[i + 1:]
            return opts
        i += 1
    raise SystemExit("pdap: nothing to run: give a FILE, -m MODULE or -c CODE\n\n%s" % USAGE)


def _strip_own_path() -> None:
    """`python -m pdap` put pdap's directory on sys.path; the program should not see it."""
    own = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # only a directory that PYTHONPATH added: an installed pdap lives in site-packages, which stays
    from_env = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if own not in (os.path.abspath(p) for p in from_env if p):
        return
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != own or p == ""]


def _stop_uncaught(agent: "Agent", exc: BaseException) -> None:
    """Give the client a look at an exception that ends the program, before it is printed."""
    if agent.client_connected.is_set():
        try:
            agent.debugger.on_uncaught(exc)
        except Exception as err:
            agent.debugger.fault("uncaught exception", err)


class Prepared:
    """The program, ready to run: compiled code and its __main__ namespace, or a module for runpy."""

    def __init__(self, agent: "Agent", code: Any = None, namespace: Optional[Dict[str, Any]] = None,
                 module: Optional[str] = None) -> None:
        self.agent = agent
        self.code = code
        self.namespace = namespace
        self.module = module


def prepare(argv: List[str]) -> Prepared:
    """Everything before the program's first line: the agent, its client, the program's __main__.
    Exits (2) when the agent cannot start. The program itself runs at this module's top level,
    so that its stack holds as few of pdap's frames as `python -m pdap` allows."""
    opts = parse(argv)
    from . import load_agent

    with isolation.imports():
        from . import runner

    load_agent()
    from .agent import get_agent, parse_address

    if opts.unbuffered:
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(write_through=True)
    env_token = os.environ.pop("PDAP_TOKEN", None)  # the program and its children do not see it
    token = opts.token or env_token
    try:
        agent = get_agent(opts.backend or "")
        agent.program_argv = [opts.target if opts.kind != "-c" else "-c", *opts.args]
        agent.start_tracing()
        if opts.connect:
            host, port = parse_address(opts.connect)
            agent.connect(host, port, token)
        elif opts.listen:
            host, port = parse_address(opts.listen)
            bound = agent.listen(host, port, token)
            sys.stderr.write("pdap: listening on %s:%d\n" % bound[:2])
            sys.stderr.flush()
    except (OSError, ValueError, RuntimeError) as exc:
        sys.stderr.write("%s\n" % exc)
        sys.exit(2)
    try:
        if opts.connect:
            agent.wait_for_configuration(while_linked=True)
        elif opts.wait_for_client:
            agent.wait_for_configuration()
    except KeyboardInterrupt:
        sys.stderr.write("pdap: interrupted while waiting for a client\n")
        sys.exit(130)
    if opts.stop_on_entry or agent.options.get("stopOnEntry"):
        if agent.client_connected.is_set():
            agent.debugger.step_in_at_start()
    if opts.kind == "-c":
        agent.debugger.filter.user_files.add("<string>")
    _strip_own_path()
    if opts.kind == "-m":
        runner.prepare_module(opts.target, opts.args)
        return Prepared(agent, module=opts.target)
    if opts.kind == "-c":
        code, namespace = runner.prepare_code(opts.target, opts.args)
    else:
        code, namespace = runner.prepare_file(opts.target, opts.args)
    return Prepared(agent, code, namespace)


def finish(agent: "Agent", exc: Optional[BaseException]) -> None:
    """The program ended (exc: what ended it, None at its last line): tell the client, then let
    Python end the process exactly as it would have (exit status, traceback, death by SIGINT)."""
    from pdap import runner

    if isinstance(exc, SystemExit):
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    elif isinstance(exc, KeyboardInterrupt):
        code = 130  # what a shell reports; the process itself dies by SIGINT, as without pdap
    elif exc is not None:
        code = 1
    else:
        code = 0
    if exc is not None and not isinstance(exc, SystemExit):
        _stop_uncaught(agent, exc)
        sys.excepthook = runner.without_pdap_frames(sys.excepthook)
    _wait_for_program_threads(agent.debugger.agent_threads)
    agent.report_exit(code)


def _wait_for_program_threads(own: Set[int]) -> None:
    """Python waits for non-daemon threads before it exits; do it before reporting the exit, so a
    client is told `exited` only when the program really is done."""
    try:
        for thread in threading.enumerate():
            if thread is threading.current_thread() or thread.daemon or thread.ident in own:
                continue
            thread.join()
    except KeyboardInterrupt:
        pass
    except Exception:
        pass


if __name__ == "__main__":
    # The program runs here, at the top level: no function of pdap's stands between it and runpy.
    _prepared = prepare(sys.argv[1:])
    try:
        if _prepared.module is not None:
            import runpy as _runpy

            _runpy._run_module_as_main(_prepared.module, alter_argv=True)  # type: ignore[attr-defined]
        else:
            exec(_prepared.code, _prepared.namespace)
    except BaseException as _ended:
        finish(_prepared.agent, _ended)
        del _ended
        raise  # Python prints it (without pdap's frames) and exits with the program's status
    finish(_prepared.agent, None)
