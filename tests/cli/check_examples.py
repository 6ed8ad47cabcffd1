#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the worked example `hooks providers NAME` prints, for every provider, as a user would:
pasted into bash in an empty directory, with the built hooks first on PATH. The last line must
be `valid: NAME ...` and the script must exit 0. Needs openssl for SendGrid's key pair.

Usage: check_examples.py HOOKS_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile

binary = os.path.abspath(sys.argv[1])
env = {"PATH": os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", ""),
       "NO_COLOR": "1"}
providers = json.loads(subprocess.run([binary, "providers", "--json"], check=True,
                                      capture_output=True, text=True).stdout)["providers"]
failures = []
checked = 0
for provider in providers:
    name = provider["name"]
    details = subprocess.run([binary, "providers", name], check=True, capture_output=True,
                             text=True, env=env).stdout
    marker = "\n  example (a made-up secret; paste into a shell):\n"
    if marker not in details:
        if provider["can_sign"] and provider["algorithm"] != "(none)" and name != "codex":
            failures.append(f"{name}: no worked example")
        continue
    script = "\n".join(line[4:] for line in details.split(marker, 1)[1].splitlines())
    with tempfile.TemporaryDirectory() as directory:
        run = subprocess.run(["bash", "-e", "-c", script], cwd=directory, capture_output=True,
                             text=True, env=env, timeout=60)
    last = (run.stdout.strip().splitlines() or [""])[-1]
    checked += 1
    if run.returncode != 0 or not last.startswith(f"valid: {name} "):
        failures.append(f"{name}: exit {run.returncode}, last line {last!r}, stderr "
                        f"{run.stderr.strip()!r}")
for failure in failures:
    print(failure)
print(f"examples: {checked} ran, {len(failures)} failed")
sys.exit(1 if failures or checked < 35 else 0)
