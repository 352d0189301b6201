"""Attach by process id, opted in ahead of time: `pdap.enable_attach()` or env PDAP_ATTACH=1.

enable_attach() installs a handler for one signal (SIGUSR2 unless told otherwise) and writes an
"armed" file, /tmp/pdap-UID/attach-PID.json (directory 0700, file 0600, both the user's own), that
tells `pdap attach --pid PID` the signal is ours to send: a process without it would die of the
signal. On the signal the agent starts listening on a loopback port with a fresh token, and the file
is rewritten with {state: listening, host, port, token}. A later attach finds it listening and
connects straight away. The file goes when the process ends.

The handler runs as every Python signal handler does: in the main thread, between two bytecodes,
never in the C signal context. It loads the agent (not before: opting in costs a process only this
module), starts tracing there (sys.settrace before 3.12 must be called by the thread it traces) and
hands the listening to an agent thread.
"""
from __future__ import annotations

import os
import sys

from . import isolation

with isolation.imports():  # the standard library's modules, never the program's same-named files
    import atexit
    import json
    import signal
    import stat
    from typing import Any, Dict, Optional

ENV = "PDAP_ATTACH"
DEFAULT_SIGNAL = "SIGUSR2"

_armed: Optional[Dict[str, Any]] = None  # what this process's file says, once enable_attach() ran


def state_dir() -> str:
    """/tmp/pdap-UID: fixed (not TMPDIR, not XDG_RUNTIME_DIR) so the attaching side finds it
    whatever its own environment is."""
    return "/tmp/pdap-%d" % os.getuid()


def state_file(pid: int) -> str:
    return os.path.join(state_dir(), "attach-%d.json" % pid)


