#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Install check: `cmake --install` into a scratch prefix puts every file where packagers expect.

Usage: check_install.py CMAKE BUILD_DIR BINDIR DATADIR MANDIR [MAN_SOURCE_DIR]

BINDIR, DATADIR and MANDIR are the GNUInstallDirs values (relative to the prefix). MAN_SOURCE_DIR
is given when scdoc was found: then each PAGE.1.scd in it must be installed as man1/PAGE.1.
"""
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    cmake, build_dir, bindir, datadir, mandir = sys.argv[1:6]
    man_sources = Path(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] else None
    with tempfile.TemporaryDirectory(prefix="hooks-install-") as prefix:
        proc = subprocess.run([cmake, "--install", build_dir, "--prefix", prefix],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            print(f"cmake --install failed:\n{proc.stdout}{proc.stderr}", file=sys.stderr)
            return 1
        root = Path(prefix)
        expected = [f"{bindir}/hooks",
                    f"{datadir}/bash-completion/completions/hooks",
                    f"{datadir}/zsh/vendor-completions/_hooks",
                    f"{datadir}/fish/vendor_completions.d/hooks.fish"]
        if man_sources:
            expected += [f"{mandir}/man1/{source.name.removesuffix('.scd')}"
                         for source in sorted(man_sources.glob("*.1.scd"))]
        failures = [f"not installed: {path}" for path in expected
                    if not (root / path).is_file() or (root / path).stat().st_size == 0]
        if not failures:
            version = subprocess.run([str(root / bindir / "hooks"), "--version"],
                                     capture_output=True, text=True, timeout=30)
            if version.returncode != 0 or not version.stdout.startswith("hooks "):
                failures.append(f"installed hooks --version failed: {version.stdout}"
                                f"{version.stderr}")
        installed = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        for failure in failures:
            print(failure, file=sys.stderr)
        if failures:
            print("installed files:\n  " + "\n  ".join(installed), file=sys.stderr)
            return 1
        print(f"{len(installed)} files installed, including the {len(expected)} expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
