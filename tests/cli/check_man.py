#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drift test for man/: every option the CLI has is documented, and every page builds.

Usage: check_man.py HOOKS_BINARY MAN_DIR [SCDOC]

The commands come from `hooks --help` and each command's options from `hooks COMMAND --help`,
so a new command or flag fails here until its page documents it. Checks, for hooks(1) and each
hooks-COMMAND(1):
  - the page exists and its OPTIONS section has an entry for every long option of the command;
  - every entry in that section is an option the command has;
  - with SCDOC given, scdoc turns the page into roff with exit 0 and nothing on stderr, and
    groff (when installed) renders that roff without a warning (`groff -man -ww`).
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

OPTION_LINE = re.compile(r"^\s+(?:-\w,)?(--[\w-]+)")
COMMAND_LINE = re.compile(r"^\s+([a-z][\w-]*)\s")
# An entry in a page's OPTIONS section: `*--name* ...` or `*-n*, *--name* ...` at a line start.
GROFF = shutil.which("groff")
DOCUMENTED = re.compile(r"^(?:\*-\w\*, )?\*(--[\w-]+)\*", re.MULTILINE)


def help_sections(binary: str, args: list[str]) -> dict[str, list[str]]:
    """The lines of each section ('Options:', 'Subcommands:', ...) of `hooks ARGS --help`."""
    proc = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise SystemExit(f"`hooks {' '.join(args)} --help` exited {proc.returncode}")
    sections: dict[str, list[str]] = {}
    current = None
    for line in proc.stdout.splitlines():
        if line and not line[0].isspace():
            current = line if line.endswith(":") else None
            sections.setdefault(current or "", [])
        elif current:
            sections[current].append(line)
    return sections


def long_options(sections: dict[str, list[str]]) -> list[str]:
    return [m.group(1) for line in sections.get("Options:", []) if (m := OPTION_LINE.match(line))]


def options_section(page: str) -> str:
    match = re.search(r"^# OPTIONS\n(.*?)(?=^# )", page, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def check_page(path: Path, options: list[str], scdoc: str | None) -> list[str]:
    if not path.exists():
        return [f"{path}: missing; every command needs a man page"]
    documented = DOCUMENTED.findall(options_section(path.read_text()))
    failures = [f"{path}: OPTIONS has no entry for {option} (a line starting `*{option}*`)"
                for option in options if option not in documented]
    failures += [f"{path}: OPTIONS documents {option}, which `--help` does not list"
                 for option in documented if option not in options]
    if scdoc:
        proc = subprocess.run([scdoc], input=path.read_bytes(), capture_output=True, timeout=30)
        if proc.returncode != 0 or proc.stderr:
            failures.append(f"{path}: scdoc exited {proc.returncode}: "
                            f"{proc.stderr.decode(errors='replace').strip()}")
        elif GROFF:
            # As `man --warnings` renders it: a line that troff takes for a request (one that
            # starts with '.' or "'", say) is dropped from the page with a warning.
            rendered = subprocess.run([GROFF, "-man", "-Tutf8", "-ww", "-z"],
                                      input=proc.stdout, capture_output=True, timeout=30)
            if rendered.returncode != 0 or rendered.stderr:
                failures.append(f"{path}: troff warns: "
                                f"{rendered.stderr.decode(errors='replace').strip()}")
    return failures


def main() -> int:
    binary, directory = sys.argv[1], Path(sys.argv[2])
    scdoc = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    root = help_sections(binary, [])
    commands = [m.group(1) for line in root.get("Subcommands:", [])
                if (m := COMMAND_LINE.match(line))]
    if not commands:
        raise SystemExit("`hooks --help` lists no subcommands; has its format changed?")
    failures = check_page(directory / "hooks.1.scd", long_options(root), scdoc)
    for command in commands:
        failures += check_page(directory / f"hooks-{command}.1.scd",
                               long_options(help_sections(binary, [command])), scdoc)
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        built = "built with scdoc" if scdoc else "not built (no scdoc)"
        print(f"{len(commands) + 1} man pages document every option; {built}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
