"""Running the user's program as `python app.py`, `python -m module` or `python -c code` would."""
from __future__ import annotations

import os
import runpy
import sys
import traceback
import types
from typing import List, Optional

from . import isolation
from .sources import PDAP_DIR


def _fresh_main(filename: Optional[str]) -> types.ModuleType:
    main = types.ModuleType("__main__")
    if filename is not None:
        main.__file__ = filename
    main.__builtins__ = __builtins__  # type: ignore[attr-defined]
    main.__loader__ = None  # type: ignore[assignment]
    main.__spec__ = None
    sys.modules["__main__"] = main
    return main


def run_file(path: str, args: List[str]) -> None:
    path = os.path.abspath(path)
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(path)
    isolation.unshadow()  # the program's directory now stands where `python -m pdap` had put the cwd
    main = _fresh_main(path)
    exec(code, main.__dict__)


def run_module(name: str, args: List[str]) -> None:
    sys.argv = [name, *args]  # runpy replaces argv[0] with the module's file
    sys.path[0] = os.getcwd()
    isolation.unshadow()
    runpy._run_module_as_main(name, alter_argv=True)  # type: ignore[attr-defined]


def run_code(text: str, args: List[str]) -> None:
    sys.argv = ["-c", *args]
    sys.path[0] = ""
    isolation.unshadow()
    main = _fresh_main(None)
    exec(compile(text, "<string>", "exec", dont_inherit=True), main.__dict__)


def report_uncaught(exc: BaseException) -> None:
    """Print the traceback as Python would, without pdap's own frames."""
    tb = exc.__traceback__
    while tb is not None and (os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == PDAP_DIR
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen runpy")):
        tb = tb.tb_next
    try:
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
    except Exception:
        traceback.print_exception(type(exc), exc, tb)
