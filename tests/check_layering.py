#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the layering rules of STYLE.md that the compiler cannot: core never includes CLI11,
never prints or exits, only src/core/http/ includes the HTTP library (Beast, Asio), and includes
are rooted at src/ (no "../")."""
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
        if re.match(r"\s*#\s*include\s*<boost/(beast|asio)", line) and \
                not relative.startswith("src/core/http/"):
            problems.append(f"{where}: Beast and Asio belong in src/core/http/")
        if not in_core:
            continue
        if re.match(r"\s*#\s*include\s*<CLI/", line):
            problems.append(f"{where}: core must not include CLI11")
        if re.search(r"\b(std::cout|std::cerr|printf\(|std::exit|exit\()", line):
            problems.append(f"{where}: core never prints or exits")
for problem in problems:
    print(problem)
print(f"layering: {0 if problems else 1} passed, {1 if problems else 0} failed")
sys.exit(1 if problems else 0)