def start_time(pid: int) -> Optional[str]:
    """The process's start time in clock ticks (/proc/PID/stat field 22): tells a reused pid apart."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as stat:
            text = stat.read().decode("ascii", "replace")
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()[19]  # the fields after "pid (comm) "; 22 is the 20th


def signal_number(name: "int | str | None") -> int:
    """SIGUSR2, "USR2", "SIGUSR1" or a number; ValueError with the reason otherwise."""
    if name is None or name == "" or name == "1":
        name = DEFAULT_SIGNAL
    if isinstance(name, int) or str(name).isdigit():
        return int(name)
    text = str(name).upper()
    found = getattr(signal, text if text.startswith("SIG") else "SIG" + text, None)
    if not isinstance(found, int):
        raise ValueError("pdap: no signal named %s" % name)
    return int(found)


def _private_dir() -> str:
    """Creates /tmp/pdap-UID, or checks that the one there is ours alone (not a symlink, mode 0700)."""
    directory = state_dir()
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError("pdap: %s is not a directory only this user can use (owner uid %d, mode %o)"
                              % (directory, info.st_uid, info.st_mode & 0o777))
    return directory


def _write(content: Dict[str, Any]) -> None:
    """Replaces the file at once (a reader sees the old or the new one, never half), mode 0600."""
    path = state_file(os.getpid())
    temporary = path + ".tmp"
    _private_dir()
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(content, out)
    os.replace(temporary, path)


def _remove() -> None:
    try:
        if _armed is not None and _armed.get("pid") == os.getpid():
            os.unlink(state_file(os.getpid()))
    except OSError:
        pass


def enable_attach(signum: "int | str | None" = None) -> None:
    """Let `pdap attach --pid` (or a DAP attach with processId) attach to this process later.

    Raises RuntimeError when the signal already has a handler the program set: pdap never replaces
    one (the program's own use of the signal would break), so choose another signal.
    """
    global _armed
    if os.name != "posix":
        raise RuntimeError("pdap.enable_attach(): attach by signal needs a POSIX system")
    number = signal_number(signum)
    name = signal.Signals(number).name
    if _armed is not None and _armed["pid"] == os.getpid():
        if _armed["signal"] == number:
            return
        raise RuntimeError("pdap.enable_attach(): already enabled with %s" % _armed["signalName"])
    current = signal.getsignal(number)
    if current not in (signal.SIG_DFL, None):
        raise RuntimeError("pdap.enable_attach(): the program already handles %s (%r); pdap leaves it alone: "
                           "pass another signal, e.g. pdap.enable_attach('SIGUSR1'), or set PDAP_ATTACH=SIGUSR1"
                           % (name, current))
    signal.signal(number, _on_signal)
    _armed = {"state": "armed", "pid": os.getpid(), "startTime": start_time(os.getpid()),
              "signal": number, "signalName": name, "python": sys.version.split()[0],
              "executable": sys.executable}
    _write(_armed)
    atexit.register(_remove)
    os.register_at_fork(after_in_child=_rearm_in_child)
    _prune()


def _prune() -> None:
    """Removes the files of processes that are gone (killed, or ended by os._exit: no atexit)."""
    try:
        names = os.listdir(state_dir())
    except OSError:
        return
    for name in names:
        if not (name.startswith("attach-") and name.endswith(".json")):
            continue
        try:
            os.kill(int(name[7:-5]), 0)
        except ProcessLookupError:
            try:
                os.unlink(os.path.join(state_dir(), name))
            except OSError:
                pass
        except (ValueError, OSError):
            pass  # not a pid, or a live process we may not signal


def _rearm_in_child() -> None:
    """A forked child (a worker of a pre-forking server, say) keeps the handler: it gets a file of
    its own, so that it can be attached by its own pid. It is not listening, even if its parent was."""
    global _armed
    if _armed is None:
        return
    _armed = dict(_armed, state="armed", pid=os.getpid(), startTime=start_time(os.getpid()))
    for key in ("host", "port", "token"):
        _armed.pop(key, None)
    try:
        _write(_armed)
    except OSError:
        pass


def enable_from_environment() -> None:
    """PDAP_ATTACH=1 (SIGUSR2) or PDAP_ATTACH=SIGNAL. A refusal is recorded in the file, for the
    attaching side to show: the program's own streams are never written to."""
    wanted = os.environ.get(ENV, "")
    if not wanted or wanted == "0":
        return
    try:
        enable_attach(wanted)
    except Exception as exc:
        try:
            _write({"state": "refused", "pid": os.getpid(), "startTime": start_time(os.getpid()),
                    "reason": str(exc)})
        except Exception:
            pass


def start_injected() -> None:
    """Run by `pdap attach --pid` through ptrace (gdb) in a process that did not opt in: as a pending
    call, so in the main thread at a point where Python may run, like a signal handler. No signal
    handler is installed; the file says how the agent listens, as for an opted-in process."""
    global _armed
    from . import load_agent

    load_agent()
    from .agent import get_agent

    if _armed is None or _armed.get("pid") != os.getpid():
        _armed = {"state": "armed", "pid": os.getpid(), "startTime": start_time(os.getpid()),
                  "signal": None, "signalName": None, "python": sys.version.split()[0],
                  "executable": sys.executable, "injected": True}
        atexit.register(_remove)
    agent = get_agent()
    if agent.listening is not None and state_of_file() != "listening":
        _write(dict(_armed, state="refused",
                    reason="the program already listens for pdap clients (pdap.listen() or python -m pdap --listen): "
                    "attach to that address with its token"))
        return
    _on_signal(0, None)


def state_of_file() -> Optional[str]:
    try:
        with open(state_file(os.getpid())) as file:
            return json.load(file).get("state")
    except (OSError, ValueError):
        return None


def _on_signal(signum: int, frame: Any) -> None:
    """Loads the agent on first use (so that opting in costs a process almost nothing at start),
    starts tracing here in the main thread, and leaves the listening to an agent thread. A fault
    never reaches the program: it is written to the file for the attaching side to show."""
    try:
        from . import load_agent

        load_agent()
        from .agent import get_agent

        agent = get_agent()
        if agent.listening is not None or agent.link is not None:
            return  # already reachable (or already debugged): the file says how
        agent.start_tracing()
        agent.spawn(_listen)
    except Exception as exc:
        try:
            _write(dict(_armed or {}, state="failed", reason="the agent did not start: %r" % (exc,)))
        except Exception:
            pass


def _listen() -> None:
    """On an agent thread: listen on loopback with a fresh token and say so in the file."""
    from .agent import get_agent

    secrets = isolation.stdlib("secrets")
    token = secrets.token_urlsafe(24)
    agent = get_agent()
    try:
        host, port = agent.listen("127.0.0.1", 0, token)
    except OSError as exc:
        _write(dict(_armed or {}, state="failed", reason=str(exc)))
        return
    agent.report_exit_at_interpreter_exit()
    _write(dict(_armed or {}, state="listening", host=host, port=port, token=token))
