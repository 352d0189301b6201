"""python -m pdap [--listen [HOST:]PORT | --connect HOST:PORT] [options] (FILE | -m MODULE | -c CODE) [ARGS...]"""
from __future__ import annotations

import os
import sys
import threading
from typing import List, Optional, Set, Tuple

USAGE = __doc__.strip() + """

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


def main(argv: List[str]) -> int:
    opts = parse(argv)
    from . import runner
    from . import load_agent

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
        return 2
    try:
        if opts.connect:
            agent.wait_for_configuration(while_linked=True)
        elif opts.wait_for_client:
            agent.wait_for_configuration()
    except KeyboardInterrupt:
        sys.stderr.write("pdap: interrupted while waiting for a client\n")
        return 130
    if opts.stop_on_entry or agent.options.get("stopOnEntry"):
        if agent.client_connected.is_set():
            agent.debugger.step_in_at_start()
    if opts.kind == "-c":
        agent.debugger.filter.user_files.add("<string>")
    _strip_own_path()
    run = {"file": runner.run_file, "-m": runner.run_module, "-c": runner.run_code}[opts.kind]
    code = 0
    try:
        run(opts.target, opts.args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    except KeyboardInterrupt as exc:
        _stop_uncaught(agent, exc)
        runner.report_uncaught(exc)
        code = 130
    except BaseException as exc:
        _stop_uncaught(agent, exc)
        runner.report_uncaught(exc)
        code = 1
    finally:
        _wait_for_program_threads(agent.debugger.agent_threads)
        agent.report_exit(code)
    return code


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
    sys.exit(main(sys.argv[1:]))
