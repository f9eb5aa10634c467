"""The notify delivery tests' checks: each prints one line, ok or FAIL, and
finish() exits non-zero when any failed. Also free_port from the e2e tests'
shared module."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from fault_support import free_port  # noqa: E402,F401  (re-exported)


class CheckList:
    def __init__(self):
        self.failures = []

    def expect(self, name, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + name + (f"  ({detail})" if detail else ""))
        if not cond:
            self.failures.append(name)

    def finish(self, what):
        if self.failures:
            print(f"{len(self.failures)} failed: {self.failures}")
            sys.exit(1)
        print(f"all {what} checks passed")
