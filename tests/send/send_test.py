#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Black-box tests of `hooks send`: the real binary delivering to the real `hooks listen` (or to
small local Python servers) over real sockets on 127.0.0.1.

Usage: send_test.py HOOKS_BINARY [unittest args]"""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import send_support as support  # noqa: E402
from send_support import (ED25519_PUBLIC_HEX, ED25519_SEED_HEX, PLAIN_SECRET,  # noqa: E402
                          WHSEC, Listener, ScriptedApp, header, listen_support, send, send_json,
                          settle)

# The seed platforms: listen checks their envelopes (section 3 of PRODUCT.md).
SEED_PLATFORMS = {"codenx", "codex", "cognexia", "fluxbase", "centrali"}
# Providers whose deliveries carry no id at all: the seed documents of CodeNx, Codex, Fluxbase
# and Centrali name none. Every other provider's id must arrive as send made it.
# Calendly, Dropbox, Zoom and Postmark document none either.
WITHOUT_ID = {"codenx", "codex", "fluxbase", "centrali", "calendly", "dropbox", "zoom",
              "postmark"}
# Events that carry no id although their provider has ids: Slack's url_verification challenge,
# Intercom's ping (its id is null).
EVENTS_WITHOUT_ID = {("slack", "url_verification"), ("intercom", "ping")}
# Twilio's webhooks carry no event type on the wire (form fields only), so listen cannot name it.
# Dropbox's notifications only say that something changed.
WITHOUT_EVENT_TYPE = {"twilio", "dropbox"}
# Codex's envelope names the action ("insert") and the model apart; the catalog's names
# ("entry.insert") are not on the wire, so listen reports the envelope's "event".
EVENT_IS_ACTION = {"codex"}


def b64(hex_text):
    return base64.b64encode(bytes.fromhex(hex_text)).decode()


# A P-256 key made for these tests (openssl ecparam -name prime256v1 -genkey | openssl pkcs8
# -topk8 -nocrypt): SendGrid signs with its own private key, so a test receiver is given ours.
P256_PRIVATE_PEM = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFCjA3fkBWIEEJ2PC
SaZ97RiAvP8iZtk7UI7gQ7G/9oWhRANCAARFNCBkr5cypXBPxFSmMfLxjG3wWVKX
pR8ngREXfhihgTUbbKJVGFZQ9UodhiMChnjHCQ+AlGldUdNEOo8YcfKa
-----END PRIVATE KEY-----
"""
# Its public key as SendGrid shows one: the base64 of the DER SubjectPublicKeyInfo.
P256_PUBLIC_B64 = ("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERTQgZK+XMqVwT8RUpjHy8Yxt8FlS"
                   "l6UfJ4ERF34YoYE1G2yiVRhWUPVKHYYjAoZ4xwkPgJRpXVHTRDqPGHHymg==")


def key_pairs(provider):
    """(label, secret send signs with, secret listen verifies with) for each key kind to test.

    Ed25519 schemes sign with a private key and verify with the public one: the RFC 8032 test
    key, in Discord's hex form and in Standard Webhooks' whsk_/whpk_ form. An unsigned provider
    (Codex) gets (label, None, None). A provider whose key format this table does not know is
    skipped (reported as a subtest skip)."""
    name, algorithm = provider["name"], provider["algorithm"]
    if algorithm.lower().startswith("none"):
        return [("unsigned", None, None)]  # Codex: no signature, no secret
    if name == "standard":
        return [("v1 hmac", WHSEC, WHSEC),
                ("v1a ed25519", "whsk_" + b64(ED25519_SEED_HEX), "whpk_" + b64(ED25519_PUBLIC_HEX))]
    if name == "svix":
        return [("hmac", WHSEC, WHSEC)]
    if name == "discord":
        return [("ed25519", ED25519_SEED_HEX, ED25519_PUBLIC_HEX)]
    if name == "sendgrid":
        return [("ecdsa p-256", P256_PRIVATE_PEM, P256_PUBLIC_B64)]
    if name == "postmark":
        # Basic auth: user:password, as in the webhook URL Postmark is given.
        return [("basic", "hooks:" + PLAIN_SECRET, "hooks:" + PLAIN_SECRET)]
    if "Ed25519" in algorithm or "ECDSA" in algorithm:
        return []
    if name == "stripe":
        # Stripe uses its whsec_ secret verbatim: a whsec_ value that is not base64 must work.
        return [("hmac", "whsec_stripe_verbatim!", "whsec_stripe_verbatim!")]
    return [("hmac", PLAIN_SECRET, PLAIN_SECRET)]


def sent_id(proc):
    """The delivery id from send's first text line: 'POST URL  provider event  id ID'."""
    match = re.search(r"  id (\S+)$", proc.out.splitlines()[0] if proc.out else "")
    return match.group(1) if match else None


def one_line_about(test, proc, *words):
    """Asserts that standard error holds exactly one line, a `hooks: error:` line that mentions
    all `words` (any case), and returns it. (Standard output shows the attempts as they go.)"""
    test.assertEqual(len(proc.err.splitlines()), 1, proc.err)
    lines = [line for line in proc.err.splitlines()
             if line.startswith("hooks: error: ") and
             all(word.lower() in line.lower() for word in words)]
    test.assertEqual(len(lines), 1, f"expected one line about {words}: {proc.out!r} {proc.err!r}")
    test.assertNotIn("internal error", proc.err)
    return lines[0]


