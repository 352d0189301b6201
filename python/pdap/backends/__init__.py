"""Tracer backends: one interface, one module per CPython mechanism.

monitoring.py uses sys.monitoring (PEP 669, Python 3.12+); settrace.py uses sys.settrace (every
version). The debugger core never asks which one runs; version differences live here.
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..debugger import Debugger
    from .base import Backend


def available() -> list:
    names = ["settrace"]
    if hasattr(sys, "monitoring"):
        names.insert(0, "monitoring")
    return names


def create(debugger: "Debugger", name: str = "") -> "Backend":
    """The backend asked for (argument, then PDAP_BACKEND), else the fastest one this Python has."""
    wanted = name or os.environ.get("PDAP_BACKEND", "")
    names = available()
    if wanted and wanted not in names:
        raise ValueError("tracer backend %r is not available on Python %s (have: %s)"
                         % (wanted, sys.version.split()[0], ", ".join(names)))
    chosen = wanted or names[0]
    if chosen == "monitoring":
        from .monitoring import MonitoringBackend
        return MonitoringBackend(debugger)
    from .settrace import SettraceBackend
    return SettraceBackend(debugger)
