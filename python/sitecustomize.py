"""Started by Python in processes whose PYTHONPATH holds pdap's directory (programs pdap launched and
their children). It debugs the process when its parent asked for it (see pdap/children.py), then runs
the sitecustomize module this one shadows, if there is one.

Any Python may run this file (a debugged program can start Python 2.7), so it is written in syntax
that Python 2.7 reads, and it never writes to the process's own streams: what the user should know
goes to the debug session as a note. It does nothing inside a subinterpreter: the agent runs only in
the main interpreter of a process.
"""
import os
import sys

_ENV = "PDAP_SUBPROCESS"


def _in_main_interpreter():
    """True unless this code runs in a subinterpreter (the private modules that tell are per version)."""
    for name in ("_interpreters", "_xxsubinterpreters"):
        known = name in sys.modules
        try:
            module = __import__(name)
        except Exception:
            continue
        try:
            current, main = module.get_current(), module.get_main()
        except Exception:
            continue
        finally:
            if not known:
                sys.modules.pop(name, None)  # the program's modules stay as they were
        return current == main
    return True  # no way to tell (another implementation): subinterpreters are CPython's


def _note(text):
    """Tells the launching debug session (not the program's streams) why this child is not debugged."""
    try:
        import json
        import socket

        target = json.loads(os.environ[_ENV])
        body = {"token": target.get("token", ""), "pid": os.getpid(), "text": text}
        payload = json.dumps({"seq": 1, "type": "request", "command": "childNote", "arguments": body})
        payload = payload.encode("utf-8")
        sock = socket.create_connection((target["host"], int(target["port"])), 5)
        try:
            sock.sendall(("Content-Length: %d\r\n\r\n" % len(payload)).encode("ascii") + payload)
            sock.recv(4096)  # the answer: the note has been read
        finally:
            sock.close()
    except Exception:
        pass  # nobody to tell: the child runs on undebugged, silently as without pdap


def _debug_this_child():
    if not os.environ.get(_ENV) or not _in_main_interpreter():
        return
    if sys.version_info < (3, 9):
        _note("child %d runs undebugged: pdap needs Python 3.9 or newer; %s is %d.%d"
              % (os.getpid(), sys.executable, sys.version_info[0], sys.version_info[1]))
        return
    try:
        import pdap

        with pdap.isolation.imports():  # none of the program's files, whatever they are named
            from pdap import children
        children.start_child()
    except Exception as exc:  # a debugger fault must never stop the program from starting
        _note("child %d runs undebugged: %s" % (os.getpid(), exc))


def _run_shadowed():
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if sys.version_info < (3, 4):
        import imp

        try:
            found = imp.find_module("sitecustomize", rest)
        except ImportError:
            return
        sys.modules["sitecustomize"] = imp.load_module("sitecustomize", *found)
        return
    import importlib.machinery

    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        import importlib.util  # only now: on 3.9 it brings typing and re (~10 ms in every process)

        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)  # type: ignore[attr-defined]  # every path loader has it


def _enable_attach():
    """PDAP_ATTACH=1: this process may be attached by its id later (`pdap attach --pid`)."""
    if os.environ.get("PDAP_ATTACH") and sys.version_info >= (3, 9) and _in_main_interpreter():
        try:
            __import__("pdap.attach_by_pid").attach_by_pid.enable_from_environment()
        except Exception:
            pass  # enable_from_environment says why in the attach file; the program starts regardless


_debug_this_child()
_enable_attach()
_run_shadowed()
