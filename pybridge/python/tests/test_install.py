"""The package installs offline, as a user does it: pip install ./pybridge/python
into a fresh virtual environment, with no index and no network."""

from __future__ import annotations

import hashlib
import base64
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

from tests.support import PYTHON_DIR

sys.path.insert(0, str(PYTHON_DIR / "_build"))
import backend  # noqa: E402  (the in-tree build backend)


class BuildBackendTest(unittest.TestCase):
    def test_wheel_contents_and_record(self):
        with tempfile.TemporaryDirectory() as out:
            name = backend.build_wheel(out)
            self.assertRegex(name, r"^fraiseql_http-0\.1\.0-py3-none-[a-z0-9_]+\.whl$")
            with zipfile.ZipFile(Path(out) / name) as zf:
                names = set(zf.namelist())
                self.assertIn("fraiseql_http/libfraiseql.so", names)
                self.assertIn("fraiseql_http/__init__.py", names)
                self.assertFalse(any("__pycache__" in n or n.startswith("tests/") for n in names), names)
                record = zf.read("fraiseql_http-0.1.0.dist-info/RECORD").decode().splitlines()
                for line in record:
                    path, digest, size = line.rsplit(",", 2)
                    if path.endswith("RECORD"):
                        continue
                    data = zf.read(path)
                    want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    self.assertEqual(digest, f"sha256={want}", path)
                    self.assertEqual(int(size), len(data), path)
                self.assertIn("Root-Is-Purelib: false", zf.read("fraiseql_http-0.1.0.dist-info/WHEEL").decode())

    def test_pip_install_without_network(self):
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
            py = venv / "bin" / "python"
            r = subprocess.run([str(py), "-m", "pip", "install", "--no-index", "--no-cache-dir", str(PYTHON_DIR)],
                               capture_output=True, text=True, timeout=300, cwd=tmp)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            r = subprocess.run([str(py), "-c", "import fraiseql_http, fraiseql_http._native as n; "
                                "print(n.library_path().is_file(), len(n.flag_names()) > 30, fraiseql_http.__file__)"],
                               capture_output=True, text=True, timeout=60, cwd=tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            loaded, flags, where = r.stdout.split()
            self.assertEqual((loaded, flags), ("True", "True"))
            self.assertTrue(where.startswith(str(venv)), where)


if __name__ == "__main__":
    unittest.main()