def usage_error_line(test, proc):
    """Asserts a usage error: exit 2, nothing on stdout, one 'hooks: error:' line on stderr."""
    test.assertEqual(proc.returncode, 2, proc.out + proc.err)
    test.assertEqual(proc.out, "")
    lines = proc.err.splitlines()
    test.assertEqual(len(lines), 1, proc.err)
    test.assertTrue(lines[0].startswith("hooks: error: "), lines[0])
    return lines[0]


def body_of(record):
    return base64.b64decode(record["body_b64"])


class EveryProviderEvent(unittest.TestCase):
    def test_every_event_of_every_provider_arrives_verified(self):
        # Every provider send can deliver (can_sign), the unsigned Codex included.
        providers = [p for p in support.provider_catalog() if p["can_sign"] and p["events"]]
        self.assertGreaterEqual(len(providers), 30)
        cases = []
        for provider in providers:
            name = provider["name"]
            pairs = key_pairs(provider)
            if not pairs:
                with self.subTest(provider=name):
                    self.skipTest(f"{name}: no test key for {provider['algorithm']}")
            for label, send_secret, listen_secret in pairs:
                for event in (e["name"] for e in provider["events"]):
                    cases.append((name, label, event, send_secret, listen_secret))
        # About a hundred deliveries, each a listen and a send process: side by side.
        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(lambda case: self.deliver_one(*case), cases))
        for (name, label, event, send_secret, _), outcome in zip(cases, outcomes):
            with self.subTest(provider=name, key=label, event=event):
                self.check_one(name, event, send_secret is not None, *outcome)

    @staticmethod
    def deliver_one(provider, _label, event, send_secret, listen_secret):
        is_signed = send_secret is not None
        secret = ["--secret", send_secret] if is_signed else []
        listen_secret = ["--secret", listen_secret] if is_signed else []
        listener = Listener("--provider", provider, *listen_secret, "--count", "1", "--json",
                            *(["--require-valid"] if is_signed else []), "--timeout", "60s")
        # Twilio signs the full URL: listen rebuilds it from Host and the target, so this one.
        url = f"http://127.0.0.1:{listener.port}/hooks/{provider}?source=send_test"
        proc = send(url, "--provider", provider, "--event", event, *secret, "--retries", "0")
        listen_exit = settle(listener, proc)
        return proc, listen_exit, listener

    def check_one(self, provider, event, is_signed, proc, listen_exit, listener):
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(proc.out.splitlines()[-1], "delivered after 1 attempt", proc.out)
        self.assertEqual(listen_exit, 0, listener.stdout + listener.stderr)
        [record] = listener.json_lines()
        if is_signed:
            self.assertTrue(record["verify"]["ok"], record["verify"])
        self.assertEqual(record["target"], f"/hooks/{provider}?source=send_test")
        if provider in WITHOUT_EVENT_TYPE:
            self.assertIn(record["event"], (None, event))
        elif provider in EVENT_IS_ACTION:
            self.assertEqual(record["event"], json.loads(body_of(record))["event"])
        else:
            self.assertEqual(record["event"], event)
        self.assertEqual(record.get("envelope", []), [])
        if provider in SEED_PLATFORMS:
            self.assertIn("envelope", record)
        delivery_id = sent_id(proc)
        self.assertTrue(delivery_id, proc.out)
        if provider in WITHOUT_ID or (provider, event) in EVENTS_WITHOUT_ID:
            self.assertIn(record["id"], (None, delivery_id))
        else:
            self.assertEqual(record["id"], delivery_id)


