#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the layering rules of STYLE.md that the compiler cannot: core never includes CLI11,
never prints or exits, and only src/core/http/ includes the HTTP libraries; includes are rooted
at src/ (no "../")."""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])
problems = []
for path in sorted((root / "src").rglob("*.[ch]pp")):
    relative = path.relative_to(root).as_posix()
    text = path.read_text()
    in_core = relative.startswith("src/core/")
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{relative}:{number}"
        if re.match(r'\s*#\s*include\s*"\.\./', line):
            problems.append(f"{where}: include rooted at src/, not '../'")
        if not in_core:
            continue
        if re.match(r"\s*#\s*include\s*<CLI/", line):
            problems.append(f"{where}: core must not include CLI11")
        if re.match(r"\s*#\s*include\s*<(httplib\.h|boost/beast)", line) and \
                not relative.startswith("src/core/http/"):
            problems.append(f"{where}: HTTP libraries belong in src/core/http/")
        if re.search(r"\b(std::cout|std::cerr|printf\(|std::exit|exit\()", line):
            problems.append(f"{where}: core never prints or exits")
for problem in problems:
    print(problem)
print(f"layering: {0 if problems else 1} passed, {1 if problems else 0} failed")
sys.exit(1 if problems else 0)
