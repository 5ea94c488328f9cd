"""Run the bridge's tests: python -m tests (from pybridge/python).

Prints one line per test and a summary in which a skipped test is listed
with its reason and never counted as passing. Exit status 1 on any failure
or error.
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), top_level_dir=str(here.parent))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stderr).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped) - len(result.expectedFailures)
    version = ".".join(map(str, sys.version_info[:3]))
    print(f"python {version}: {passed} passed, {failed} failed, {len(result.skipped)} skipped (not counted)")
    for test, reason in result.skipped:
        print(f"  skipped {test.id()}: {reason}")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