class Retries(unittest.TestCase):
    def test_a_flaky_receiver_gets_one_id_retried_after_the_scaled_waits(self):
        # "0,1s,2s" are the waits before retries 1, 2 and 3: an immediate first retry, then 1 s
        # and 2 s, scaled by 0.05 to 0, 50 and 100 ms. --fail-first 3 fails the first three
        # attempts, so all three waits are observed and the fourth attempt succeeds.
        listener = Listener("--provider", "stripe", "--secret", PLAIN_SECRET, "--fail-first", "3",
                            "--count", "4", "--json", "--timeout", "30s")
        url = f"http://127.0.0.1:{listener.port}/hook"
        proc, result = send_json(url, "--provider", "stripe", "--event", "invoice.paid",
                                 "--secret", PLAIN_SECRET, "--retry-schedule", "0,1s,2s",
                                 "--time-scale", "0.05")
        self.assertEqual(settle(listener, proc), 0, listener.stderr)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertTrue(result["delivered"])
        self.assertEqual([a["status"] for a in result["attempts"]], [500, 500, 500, 200])
        self.assertEqual([a["attempt"] for a in result["attempts"]], [1, 2, 3, 4])
        for attempt, wait in zip(result["attempts"], ["0ms", "50ms", "100ms"]):
            self.assertIn(f"in {wait}", attempt["reason"])
        records = listener.json_lines()
        self.assertEqual([r["response"]["status"] for r in records], [500, 500, 500, 200])
        self.assertEqual({r["id"] for r in records}, {result["id"]})
        self.assertTrue(all(r["verify"]["ok"] for r in records))
        arrived = [support.rfc3339_millis(r["received_at"]) for r in records]
        gaps = [b - a for a, b in zip(arrived, arrived[1:])]
        # Lower bounds from the scaled schedule (minus listen's 1 ms clock resolution); upper
        # bounds generous, the machine is shared.
        self.assertLess(gaps[0], 1000, gaps)
        self.assertGreaterEqual(gaps[1], 45, gaps)
        self.assertLess(gaps[1], 1500, gaps)
        self.assertGreaterEqual(gaps[2], 95, gaps)
        self.assertLess(gaps[2], 2000, gaps)

    def test_timestamped_schemes_are_signed_again_for_each_attempt(self):
        # Timestamps are in seconds: a 1.1 s wait makes the second attempt's differ.
        cases = [("stripe", PLAIN_SECRET, "Stripe-Signature"),
                 ("standard", WHSEC, "webhook-signature")]
        for provider, secret, signature_header in cases:
            with self.subTest(provider=provider):
                listener = Listener("--provider", provider, "--secret", secret, "--fail-first",
                                    "1", "--count", "2", "--json", "--timeout", "30s")
                proc, result = send_json(f"http://127.0.0.1:{listener.port}/hook", "--provider",
                                         provider, "--secret", secret, "--retry-schedule",
                                         "1100ms")
                self.assertEqual(settle(listener, proc), 0, listener.stderr)
                self.assertEqual(proc.returncode, 0, proc.out + proc.err)
                first, second = listener.json_lines()
                self.assertEqual(first["id"], second["id"])
                self.assertEqual(first["id"], result["id"])
                self.assertTrue(first["verify"]["ok"] and second["verify"]["ok"])
                self.assertNotEqual(header(first, signature_header),
                                    header(second, signature_header))
                if provider == "standard":
                    self.assertEqual(header(first, "webhook-id"), header(second, "webhook-id"))
                    self.assertGreater(int(header(second, "webhook-timestamp")),
                                       int(header(first, "webhook-timestamp")))

    def test_retries_0_sends_once(self):
        listener = Listener("--fail-first", "2", "--json")
        try:
            proc, result = send_json(f"http://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                                     "--retry-schedule", "0,1s", "--retries", "0")
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertFalse(result["delivered"])
        self.assertEqual([a["status"] for a in result["attempts"]], [500])
        self.assertEqual(len(listener.json_lines()), 1)

    def test_410_gone_stops_after_one_attempt(self):
        app = ScriptedApp([(410, {}, b"gone")])
        try:
            proc = send(app.url + "/hook", "--secret", WHSEC, "--retry-schedule", "0,0,0")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertEqual(len(app.requests), 1)
        one_line_about(self, proc, "410")
        self.assertEqual(proc.out.splitlines()[-1], "failed after 1 attempt")

    def test_429_and_503_wait_for_retry_after(self):
        for status in (429, 503):
            with self.subTest(status=status):
                app = ScriptedApp([(status, {"Retry-After": "1"}, b""), (200, {}, b"ok")])
                try:
                    # The schedule says retry at once; Retry-After 1 s, scaled by 0.1, wins.
                    proc, result = send_json(app.url + "/hook", "--secret", WHSEC,
                                             "--retry-schedule", "0", "--time-scale", "0.1")
                finally:
                    app.close()
                self.assertEqual(proc.returncode, 0, proc.out + proc.err)
                self.assertEqual([a["status"] for a in result["attempts"]], [status, 200])
                self.assertIn("Retry-After", result["attempts"][0]["reason"])
                self.assertEqual(len(app.requests), 2)
                [gap] = app.gaps_ms()
                self.assertGreaterEqual(gap, 90)
                self.assertLess(gap, 2000)

    def test_a_redirect_is_not_followed(self):
        app = ScriptedApp([(302, {"Location": "/elsewhere"}, b"")])
        try:
            proc = send(app.url + "/hook", "--secret", WHSEC, "--retries", "0")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertEqual([request[2] for request in app.requests], ["/hook"])
        self.assertIn("/elsewhere", one_line_about(self, proc, "302", "redirect"))

    def test_non_2xx_after_the_schedule_is_exhausted_fails_with_one_line(self):
        app = ScriptedApp([(500, {}, b"boom")])
        try:
            proc = send(app.url + "/hook", "--secret", WHSEC, "--retry-schedule", "0,0")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertEqual(len(app.requests), 3)
        one_line_about(self, proc, "500", "giving up")
        self.assertEqual(proc.out.splitlines()[-1], "failed after 3 attempts")


class SameDelivery(unittest.TestCase):
    """A retry is the same delivery, as real providers resend an event: the same body and id;
    only what a scheme signs with a time is signed afresh."""

    def test_every_provider_retries_the_same_body_and_id(self):
        providers = [p for p in support.provider_catalog() if p["can_sign"] and p["events"]]
        self.assertGreaterEqual(len(providers), 10)
        cases = [(provider, key_pairs(provider)[0]) for provider in providers
                 if key_pairs(provider)]
        # Each case waits 1.1 s for its third attempt: run them side by side.
        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(lambda case: self.three_attempts(*case), cases))
        for (provider, _), (proc, listen_exit, records) in zip(cases, outcomes):
            with self.subTest(provider=provider["name"]):
                self.check_same_delivery(provider, proc, listen_exit, records)

    @staticmethod
    def three_attempts(provider, pair):
        """listen --fail-first 2 fails two attempts; the third, 1.1 s after the second (a new
        second for timestamped schemes), is let through only if it is the same delivery."""
        _, send_secret, listen_secret = pair
        name = provider["name"]
        listen_secret = ["--secret", listen_secret] if listen_secret else []
        send_secret = ["--secret", send_secret] if send_secret else []
        listener = Listener("--provider", name, *listen_secret, "--fail-first", "2", "--count",
                            "3", "--json", "--timeout", "30s")
        proc = send(f"http://127.0.0.1:{listener.port}/hooks/{name}", "--provider", name,
                    "--event", provider["events"][0]["name"], *send_secret,
                    "--retry-schedule", "0,1100ms")
        listen_exit = settle(listener, proc)
        return proc, listen_exit, listener.json_lines()

    def check_same_delivery(self, provider, proc, listen_exit, records):
        name = provider["name"]
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(proc.out.splitlines()[-1], "delivered after 3 attempts", proc.out)
        self.assertEqual(listen_exit, 0, records)
        self.assertEqual([r["response"]["status"] for r in records], [500, 500, 200])
        self.assertEqual(len({r["body_sha256"] for r in records}), 1, "bodies differ")
        if name not in WITHOUT_ID:
            self.assertEqual({r["id"] for r in records}, {sent_id(proc)})
            self.assertEqual([r["redelivery"] for r in records], [False, True, True])
        if provider["algorithm"].lower().startswith("none"):
            self.assertEqual(records[0]["headers"], records[2]["headers"])
            return
        self.assertTrue(all(r["verify"]["ok"] for r in records), [r["verify"] for r in records])
        first, third = records[0]["headers"], records[2]["headers"]
        self.assertEqual([n for n, _ in first], [n for n, _ in third], "header lists differ")
        changed = {n.lower() for (n, a), (_, b) in zip(first, third) if a != b}
        if "{timestamp}" not in provider["signed_content"]:
            # Nothing signed with a time: the attempts are the same bytes, but for a send time
            # that is not signed (Sentry-Hook-Timestamp), which each attempt gives afresh.
            self.assertLessEqual(changed, {h.lower() for h in provider["other_headers"]})
        else:
            # A fresh signature over a new timestamp; nothing else changes.
            signed = {provider["signature_header"].lower(),
                      *(h.lower() for h in provider["other_headers"])}
            self.assertIn(provider["signature_header"].lower(), changed)
            self.assertLessEqual(changed, signed)

    def test_a_provider_without_delivery_ids_gets_through_listen_fail_first(self):
        # CodeNx carries no id: listen tells attempts apart by their bodies, which must match.
        listener = Listener("--provider", "codenx", "--secret", PLAIN_SECRET, "--fail-first",
                            "2", "--count", "3", "--json", "--timeout", "30s")
        proc, result = send_json(f"http://127.0.0.1:{listener.port}/hook", "--provider",
                                 "codenx", "--event", "record.updated", "--secret",
                                 PLAIN_SECRET, "--retry-schedule", "0,0", "--time-scale", "0.01")
        self.assertEqual(settle(listener, proc), 0, listener.stderr)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual([a["status"] for a in result["attempts"]], [500, 500, 200])
        records = listener.json_lines()
        self.assertEqual(len({r["body_sha256"] for r in records}), 1)
        self.assertEqual(len({header(r, "x-codenx-signature") for r in records}), 1)

    def test_send_count_retries_carry_their_first_attempts_body(self):
        # Every delivery of the run fails once: each retry must be its own delivery again.
        with tempfile.TemporaryDirectory() as directory:
            log = os.path.join(directory, "deliveries.jsonl")
            listener = Listener("--provider", "stripe", "--secret", PLAIN_SECRET, "--fail-first",
                                "1", "--count", "20", "--quiet", "--log", log, "--timeout", "60s")
            proc, summary = send_json(f"http://127.0.0.1:{listener.port}/hook", "--provider",
                                      "stripe", "--event", "invoice.paid", "--secret",
                                      PLAIN_SECRET, "--count", "10", "--concurrency", "3",
                                      "--retry-schedule", "1100ms")
            self.assertEqual(settle(listener, proc), 0, listener.stderr)
            with open(log, encoding="utf-8") as file:
                records = [json.loads(line) for line in file]
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual((summary["delivered"], summary["failed"]), (10, 0))
        by_id = {}
        for record in records:
            by_id.setdefault(record["id"], []).append(record)
        self.assertEqual(len(by_id), 10)
        for attempts in by_id.values():
            self.assertEqual([r["response"]["status"] for r in attempts], [500, 200])
            self.assertEqual(attempts[0]["body_sha256"], attempts[1]["body_sha256"])
            self.assertTrue(all(r["verify"]["ok"] for r in attempts))
            self.assertNotEqual(header(attempts[0], "Stripe-Signature"),
                                header(attempts[1], "Stripe-Signature"))


