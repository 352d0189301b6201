"""pdap's imports and the program's never meet.

A program may sit beside files named like standard modules (token.py, json.py, secrets.py holding
its settings). Under plain Python its `import secrets` finds its own file; pdap imports standard
modules the program may never import, and must neither pick up the program's file (which breaks
the debugger before the program starts) nor leave the standard one in sys.modules where the
program's own import would find it instead of its file.

So pdap imports with only the standard library and pdap's own directory on sys.path (`imports()`),
with the program's same-named modules set aside meanwhile; and every standard module pdap brought
in that the program's path would resolve to another file is taken out of sys.modules again
(`unshadow()`; pdap keeps its own references). `python -m pdap` calls unshadow() once more when the
program's directory takes its place on sys.path.

Only os and sys are imported here: both are loaded before any user code could shadow them.
"""
import os
import sys

_STDLIB = os.path.dirname(os.path.abspath(os.__file__))  # os always comes from the standard library
_PDAP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SITE_DIRS = ("site-packages", "dist-packages")
_ours = set()  # top-level names of the modules pdap's imports brought into sys.modules
_kept = {}  # the standard modules unshadow() took out of sys.modules, for stdlib()
_depth = 0


def _is_stdlib_entry(entry):
    path = os.path.abspath(entry or ".")
    if path.endswith(".zip"):
        return os.path.basename(path).startswith("python")  # the interpreter's own pythonXY.zip
    if not (path == _STDLIB or path.startswith(_STDLIB + os.sep)):
        return False
    return not any(part in _SITE_DIRS for part in path[len(_STDLIB):].split(os.sep))


_origins = {}  # an absolute __file__ -> whether it is the standard library's (asked for every module, often)
_listings = {}  # a program directory -> (its mtime, the first dotted part of each name in it)
_stdlib_names = {}  # 3.9: a top-level name -> whether the standard library has a module of that name
_FOLD_CASE = sys.platform.startswith(("win", "cygwin", "darwin"))  # where a file's name may differ in case


def _is_stdlib_module(module):
    origin = getattr(module, "__file__", None)
    if not isinstance(origin, str):
        return True  # built in or frozen: nothing on disk can replace it
    verdict = _origins.get(origin)
    if verdict is None:
        path = os.path.abspath(origin)
        verdict = path.startswith(_STDLIB + os.sep) and not any(part in _SITE_DIRS for part in path.split(os.sep))
        if os.path.isabs(origin):  # a relative one depends on the working directory
            _origins[origin] = verdict
    return verdict


def _program_entries():
    """sys.path entries ahead of the standard library: where the program's own modules come from."""
    entries = []
    for entry in sys.path:
        if not isinstance(entry, str) or _is_stdlib_entry(entry):
            break
        if os.path.abspath(entry or ".") != _PDAP_ROOT:
            entries.append(entry)
    return entries


class imports:
    """`with imports():` pdap's own imports see the standard library and pdap, nothing of the program's."""

    def __enter__(self):
        global _depth
        _depth += 1
        if _depth > 1:
            return self
        self._path = list(sys.path)
        self._before = set(sys.modules)
        self._set_aside = {}
        known = getattr(sys, "stdlib_module_names", None)  # 3.10+: a cheap first look
        for name, module in list(sys.modules.items()):
            if "." in name or (known is not None and name not in known):
                continue
            if not _is_stdlib_module(module) and _names_stdlib(name):
                self._set_aside[name] = sys.modules.pop(name)
        stdlib = [entry for entry in self._path if isinstance(entry, str) and _is_stdlib_entry(entry)]
        sys.path[:] = [_PDAP_ROOT] + stdlib
        return self

    def __exit__(self, *exc_info):
        global _depth
        _depth -= 1
        if _depth:
            return False
        sys.path[:] = self._path
        for name in set(sys.modules) - self._before:
            top = name.partition(".")[0]
            if top != "pdap" and top not in self._before:
                _ours.add(top)
        sys.modules.update(self._set_aside)
        unshadow()
        return False


def _names_stdlib(name):
    names = getattr(sys, "stdlib_module_names", None)  # 3.10+
    if names is not None:
        return name in names
    known = _stdlib_names.get(name)
    if known is None:
        import importlib.machinery  # 3.9: ask the standard library's own directories

        stdlib = [entry for entry in sys.path if isinstance(entry, str) and _is_stdlib_entry(entry)]
        known = _stdlib_names[name] = importlib.machinery.PathFinder.find_spec(name, stdlib) is not None
    return known


def unshadow():
    """Takes out of sys.modules each standard module pdap imported that the program's path names otherwise."""
    entries = _program_entries()
    if not entries or not _ours:
        return
    import importlib.machinery

    for name in _could_be_found(entries, _ours):
        module = sys.modules.get(name)
        if module is None or not _is_stdlib_module(module):
            continue
        try:
            spec = importlib.machinery.PathFinder.find_spec(name, entries)
        except Exception:
            continue
        if spec is None:
            continue
        _kept[name] = module
        for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
            del sys.modules[loaded]
        _ours.discard(name)


def _could_be_found(entries, names):
    """The names the import system might find in these entries: in a directory, only those a file
    or directory there starts with (name.py, name/, name.cpython-312-x86_64-linux-gnu.so...), so
    that the rest cost no lookup; everything for an entry that is not a directory (a zip file)."""
    found = set()
    for entry in entries:
        directory = entry or "."
        try:
            mtime = os.stat(directory).st_mtime
        except OSError:
            continue  # nothing there: nothing found there
        listed = _listings.get(directory)
        if listed is None or listed[0] != mtime:
            try:
                stems = {item.partition(".")[0] for item in os.listdir(directory)}
                listed = (mtime, {stem.lower() for stem in stems} if _FOLD_CASE else stems)
            except NotADirectoryError:
                return list(names)
            except OSError:
                continue
            if os.path.isabs(directory):
                _listings[directory] = listed
        found.update(name for name in names if (name.lower() if _FOLD_CASE else name) in listed[1])
    return list(found)


def stdlib(name):
    """A standard module imported when first needed (a token check, a traceback), as imports() would."""
    module = _kept.get(name) or sys.modules.get(name)
    if module is not None and _is_stdlib_module(module):
        return module
    import importlib

    with imports():
        return importlib.import_module(name)
