"""A PEP 517 build backend for the pdap agent, standard library only: the wheel holds the `pdap`
package (not sitecustomize.py, which only the adapter's own copy of the agent puts on PYTHONPATH).
The version is pdap.__version__, shared with the npm package and the VS Code extension."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(HERE, "pdap")
NAME = "pdap"
SUMMARY = "The in-process agent of pdap, a fast Python debugger speaking the Debug Adapter Protocol"


def version() -> str:
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        raise RuntimeError("pdap/__init__.py has no __version__")
    return match.group(1)


def _sources() -> List[Tuple[str, str]]:
    """(path on disk, path in the archive) of each file of the package, in a stable order."""
    found = []
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                full = os.path.join(root, name)
                found.append((full, os.path.relpath(full, HERE).replace(os.sep, "/")))
    return found


def _metadata() -> str:
    return "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: >=3.9\nLicense: MIT\n" % (
        NAME, version(), SUMMARY)


def _dist_info() -> Dict[str, str]:
    return {
        "METADATA": _metadata(),
        "WHEEL": "Wheel-Version: 1.0\nGenerator: pdap_wheel_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[dict] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Optional[dict] = None) -> str:
    info = "%s-%s.dist-info" % (NAME, version())
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    for name, text in _dist_info().items():
        with open(os.path.join(metadata_directory, info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return info


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None,
                metadata_directory: Optional[str] = None) -> str:
    filename = "%s-%s-py3-none-any.whl" % (NAME, version())
    info = "%s-%s.dist-info" % (NAME, version())
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        entries = [(arc, open(full, "rb").read()) for full, arc in _sources()]
        entries += [("%s/%s" % (info, name), text.encode()) for name, text in _dist_info().items()]
        for arc, data in entries:
            wheel.writestr(arc, data)
            records.append(_record_line(arc, data))
        records.append("%s/RECORD,," % info)
        wheel.writestr("%s/RECORD" % info, "\n".join(records) + "\n")
    return filename


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    base = "%s-%s" % (NAME, version())
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as sdist:
        files = [(full, arc) for full, arc in _sources()]
        files += [(os.path.join(HERE, "pyproject.toml"), "pyproject.toml"),
                  (os.path.abspath(__file__), "build-tools/" + os.path.basename(__file__))]
        for full, arc in files:
            sdist.add(full, "%s/%s" % (base, arc))
        data = _metadata().encode()
        info = tarfile.TarInfo("%s/PKG-INFO" % base)
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return filename
