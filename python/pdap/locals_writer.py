"""Reading and writing a running frame's local variables: the one place where Python versions differ.

Up to 3.12 `frame.f_locals` of a function is a snapshot dict, refreshed from the fast locals each
time it is read; a change reaches the running function only through PyFrame_LocalsToFast. From 3.13
(PEP 667) f_locals is a write-through proxy and a change is live at once. Module and class frames
use a real dict on every version.
"""
from __future__ import annotations

import ctypes
import sys
from types import FrameType
from typing import Any, MutableMapping


class _Snapshot:
    """3.9-3.12: write into the snapshot dict, then copy it into the fast locals and cells."""

    def __init__(self) -> None:
        self._to_fast = ctypes.pythonapi["PyFrame_LocalsToFast"]  # our own function object: argtypes are ours
        self._to_fast.argtypes = [ctypes.py_object, ctypes.c_int]
        self._to_fast.restype = None

    def namespace(self, frame: FrameType) -> MutableMapping[str, Any]:
        return frame.f_locals  # reading refreshes the snapshot from the running frame

    def write_back(self, frame: FrameType, local_ns: MutableMapping[str, Any]) -> None:
        # never read frame.f_locals here: that refreshes the snapshot and drops the changes
        if local_ns is not frame.f_globals:
            self._to_fast(frame, 0)

    def set(self, frame: FrameType, name: str, value: Any) -> None:
        ns = frame.f_locals
        ns[name] = value
        self.write_back(frame, ns)


class _WriteThrough:
    """3.13+: frame.f_locals writes through to the running frame."""

    def namespace(self, frame: FrameType) -> MutableMapping[str, Any]:
        return frame.f_locals

    def write_back(self, frame: FrameType, local_ns: MutableMapping[str, Any]) -> None:
        pass

    def set(self, frame: FrameType, name: str, value: Any) -> None:
        frame.f_locals[name] = value


_writer = _WriteThrough() if sys.version_info >= (3, 13) else _Snapshot()


def namespace(frame: FrameType) -> MutableMapping[str, Any]:
    """The mapping to evaluate in as locals; pass it to write_back after running code in it."""
    return _writer.namespace(frame)


def write_back(frame: FrameType, local_ns: MutableMapping[str, Any]) -> None:
    """Make changes made in namespace(frame) live in the running frame."""
    _writer.write_back(frame, local_ns)


CO_OPTIMIZED = 0x0001


def set_name(frame: FrameType, name: str, value: Any) -> None:
    """`name = value` as if run in the frame: a local (or cell) if the function has one of that
    name, else an existing global, else a new name in the frame's locals."""
    code = frame.f_code
    if not code.co_flags & CO_OPTIMIZED:
        frame.f_locals[name] = value  # a module's globals or a class body's namespace: a real dict
    elif name in code.co_varnames or name in code.co_cellvars or name in code.co_freevars \
            or name in frame.f_locals:
        _writer.set(frame, name, value)
    elif name in frame.f_globals:
        frame.f_globals[name] = value
    else:
        _writer.set(frame, name, value)