class DryRunJson(unittest.TestCase):
    def test_dry_run_json_prints_one_json_object_and_sends_nothing(self):
        app = ScriptedApp([(200, {}, b"ok")])
        try:
            proc, result = send_json(app.url + "/hook", "--provider", "github", "--event",
                                     "push", "--secret", PLAIN_SECRET, "--dry-run")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertIsNotNone(result, proc.out)
        self.assertEqual(app.requests, [])
        self.assertEqual((result["v"], result["dry_run"], result["method"]), (1, True, "POST"))
        self.assertEqual(result["target"], "/hook")
        names = [name for name, _ in result["headers"]]
        self.assertIn("X-Hub-Signature-256", names)
        self.assertTrue(result["wire"].startswith("POST /hook HTTP/1.1\r\n"), result["wire"])
        self.assertTrue(result["wire"].endswith("\r\n\r\n" + result["body"]), result["wire"])
        self.assertIn("curl", result["curl"])
        json.loads(result["body"])


class HeldBack(unittest.TestCase):
    """A terminal is not held for days by a provider's schedule, and Ctrl-C tells what happened."""

    def test_max_wait_stops_and_says_what_the_schedule_would_still_do(self):
        app = ScriptedApp([(500, {}, b"down")])
        try:
            # Stripe waits 1m, 5m, 30m, 1h, ...: past a 30s budget already at the first retry.
            proc = send(app.url + "/hook", "--provider", "stripe", "--secret", PLAIN_SECRET,
                        "--max-wait", "30s")
            _, result = send_json(app.url + "/hook", "--provider", "stripe", "--secret",
                                  PLAIN_SECRET, "--max-wait", "30s")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertEqual(len(app.requests), 2)
        line = one_line_about(self, proc, "not delivered after 1 attempt", "--max-wait none")
        self.assertIn("next retry is in 1m", line)
        self.assertIn("the schedule would retry 10 more times, in 1m, 5m, 30m", proc.out)
        self.assertEqual(result["waits_left_ms"][:3], [60000, 300000, 1800000])
        self.assertEqual(len(result["waits_left_ms"]), 10)
        self.assertFalse(result["delivered"])
        self.assertEqual(len(result["attempts"]), 1)

    def test_max_wait_counts_the_waits_it_has_made(self):
        app = ScriptedApp([(503, {}, b"")])
        try:
            proc, result = send_json(app.url + "/hook", "--secret", WHSEC, "--retry-schedule",
                                     "0,200ms,400ms,10s", "--max-wait", "1s")
        finally:
            app.close()
        self.assertEqual(proc.returncode, 1, proc.err)
        self.assertEqual(len(app.requests), 4)
        self.assertEqual(result["waits_left_ms"], [10000])

    def test_ctrl_c_while_waiting_prints_what_happened_and_exits_130(self):
        app = ScriptedApp([(500, {}, b"down")])
        try:
            proc = subprocess.Popen([support.hooks_binary(), "send", app.url + "/hook",
                                     "--secret", WHSEC, "--retry-schedule", "0,30s"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=listen_support.base_env())
            self.assertTrue(listen_support.wait_until(lambda: len(app.requests) == 2))
            time.sleep(0.2)
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
        finally:
            app.close()
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"interrupted after 2 attempts", out)
        self.assertEqual(len(err.decode().splitlines()), 1, err)
        self.assertIn(b"interrupted", err)

    def test_ctrl_c_while_waiting_for_a_response_ends_the_attempt_at_once(self):
        # A receiver that accepts and never answers: the attempt would wait for --timeout.
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(4)
            port = server.getsockname()[1]
            proc = subprocess.Popen([support.hooks_binary(), "send",
                                     f"http://127.0.0.1:{port}/hook", "--secret", WHSEC,
                                     "--timeout", "30s", "--json"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=listen_support.base_env())
            connection, _ = server.accept()
            with connection:
                time.sleep(0.3)
                started = time.monotonic()
                proc.send_signal(signal.SIGINT)
                out, err = proc.communicate(timeout=10)
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(proc.returncode, 130, err)
        result = json.loads(out)
        self.assertTrue(result["interrupted"])
        self.assertEqual([a["error"] for a in result["attempts"]],
                         ["interrupted before the response"])

    def test_ctrl_c_during_count_prints_the_summary_so_far(self):
        listener = Listener("--quiet")
        try:
            proc = subprocess.Popen([support.hooks_binary(), "send",
                                     f"http://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                                     "--count", "100000000", "--concurrency", "4", "--json"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=listen_support.base_env())
            time.sleep(1)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 130, err)
        summary = json.loads(out)
        self.assertTrue(summary["interrupted"])
        self.assertGreater(summary["delivered"], 0)
        self.assertLess(summary["delivered"], 100000000)
        self.assertEqual(len(err.decode().splitlines()), 1, err)


class Failures(unittest.TestCase):
    def test_a_refused_connection_is_one_line_exit_1(self):
        port = listen_support.free_port()
        proc = send(f"http://127.0.0.1:{port}/hook", "--secret", WHSEC, "--retries", "0")
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        one_line_about(self, proc, "cannot connect", str(port))

    def test_a_slow_receiver_times_out_with_one_line(self):
        listener = Listener("--delay", "2s", "--quiet")
        try:
            started = time.monotonic()
            proc = send(f"http://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                        "--timeout", "200ms", "--retries", "0")
            elapsed = time.monotonic() - started
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        self.assertLess(elapsed, 1.8)
        one_line_about(self, proc, "timed out")

    def test_a_response_timeout_is_reported_as_a_timeout_with_its_budget(self):
        listener = Listener("--delay", "2s", "--quiet")
        try:
            proc, result = send_json(f"http://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                                     "--timeout", "200ms", "--retries", "0")
            summary_proc, summary = send_json(f"http://127.0.0.1:{listener.port}/hook",
                                              "--secret", WHSEC, "--timeout", "200ms",
                                              "--retries", "0", "--count", "2")
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 1)
        # The retry decision and the --count summary should both call it a timeout.
        self.assertIn("timed out after 200ms", result["attempts"][0]["reason"])
        self.assertEqual(summary_proc.returncode, 1)
        self.assertEqual(summary["failures"], {"timeout": 2})

    def test_https_to_a_plain_http_receiver_is_a_tls_failure(self):
        listener = Listener("--quiet")
        try:
            proc = send(f"https://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                        "--retries", "0", "--timeout", "5s")
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        one_line_about(self, proc, "TLS")

    def test_an_unresolvable_host_fails_without_a_network_query(self):
        # "no..such" has an empty label, which cannot be written as a DNS query: the resolver
        # rejects it locally. strace confirms no packet leaves for a non-loopback address (and
        # that no resolver daemon is asked); without strace that cannot be checked: skip.
        strace = shutil.which("strace")
        if strace is None:
            self.skipTest("strace is not installed: cannot check that no DNS query leaves")
        with tempfile.TemporaryDirectory() as directory:
            trace = os.path.join(directory, "trace")
            proc = subprocess.run([strace, "-f", "-e", "trace=network", "-o", trace,
                                   support.hooks_binary(), "send", "http://no..such:9/hook",
                                   "--secret", WHSEC, "--retries", "0", "--timeout", "2s"],
                                  capture_output=True, timeout=60,
                                  # LeakSanitizer cannot run under ptrace: an ASan build
                                  # would add its complaint to the one line checked below.
                                  env=support.base_env({"ASAN_OPTIONS": ":".join(filter(None, [
                                      os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"]))}))
            proc.out = proc.stdout.decode(errors="replace")
            proc.err = proc.stderr.decode(errors="replace")
            traced = ""
            if os.path.exists(trace):
                with open(trace, encoding="utf-8", errors="replace") as file:
                    traced = file.read()
        if "+++ exited with" not in traced:
            self.skipTest(f"strace cannot trace here: {proc.err[-200:]!r}")
        calls = [line for line in traced.splitlines()
                 if re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", line)]
        for call in calls:
            if "AF_UNIX" in call and ("nscd" in call or "resolve" in call) and "= 0" in call:
                self.skipTest(f"a resolver daemon was asked, it may query the network: {call}")
            for address in re.findall(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"',
                                      call):
                address = address[0] or address[1]
                self.assertTrue(address.startswith("127.") or address == "::1",
                                f"a packet left for {address}: {call}")
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        one_line_about(self, proc, "no..such", "host")


class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        made = support.make_self_signed_certificate(cls.directory.name)
        if made is None:
            cls.directory.cleanup()
            raise unittest.SkipTest("the openssl CLI is not installed")
        cls.cert, key = made
        cls.app = ScriptedApp([(200, {"Content-Type": "text/plain"}, b"ok")],
                              ssl_context=support.tls_server_context(cls.cert, key))

    @classmethod
    def tearDownClass(cls):
        cls.app.close()
        cls.directory.cleanup()

    def send(self, *flags):
        return send(self.app.url + "/hook", "--secret", WHSEC, "--retries", "0", *flags)

    def test_an_untrusted_certificate_fails_naming_cacert_and_insecure(self):
        proc = self.send()
        self.assertEqual(proc.returncode, 1, proc.out + proc.err)
        line = one_line_about(self, proc, "TLS")
        self.assertIn("--cacert", line)
        self.assertIn("--insecure", line)

    def test_insecure_delivers(self):
        proc = self.send("--insecure")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(proc.out.splitlines()[-1], "delivered after 1 attempt")

    def test_cacert_delivers(self):
        proc = self.send("--cacert", self.cert)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(proc.out.splitlines()[-1], "delivered after 1 attempt")

    def test_count_over_https_keeps_the_header_order_and_adds_nothing(self):
        # --count runs on the batch engine: over TLS too, headers go out in the order given
        # (not sorted by name) and nothing is added to hooks' own User-Agent and Accept.
        before = len(self.app.requests)
        proc = self.send("--cacert", self.cert, "--count", "3", "--concurrency", "2",
                         "-H", "Z-First: 1", "-H", "A-Second: 2")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        requests = self.app.requests[before:]
        self.assertEqual(len(requests), 3)
        for _, _, _, headers, _ in requests:
            names = [name.lower() for name, _ in headers]
            self.assertEqual(names[:4], ["host", "user-agent", "accept", "content-type"], headers)
            self.assertEqual(len(names), len(set(names)), headers)
            agents = [value for name, value in headers if name.lower() == "user-agent"]
            self.assertEqual(len(agents), 1, headers)
            self.assertTrue(agents[0].startswith("hooks/"), headers)
            self.assertLess(names.index("z-first"), names.index("a-second"), headers)


class ExactRequest(unittest.TestCase):
    def test_what_arrives_is_what_dry_run_printed_with_every_h_header_in_order(self):
        # -H replaces hooks' own header of the same name (User-Agent here) and is sent as given:
        # in order, case kept, duplicates kept. Nothing is added beyond Host and Content-Length,
        # which --dry-run shows too.
        app = listen_support.RawApp()
        try:
            args = ("--secret", WHSEC, "--id", "msg_exact", "--retries", "0",
                    "-H", "X-Dup: a", "-H", "zeta-Last: 1", "-H", "user-agent: mine/2",
                    "-H", "X-DUP: b")
            env = {"HOOKS_NOW": "1700000000"}
            dry = send(app.url + "/hook", *args, "--dry-run", env=env)
            proc = send(app.url + "/hook", *args, env=env)
        finally:
            app.close()
        self.assertEqual(dry.returncode, 0, dry.err)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        [(head, body)] = app.requests
        printed, separator, _ = dry.stdout.partition(b"\n\n# the same with curl:\n")
        self.assertTrue(separator, dry.out)
        self.assertEqual(head + body, printed)
        lines = listen_support.header_lines(head)
        self.assertEqual(lines[0], b"Host: 127.0.0.1:%d" % app.port)
        self.assertEqual(lines[-5:], [b"X-Dup: a", b"zeta-Last: 1", b"user-agent: mine/2",
                                      b"X-DUP: b", b"Content-Length: %d" % len(body)])
        names = [line.split(b":", 1)[0].lower() for line in lines]
        self.assertEqual(names.count(b"user-agent"), 1, lines)
        self.assertEqual(names.count(b"content-length"), 1, lines)


class Load(unittest.TestCase):
    def test_count_and_concurrency_deliver_distinct_verified_deliveries(self):
        with tempfile.TemporaryDirectory() as directory:
            log = os.path.join(directory, "deliveries.jsonl")
            listener = Listener("--provider", "standard", "--secret", WHSEC, "--quiet", "--log",
                                log, "--count", "200", "--timeout", "60s")
            proc, summary = send_json(f"http://127.0.0.1:{listener.port}/hook", "--secret",
                                      WHSEC, "--count", "200", "--concurrency", "8",
                                      "--retries", "0")
            self.assertEqual(settle(listener, proc), 0, listener.stderr)
            with open(log, encoding="utf-8") as file:
                records = [json.loads(line) for line in file]
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(summary["v"], 1)
        self.assertEqual((summary["delivered"], summary["failed"]), (200, 0))
        self.assertEqual((summary["count"], summary["concurrency"]), (200, 8))
        latency = summary["latency_ms"]
        self.assertTrue(0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"],
                        latency)
        self.assertEqual(len(records), 200)
        self.assertEqual(len({header(r, "webhook-id") for r in records}), 200)
        self.assertTrue(all(r["verify"]["ok"] for r in records))

    def test_keep_alive_deliveries_do_not_stall(self):
        # On loopback a delivery takes about a millisecond. A client that writes headers and
        # body in two segments without TCP_NODELAY waits ~40 ms for the receiver's delayed ACK
        # on every reused connection (Nagle): 20 ms is far above noise and far below that.
        listener = Listener("--quiet", "--count", "20", "--timeout", "60s")
        proc, summary = send_json(f"http://127.0.0.1:{listener.port}/hook", "--secret", WHSEC,
                                  "--count", "20", "--retries", "0")
        self.assertEqual(settle(listener, proc), 0, listener.stderr)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertLess(summary["latency_ms"]["p50"], 20, summary)


class HeaderInjection(unittest.TestCase):
    def test_bad_headers_are_refused_before_anything_is_sent(self):
        listener = Listener("--count", "1", "--timeout", "2s", "--json")
        url = f"http://127.0.0.1:{listener.port}/hook"
        bad = {"CR LF in value": "X-A: b\r\nX-Evil: 1",
               "LF in value": "X-A: b\nX-Evil: 1",
               "space in name": "X Evil: 1",
               "no colon": "X-Evil",
               "empty name": ": 1",
               "CR LF in name": "X-A\r\nX-Evil: 1"}
        for label, value in bad.items():
            with self.subTest(header=label):
                proc = send(url, "--secret", WHSEC, "--retries", "0", "-H", value)
                line = usage_error_line(self, proc)
                self.assertNotIn("\r", line)
        # Nothing reached the receiver: it times out waiting for its one delivery.
        self.assertEqual(listener.wait(), 1)
        self.assertEqual(listener.json_lines(), [])
        self.assertIn("0 of 1", listener.stderr)

    def test_a_bad_method_is_refused_before_anything_is_sent(self):
        # The method goes on the request line: CR LF there would inject a whole request.
        listener = Listener("--json")
        url = f"http://127.0.0.1:{listener.port}/hook"
        bad = {"CR LF in method": "GET /admin HTTP/1.1\r\nX-Evil: 1\r\n\r\nPOST",
               "space in method": "GE T"}
        try:
            for label, method in bad.items():
                with self.subTest(method=label):
                    proc = send(url, "--secret", WHSEC, "--retries", "0", "--method", method)
                    line = usage_error_line(self, proc)
                    self.assertIn("method", line)
                    self.assertNotIn("\r", proc.out + proc.err)
        finally:
            listener.stop()
        self.assertEqual(listener.json_lines(), [])


class Payload(unittest.TestCase):
    def deliver(self, provider, *args, stdin=b"", secret=PLAIN_SECRET):
        """Sends one delivery to a fresh listen; returns (send process, listen record)."""
        listener = Listener("--provider", provider, "--secret", secret, "--count", "1",
                            "--json", "--timeout", "20s")
        proc = send(f"http://127.0.0.1:{listener.port}/hook", "--provider", provider,
                    "--secret", secret, "--retries", "0", *args, stdin=stdin)
        settle(listener, proc)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        [record] = listener.json_lines()
        self.assertTrue(record["verify"]["ok"], record["verify"])
        return proc, record

    def test_only_if_changed_sends_only_when_the_field_differs(self):
        # The record.updated sample changes the price; the name stays the same.
        listener = Listener("--provider", "codenx", "--secret", PLAIN_SECRET, "--count", "1",
                            "--json", "--timeout", "20s")
        url = f"http://127.0.0.1:{listener.port}/hook"
        common = ["--provider", "codenx", "--event", "record.updated", "--secret", PLAIN_SECRET,
                  "--retries", "0"]
        same = send(url, *common, "--only-if-changed", "name", "-H", "X-Case: same")
        changed = send(url, *common, "--only-if-changed", "price", "-H", "X-Case: changed")
        self.assertEqual(settle(listener, changed), 0, listener.stderr)
        self.assertEqual(same.returncode, 0, same.out + same.err)
        self.assertEqual(same.out, "")
        self.assertIn("not sent", same.err)
        self.assertEqual(len(same.err.splitlines()), 1)
        self.assertEqual(changed.returncode, 0, changed.out + changed.err)
        [record] = listener.json_lines()
        self.assertEqual(header(record, "X-Case"), "changed")

    def test_only_if_changed_holds_for_every_delivery_of_a_count(self):
        listener = Listener("--json")
        try:
            proc = send(f"http://127.0.0.1:{listener.port}/hook", "--provider", "codenx",
                        "--event", "record.updated", "--secret", PLAIN_SECRET, "--retries", "0",
                        "--only-if-changed", "name", "--count", "3")
        finally:
            listener.stop()
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(listener.json_lines(), [])

    def test_data_inline_replaces_the_codenx_record_and_the_diff_follows(self):
        data = ('{"id":"rec_8f3k2m","name":"Mechanical Keyboard","price":1.50,'
                '"big":12345678901234567890}')
        _, record = self.deliver("codenx", "--event", "record.updated", "--data", data)
        self.assertIn('"record":' + data, record["body_text"])  # byte-exact, digits kept
        body = json.loads(record["body_text"])
        self.assertEqual(body["diff"]["price"], {"from": 1299, "to": 1.5})
        self.assertNotIn("name", body["diff"])
        self.assertEqual(record["envelope"], [])

    def test_data_from_a_file_is_compacted_into_the_stripe_envelope(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "invoice.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write('{\n  "id": "in_from_file",\n  "amount_paid": 4200\n}\n')
            proc, record = self.deliver("stripe", "--event", "invoice.paid", "--data", "@" + path)
        self.assertIn('"data":{"object":{"id":"in_from_file","amount_paid":4200}}',
                      record["body_text"])
        body = json.loads(record["body_text"])
        self.assertEqual(body["type"], "invoice.paid")
        self.assertEqual(body["id"], sent_id(proc))

    def test_data_from_stdin_is_the_whole_github_body(self):
        _, record = self.deliver("github", "--event", "push", "--data", "-",
                                 stdin=b'{"ref": "refs/heads/from-stdin", "commits": []}')
        self.assertEqual(body_of(record), b'{"ref":"refs/heads/from-stdin","commits":[]}')
        self.assertEqual(header(record, "X-GitHub-Event"), "push")

    def test_set_changes_fields_as_json_or_text(self):
        _, record = self.deliver("stripe", "--event", "invoice.paid",
                                 "--set", "data.object.amount_paid=4200",
                                 "--set", "/data/object/currency=eur",
                                 "--set", 'data.object.metadata={"order":"A-1"}')
        invoice = json.loads(record["body_text"])["data"]["object"]
        self.assertEqual(invoice["amount_paid"], 4200)
        self.assertEqual(invoice["currency"], "eur")
        self.assertEqual(invoice["metadata"], {"order": "A-1"})

    def test_map_gives_exactly_the_codex_custom_payload(self):
        # Codex does not sign its webhooks: no secret, and nothing for listen to verify.
        listener = Listener("--count", "1", "--json", "--timeout", "20s")
        proc = send(f"http://127.0.0.1:{listener.port}/hook", "--provider", "codex",
                    "--event", "entry.publish", "--map", "Id=/object/id",
                    "--map", "Title=/object/system/title", "--method", "PUT", "--retries", "0")
        settle(listener, proc)
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        [record] = listener.json_lines()
        self.assertEqual(record["method"], "PUT")  # Codex webhooks may use any method
        self.assertEqual(body_of(record), b'{"Id":"ce9NGrW6Tl","Title":"My first recipe"}')

    def test_bad_json_in_data_is_a_usage_error(self):
        listener = Listener("--json")
        try:
            for data in ('{"price":', "not json", '{"a":1} trailing'):
                with self.subTest(data=data):
                    proc = send(f"http://127.0.0.1:{listener.port}/hook", "--provider", "codenx",
                                "--secret", PLAIN_SECRET, "--data", data)
                    self.assertIn("--data", usage_error_line(self, proc))
        finally:
            listener.stop()
        self.assertEqual(listener.json_lines(), [])


if __name__ == "__main__":
    listen_support.HOOKS = sys.argv.pop(1)
    unittest.main(verbosity=2)
