#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the black-box golden cases: tests/cli/golden/<command>/<case>/.

Each case directory holds `args` (one argument per line, exactly), optional `stdin` and `env`
(NAME=value lines), and `expected.stdout`, `expected.stderr`, `expected.exit`. The binary runs in
the case directory with NO_COLOR=1 and HOOKS_NOW=1700000000. HOOKS_UPDATE_GOLDEN=1 rewrites the
expected files from the actual output so that output changes are reviewed as diffs.
"""
import os
import subprocess
import sys
from pathlib import Path


def run_case(binary: str, case: Path, update: bool) -> list[str]:
    # One argument per line; split on LF only so an argument may carry a CR.
    args = case.joinpath("args").read_bytes().decode().split("\n")
    if args and args[-1] == "":
        args.pop()
    env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "HOOKS_NOW": "1700000000"}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    env_file = case / "env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            env[name] = value
    stdin_file = case / "stdin"
    stdin = stdin_file.read_bytes() if stdin_file.exists() else b""
    proc = subprocess.run([binary, *args], cwd=case, env=env, input=stdin,
                          capture_output=True, timeout=30)
    actual = {"expected.stdout": proc.stdout, "expected.stderr": proc.stderr,
              "expected.exit": f"{proc.returncode}\n".encode()}
    if update:
        for name, data in actual.items():
            case.joinpath(name).write_bytes(data)
        return []
    failures = []
    for name, data in actual.items():
        path = case / name
        expected = path.read_bytes() if path.exists() else b""
        if expected != data:
            failures.append(f"{case}: {name} differs\n--- expected\n"
                            f"{expected.decode(errors='replace')}--- actual\n"
                            f"{data.decode(errors='replace')}")
    return failures


def main() -> int:
    binary, root = sys.argv[1], Path(sys.argv[2])
    update = os.environ.get("HOOKS_UPDATE_GOLDEN") == "1"
    cases = sorted(p.parent for p in root.glob("*/*/args"))
    failed = 0
    for case in cases:
        failures = run_case(binary, case, update)
        failed += 1 if failures else 0
        for failure in failures:
            print(failure)
    print(f"golden: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
