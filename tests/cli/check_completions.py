#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drift test for completions/: regenerates each script with the built binary and diffs it.

Usage: check_completions.py HOOKS_BINARY COMPLETIONS_DIR

The checked-in scripts must equal `hooks completion SHELL` byte for byte, so that a flag added
to the CLI11 tree without regenerating them fails here. HOOKS_UPDATE_GOLDEN=1 rewrites them.
Each script is also loaded: bash must register `complete -F _hooks hooks`, and zsh and fish,
when installed, must parse it (`zsh -n`, `fish -n`).
"""
import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPTS = {"bash": "hooks.bash", "zsh": "_hooks", "fish": "hooks.fish"}


def generate(binary: str, shell: str) -> bytes:
    # A bare environment: the output must not depend on it.
    proc = subprocess.run([binary, "completion", shell], capture_output=True, timeout=30,
                          env={"PATH": os.environ.get("PATH", "")})
    if proc.returncode != 0 or proc.stderr:
        raise SystemExit(f"`hooks completion {shell}` exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace')}")
    return proc.stdout


def check_loads(shell: str, path: Path) -> list[str]:
    if shell == "bash":
        command = ["bash", "--norc", "-c", f"source '{path}' && complete -p hooks"]
        expected = b"complete -F _hooks hooks\n"
    elif shutil.which(shell):
        command, expected = [shell, "-n", str(path)], b""
    else:
        print(f"note: {shell} is not installed; {path.name} was not syntax-checked")
        return []
    proc = subprocess.run(command, capture_output=True, timeout=30)
    if proc.returncode != 0 or proc.stdout != expected or proc.stderr:
        return [f"{path}: does not load in {shell} (exit {proc.returncode}):\n"
                f"{proc.stdout.decode(errors='replace')}{proc.stderr.decode(errors='replace')}"]
    return []


# What bash offers for a command line whose last word is being completed: (words, expected in
# the offer, not expected in it). File names, provider names and each provider's own events.
BASH_CASES = [
    (["send", "http://x", "--provider", "stripe", "--event", ""], {"invoice.paid"},
     {"record.created"}),
    (["send", "http://x", "--provider", "=", "codenx", "--event", "rec"],
     {"record.created", "record.updated"}, {"invoice.paid"}),
    (["send", "http://x", "--event", ""], {"invoice.paid", "contact.created"}, {"push"}),
    (["send", "http://x", "--provider", "st"], {"stripe", "standard"}, set()),
    (["replay", "check_completions"], {"check_completions.py"}, set()),
    (["listen", "--log", "check_comp"], {"check_completions.py"}, set()),
]


def check_bash_offers(path: Path) -> list[str]:
    failures = []
    for words, wanted, unwanted in BASH_CASES:
        line = " ".join(f"'{word}'" for word in ["hooks", *words])
        script = (f"source '{path.resolve()}'; COMP_WORDS=({line}); COMP_CWORD={len(words)}; _hooks; "
                  "printf '%s\\n' \"${COMPREPLY[@]}\"")
        proc = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, timeout=30,
                              cwd=Path(__file__).parent)
        offered = set(proc.stdout.decode().split())
        if not wanted <= offered or offered & unwanted:
            failures.append(f"bash completion of `hooks {' '.join(words)}` offers "
                            f"{sorted(offered)}; expected {sorted(wanted)} and none of "
                            f"{sorted(unwanted)}")
    return failures


def main() -> int:
    binary, directory = sys.argv[1], Path(sys.argv[2])
    update = os.environ.get("HOOKS_UPDATE_GOLDEN") == "1"
    failures = []
    for shell, name in SCRIPTS.items():
        path = directory / name
        actual = generate(binary, shell)
        if update:
            path.write_bytes(actual)
        expected = path.read_bytes() if path.exists() else b""
        if expected != actual:
            diff = difflib.unified_diff(expected.decode(errors="replace").splitlines(True),
                                        actual.decode(errors="replace").splitlines(True),
                                        f"{path} (checked in)", f"hooks completion {shell}")
            failures.append(f"{path} is out of date with the command tree; regenerate it with\n"
                            f"  {binary} completion {shell} > {path}\n"
                            f"or run this test with HOOKS_UPDATE_GOLDEN=1, and commit the "
                            f"result.\n{''.join(diff)}")
            continue
        failures += check_loads(shell, path)
        if shell == "bash":
            failures += check_bash_offers(path)
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        print(f"{len(SCRIPTS)} completion scripts match `hooks completion` and load")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
