#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The secret canary for the commands that move deliveries: known secrets go through every
output mode and failure path of the real `hooks listen` and `hooks send` processes (text,
--json, --log, forwarding failures, --dry-run and its curl line, retries, errors), and no part
of any of them may appear on stdout, stderr or in the log. (sign, verify and providers have
their in-process canary in secret_canary_test.cpp.)

Usage: secret_canary_test.py HOOKS_BINARY [unittest args]"""
import base64
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "send"))
import send_support as support  # noqa: E402
from send_support import Listener, listen_support, run_hooks, send, settle  # noqa: E402

# Long and distinctive: any 12-character run of one appearing in output can only be a leak.
RAW = "cnry-Raw-7f3e1b9d2c4a8e6fq"
DECODED = "cnry-Decoded-5b8e2d7c91f0xq"
WHSEC = "whsec_" + base64.b64encode(DECODED.encode()).decode()
ENV_SECRET = "cnry-Env-Secret-d41d8cd98f00b2"
FILE_SECRET = "cnry-File-Secret-9e107d9d372bb6"
# The RFC 8032 test seed stands for a private signing key here.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
WHSK = "whsk_" + base64.b64encode(SEED).decode()
BAD_WHSEC = "whsec_cnry*Bad!Base64%2f9e1q"
CANARIES = [RAW, DECODED, WHSEC, WHSEC[6:], ENV_SECRET, FILE_SECRET, WHSK[5:], SEED.hex(),
            BAD_WHSEC]
WINDOW = 12


def leak_in(text):
    """The first part of a canary found in `text`, or None."""
    for canary in CANARIES:
        for start in range(0, len(canary) - WINDOW + 1):
            if canary[start:start + WINDOW] in text:
                return canary[start:start + WINDOW]
    return None


class Canary(unittest.TestCase):
    def assert_no_leak(self, what, *texts):
        for text in texts:
            if isinstance(text, bytes):
                text = text.decode(errors="replace")
            self.assertIsNone(leak_in(text), f"{what}: a secret appears in {text!r}")

    def assert_quiet_run(self, what, proc, expected_exit):
        self.assertEqual(proc.returncode, expected_exit, f"{what}: {proc.out}{proc.err}")
        self.assert_no_leak(what, proc.out, proc.err)


class SendCanary(Canary):
    def test_dry_run_and_its_curl_line(self):
        cases = [("stripe", RAW), ("standard", WHSEC), ("standard", WHSK), ("github", RAW)]
        for provider, secret in cases:
            for mode in ([], ["--json"], ["--color", "always"]):
                with self.subTest(provider=provider, mode=mode):
                    proc = send("http://127.0.0.1:9/hook", "--provider", provider, "--secret",
                                secret, "--dry-run", *mode)
                    self.assert_quiet_run("send --dry-run", proc, 0)
                    self.assertIn("curl", proc.out)

    def test_deliveries_retries_and_json(self):
        for mode in ([], ["--json"], ["--show-headers", "--color", "always"]):
            with self.subTest(mode=mode):
                listener = Listener("--provider", "standard", "--secret", WHSEC, "--fail-first",
                                    "1", "--count", "2", "--json", "--timeout", "30s")
                proc = send(f"http://127.0.0.1:{listener.port}/hook", "--provider", "standard",
                            "--secret", WHSEC, "--retry-schedule", "0", *mode)
                self.assertEqual(settle(listener, proc), 0, listener.stderr)
                self.assert_quiet_run("send with a retry", proc, 0)
                self.assert_no_leak("listen", listener.stdout, listener.stderr)

    def test_failures_and_errors(self):
        closed = listen_support.free_port()
        cases = [
            ("unreachable, retried", 1,
             [f"http://127.0.0.1:{closed}/hook", "--provider", "stripe", "--secret", RAW, "--retry-schedule", "0"]),
            ("unreachable, --json", 1,
             [f"http://127.0.0.1:{closed}/hook", "--provider", "stripe", "--secret", RAW, "--retries", "0", "--json"]),
            ("--count against nothing", 1,
             [f"http://127.0.0.1:{closed}/hook", "--provider", "stripe", "--secret", RAW, "--count", "3", "--retries",
              "0"]),
            ("undecodable whsec_", 2,
             ["http://127.0.0.1:9/hook", "--provider", "standard", "--secret", BAD_WHSEC]),
            ("bad URL", 2, ["127.0.0.1:9/hook", "--secret", RAW]),
            ("bad header", 2, ["http://127.0.0.1:9/hook", "--secret", RAW, "-H", "X-A"]),
            ("a credential in a header without ':'", 2,
             ["http://127.0.0.1:9/hook", "--secret", RAW, "-H", f"Authorization Bearer {RAW}"]),
            ("a credential in a header name", 2,
             ["http://127.0.0.1:9/hook", "--secret", RAW, "-H", f"Authorization {RAW}: x"]),
            ("a lone credential as a header", 2,
             ["http://127.0.0.1:9/hook", "--secret", RAW, "-H", RAW]),
            ("a password in the URL", 2, [f"http://user:{RAW}@127.0.0.1:9/hook", "--secret", RAW]),
            ("a password in a bad URL", 2,
             [f"ftp://user:{RAW}@127.0.0.1:99999/hook", "--secret", RAW]),
            ("unknown event", 2,
             ["http://127.0.0.1:9/hook", "--provider", "stripe", "--event", "nope.nope",
              "--secret", RAW]),
        ]
        for what, expected_exit, args in cases:
            with self.subTest(case=what):
                self.assert_quiet_run(what, send(*args), expected_exit)

    def test_secrets_from_the_environment_and_files(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "secret.txt")
            with open(path, "w", encoding="utf-8") as file:
                file.write(FILE_SECRET + "\n")
            for args, env in ((["--secret-file", path], None),
                              (["--secret-env", "CANARY"], {"CANARY": ENV_SECRET}),
                              ([], {"HOOKS_SECRET": ENV_SECRET})):
                with self.subTest(args=args):
                    proc = send("http://127.0.0.1:9/hook", "--provider", "stripe", *args,
                                "--dry-run", env=env)
                    self.assert_quiet_run("send --dry-run", proc, 0)


class ListenCanary(Canary):
    def deliver(self, listener, provider, secret, body=b'{"type":"canary.test","id":"evt_1"}',
                tamper=False):
        headers = listen_support.sign(provider, secret, body)
        if tamper:
            body = body + b" "
        headers["Content-Type"] = "application/json"
        return listener.post(body, headers, target="/hook")

    def test_pretty_json_and_log_output(self):
        for mode in ([], ["--json"], ["--show-headers", "--color", "always"]):
            with self.subTest(mode=mode), tempfile.TemporaryDirectory() as directory:
                log = os.path.join(directory, "log.jsonl")
                listener = Listener("--provider", "auto", "--secret", RAW, "--secret", WHSEC,
                                    "--log", log, "--count", "4", "--timeout", "30s", *mode)
                self.deliver(listener, "stripe", RAW)
                self.deliver(listener, "stripe", RAW, tamper=True)
                self.deliver(listener, "standard", WHSEC)
                self.deliver(listener, "standard", "whsec_" + base64.b64encode(
                    b"another signing key!").decode())
                self.assertEqual(listener.wait(), 0, listener.stderr)
                with open(log, encoding="utf-8") as file:
                    records = file.read()
                self.assertEqual(len(records.splitlines()), 4)
                self.assert_no_leak("listen", listener.stdout, listener.stderr, records)

    def test_forwarding_failures(self):
        closed = listen_support.free_port()
        listener = Listener("--provider", "stripe", "--secret", RAW, "--forward-to",
                            f"http://127.0.0.1:{closed}/app", "--count", "1", "--json",
                            "--timeout", "30s")
        status, _, _ = self.deliver(listener, "stripe", RAW)
        self.assertEqual(status, 502)
        self.assertEqual(listener.wait(), 0, listener.stderr)
        self.assert_no_leak("listen --forward-to", listener.stdout, listener.stderr)

    def test_errors(self):
        cases = [
            ("undecodable whsec_", ["--provider", "standard", "--secret", BAD_WHSEC]),
            ("undecodable Discord key", ["--provider", "discord", "--secret", RAW]),
            ("port out of range", ["--secret", RAW, "--port", "99999"]),
            ("bad forward URL", ["--secret", RAW, "--forward-to", "ftp://127.0.0.1/"]),
            ("a password in the forward URL",
             ["--secret", RAW, "--forward-to", f"http://user:{RAW}@127.0.0.1/"]),
            ("log in a missing directory",
             ["--secret", RAW, "--log", "/nonexistent-dir/cnry/log.jsonl"]),
        ]
        for what, args in cases:
            with self.subTest(case=what):
                proc = subprocess.run([support.hooks_binary(), "listen", "--port", "0", *args],
                                      capture_output=True, env=listen_support.base_env(),
                                      timeout=30)
                proc.out = proc.stdout.decode(errors="replace")
                proc.err = proc.stderr.decode(errors="replace")
                self.assert_quiet_run(what, proc, 2)


if __name__ == "__main__":
    listen_support.HOOKS = os.path.abspath(sys.argv.pop(1))
    unittest.main()
