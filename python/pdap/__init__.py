"""pdap: the in-process agent of the pdap debugger (standard library only).

In code, as with debugpy:  import pdap; pdap.listen(5678); pdap.wait_for_client(); pdap.breakpoint()
"""
from __future__ import annotations

import os
import sys

from . import isolation

with isolation.imports():  # a typing.py beside the program is not ours
    from typing import Optional, Tuple

__version__ = "0.1.0"  # pdap's one version: package.json and vscode/package.json say the same

__all__ = ["listen", "connect", "wait_for_client", "is_client_connected", "breakpoint", "enable_attach"]


def load_agent() -> None:
    """Imports the agent on first use with its modules cached in __pycache__, even when
    PYTHONDONTWRITEBYTECODE is set (common in containers): compiling them from source would cost
    every debugged process about 50 ms at start. Only this import is affected; the flag is put
    back at once, so the program's own modules are never cached by us."""
    if "pdap.agent" in sys.modules:
        return
    saved = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        with isolation.imports():  # the standard library's modules, never the program's same-named files
            from . import agent  # noqa: F401
    finally:
        sys.dont_write_bytecode = saved
    _cache_bytecode()


def _cache_bytecode() -> None:
    """Writes the __pycache__ files of pdap's modules that the import above could not: those Python
    imported before any of pdap's code ran (this package, isolation, __main__, the sitecustomize
    beside it) and those imported later (a backend, children, runner). Checking costs a few stat()
    calls; compiling happens once per Python version, or after pdap's files change. An installation
    that is not writable stays as it is (its modules are then compiled in every process, as before)."""
    try:
        package = os.path.dirname(os.path.abspath(__file__))
        sources = [os.path.join(package, name) for name in os.listdir(package) if name.endswith(".py")]
        backends = os.path.join(package, "backends")
        sources += [os.path.join(backends, name) for name in os.listdir(backends) if name.endswith(".py")]
        site = os.path.join(os.path.dirname(package), "sitecustomize.py")
        if os.path.isfile(site) and _is_ours(site):
            sources.append(site)
        from importlib.util import cache_from_source

        stale = []
        for source in sources:
            cached = cache_from_source(source)
            try:
                if os.stat(cached).st_mtime >= os.stat(source).st_mtime:
                    continue
            except OSError:
                pass
            if not os.access(os.path.dirname(cached) if os.path.isdir(os.path.dirname(cached))
                             else os.path.dirname(source), os.W_OK):
                return
            stale.append((source, cached))
        if not stale:
            return
        with isolation.imports():
            import py_compile
        for source, cached in stale:
            try:
                py_compile.compile(source, cached, doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
            except py_compile.PyCompileError:
                continue  # not this Python's syntax: it is never imported here
    except Exception:
        pass  # the cache is an optimisation: without it every module still loads from source


def _is_ours(path: str) -> bool:
    """The sitecustomize.py next to the package is pdap's in the adapter's copy of the agent; a pip
    installation has none of its own there (another package's may be)."""
    try:
        with open(path, "rb") as f:
            return b"PDAP_SUBPROCESS" in f.read(4096)
    except OSError:
        return False


def listen(address: "int | str | Tuple[str, int]", token: Optional[str] = None) -> Tuple[str, int]:
    """Start accepting debug clients on [HOST:]PORT (loopback unless a host is given). Returns (host, port).

    Clients must present `token` (default: env PDAP_TOKEN). On a non-loopback address a token is
    required: without one, one is generated and printed on stderr. Raises OSError if the address
    cannot be bound (for example a port in use).
    """
    load_agent()
    from .agent import get_agent, parse_address
    if isinstance(address, tuple):
        host, port = address
    else:
        host, port = parse_address(str(address))
    agent = get_agent()
    agent.start_tracing()
    bound = agent.listen(host, int(port), token if token is not None else os.environ.get("PDAP_TOKEN"))
    agent.report_exit_at_interpreter_exit()
    return bound


def connect(address: "str | Tuple[str, int]", token: Optional[str] = None) -> None:
    """Dial a pdap adapter that waits for agents (an attach with `listen`, or pdap adapter --listen-for-agents).

    Raises ConnectionError when the adapter cannot be reached or refuses the token (default: env PDAP_TOKEN).
    """
    load_agent()
    from .agent import get_agent, parse_address
    host, port = address if isinstance(address, tuple) else parse_address(str(address))
    agent = get_agent()
    agent.start_tracing()
    agent.connect(host, int(port), token if token is not None else os.environ.get("PDAP_TOKEN"))
    agent.report_exit_at_interpreter_exit()


def wait_for_client(timeout: Optional[float] = None) -> bool:
    """Block until a client has attached and finished configuring (its breakpoints are set).

    Returns False if `timeout` seconds passed first.
    """
    load_agent()
    from .agent import get_agent
    agent = get_agent()
    if agent.listening is None and agent.link is None:
        raise RuntimeError("pdap.wait_for_client(): call pdap.listen() or pdap.connect() first")
    return agent.configured.wait(timeout)


def is_client_connected() -> bool:
    load_agent()
    from .agent import _agent
    return _agent is not None and _agent.client_connected.is_set()


def breakpoint(*args: object, **kwargs: object) -> None:
    """Stop here when a client is attached; do nothing otherwise (PYTHONBREAKPOINT=pdap.breakpoint)."""
    load_agent()
    from .agent import _agent
    if _agent is None or not _agent.client_connected.is_set():
        return
    try:
        _agent.debugger.break_in_caller(sys._getframe(1))
    except Exception as exc:  # a debugger fault never reaches the program
        _agent.debugger.fault("pdap.breakpoint()", exc)


def enable_attach(signal: "int | str | None" = None) -> None:
    """Let `pdap attach --pid PID` attach to this process later, by a signal (default SIGUSR2).

    Nothing runs until that signal comes: then the agent listens on a loopback port with a fresh
    token, written to /tmp/pdap-UID/attach-PID.json (only this user can read it). Raises
    RuntimeError if the program already handles the signal (pdap never replaces its handler).
    """
    from .attach_by_pid import enable_attach as enable

    enable(signal)
