"""Writing changed local variables back into a running frame.

Up to 3.12 `frame.f_locals` is a snapshot dict; the fast locals change only through
PyFrame_LocalsToFast. From 3.13 (PEP 667) f_locals is a write-through proxy and nothing is needed.
"""
from __future__ import annotations

import ctypes
import sys
from types import FrameType
from typing import Any, Mapping

_WRITE_THROUGH = sys.version_info >= (3, 13)


def write_back(frame: FrameType, local_ns: Mapping[str, Any]) -> None:
    # never touch frame.f_locals here: reading it refreshes the snapshot and drops the changes
    if _WRITE_THROUGH or local_ns is frame.f_globals:
        return
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))
