"""Started by Python in processes whose PYTHONPATH holds pdap's directory (programs pdap launched and
their children). It debugs the process when its parent asked for it (see pdap/children.py), then runs
the sitecustomize module this one shadows, if there is one."""
import os
import sys


def _debug_this_child() -> None:
    if not os.environ.get("PDAP_SUBPROCESS"):
        return
    try:
        from pdap import children

        children.start_child()
    except Exception as exc:  # a debugger fault must never stop the program from starting
        sys.stderr.write("pdap: cannot debug this child process: %s\n" % exc)


def _run_shadowed() -> None:
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_debug_this_child()
_run_shadowed()
