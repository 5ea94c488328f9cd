"""A PEP 517 build backend in the standard library only.

It builds one kind of wheel: the fraiseql_http package with the Go library
(libfraiseql.so, from `make pybridge`) inside, tagged ``py3-none-<platform>``
(the library is loaded with ctypes, so it does not depend on the Python ABI).
The platform tag is this machine's (``sysconfig.get_platform()``), or
FRAISEQL_HTTP_WHEEL_PLATFORM (e.g. ``manylinux_2_17_x86_64`` for a library
built on an old enough glibc: it links only libc).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "fraiseql_http"
LIBRARIES = ("libfraiseql.so", "libfraiseql.dylib")


def _project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _dist_name(project: dict) -> str:
    return project["name"].replace("-", "_")


def _metadata(project: dict) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
        f"Requires-Python: {project.get('requires-python', '>=3.11')}",
    ]
    lic = project.get("license", {}).get("text")
    if lic:
        lines.append(f"License: {lic}")
    return "\n".join(lines) + "\n"


def _platform_tag() -> str:
    tag = os.environ.get("FRAISEQL_HTTP_WHEEL_PLATFORM") or sysconfig.get_platform()
    return tag.replace("-", "_").replace(".", "_")


def _package_files() -> list[Path]:
    pkg = ROOT / PACKAGE
    files = sorted(p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts)
    libs = [pkg / name for name in LIBRARIES if (pkg / name).exists()]
    if not libs:
        raise RuntimeError(f"{pkg}/libfraiseql.so is missing: run `make pybridge` at the repository root first")
    return files + libs


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    dist = _dist_name(project)
    tag = f"py3-none-{_platform_tag()}"
    info = f"{dist}-{project['version']}.dist-info"
    wheel_name = f"{dist}-{project['version']}-{tag}.whl"
    records = []
    path = Path(wheel_directory) / wheel_name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        def add(arcname: str, data: bytes, mode: int = 0o644) -> None:
            zi = zipfile.ZipInfo(arcname, date_time=(2026, 1, 1, 0, 0, 0))
            zi.external_attr = (0o100000 | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zi, data)
            records.append(_record_line(arcname, data))

        for f in _package_files():
            mode = 0o755 if f.suffix in (".so", ".dylib") else 0o644
            add(f.relative_to(ROOT).as_posix(), f.read_bytes(), mode)
        add(f"{info}/METADATA", _metadata(project).encode())
        wheel = f"Wheel-Version: 1.0\nGenerator: fraiseql-http _build/backend.py\nRoot-Is-Purelib: false\nTag: {tag}\n"
        add(f"{info}/WHEEL", wheel.encode())
        records.append(f"{info}/RECORD,,")
        zi = zipfile.ZipInfo(f"{info}/RECORD", date_time=(2026, 1, 1, 0, 0, 0))
        zi.external_attr = 0o100644 << 16
        zf.writestr(zi, "\n".join(records) + "\n")
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    base = f"{_dist_name(project)}-{project['version']}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as tf:
        for rel in ["pyproject.toml", "_build/backend.py"] + [
                p.relative_to(ROOT).as_posix() for p in _package_files()]:
            tf.add(ROOT / rel, arcname=f"{base}/{rel}")
        pkg_info = _metadata(project).encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg_info)
        tf.addfile(ti, io.BytesIO(pkg_info))
    return name
