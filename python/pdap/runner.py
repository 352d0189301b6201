"""Running the user's program as `python app.py`, `python -m module` or `python -c code` would."""
from __future__ import annotations

import builtins
import importlib.machinery
import os
import sys
import types
from types import CodeType, TracebackType
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import isolation
from .sources import PDAP_DIR


def _fresh_main(filename: Optional[str]) -> Dict[str, Any]:
    """A __main__ module as Python makes one: the same attributes, in the same order."""
    main = types.ModuleType("__main__")
    ns = main.__dict__
    if filename is not None:
        ns["__loader__"] = importlib.machinery.SourceFileLoader("__main__", filename)
    else:
        ns["__loader__"] = importlib.machinery.BuiltinImporter  # what `python -c` has
    ns["__annotations__"] = {}
    ns["__builtins__"] = builtins
    if filename is not None:
        ns["__file__"] = filename
        ns["__cached__"] = None
    sys.modules["__main__"] = main
    return ns


def prepare_file(path: str, args: List[str]) -> Tuple[CodeType, Dict[str, Any]]:
    path = os.path.abspath(path)
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(path)
    isolation.unshadow()  # the program's directory now stands where `python -m pdap` had put the cwd
    return code, _fresh_main(path)


def prepare_module(name: str, args: List[str]) -> None:
    sys.argv = [name, *args]  # runpy replaces argv[0] with the module's file
    sys.path[0] = os.getcwd()
    isolation.unshadow()
    _fresh_main(None)  # runpy runs the module in __main__'s dict: a fresh one, not python -m pdap's own


def prepare_code(text: str, args: List[str]) -> Tuple[CodeType, Dict[str, Any]]:
    sys.argv = ["-c", *args]
    sys.path[0] = ""
    isolation.unshadow()
    return compile(text, "<string>", "exec", dont_inherit=True), _fresh_main(None)


def without_pdap_frames(hook: Callable[..., Any]) -> Callable[..., Any]:
    """sys.excepthook for an exception that ends the program: the traceback Python prints starts
    where the program's code does, as without pdap (the frames of `python -m pdap` are cut)."""

    def excepthook(kind: type, value: BaseException, tb: Optional[TracebackType]) -> Any:
        start = tb
        while tb is not None:
            if os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == PDAP_DIR:
                start = tb.tb_next  # the last of pdap's frames: the program's stack begins after it
            tb = tb.tb_next
        sys.excepthook = hook
        return hook(kind, value.with_traceback(start), start)

    return excepthook
