#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Black-box tests of `hooks replay`: the real binary re-delivering logs to the real
`hooks listen` and to small local Python servers, over real sockets on 127.0.0.1.

Usage: replay_test.py HOOKS_BINARY [unittest args]"""
import base64
import hashlib
import http.client
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "send"))
import replay_support as support  # noqa: E402
from replay_support import CountingReceiver, json_lines, listen_support, log_line, replay  # noqa
import send_support  # noqa: E402
from send_support import WHSEC, Listener, ScriptedApp, send  # noqa: E402

FRAMING = {"host", "content-length", "transfer-encoding"}


def body_of(record):
    """The body of a log record: body_text (version 2, a UTF-8 body) or body_b64."""
    if record.get("body_text") is not None:
        body = record["body_text"].encode("utf-8")
        if record.get("body_b64") is not None:
            assert base64.b64decode(record["body_b64"]) == body, record
        return body
    return base64.b64decode(record["body_b64"])


def read_log(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def one_error_line(test, proc, code, *words):
    """Asserts exit `code` and a single 'hooks: error:' line on stderr containing `words`."""
    test.assertEqual(proc.returncode, code, proc.out + proc.err)
    lines = [line for line in proc.err.splitlines() if line.startswith("hooks: error:")]
    test.assertEqual(len(lines), 1, proc.err)
    for word in words:
        test.assertIn(word, lines[0])
    return lines[0]


class Directory(unittest.TestCase):
    def setUp(self):
        self._directory = tempfile.TemporaryDirectory()
        self.addCleanup(self._directory.cleanup)
        self.dir = self._directory.name

    def path(self, name):
        return os.path.join(self.dir, name)

    def receiver(self, decide=None):
        receiver = CountingReceiver(decide)
        self.addCleanup(receiver.close)
        return receiver

    def write(self, name, lines):
        with open(self.path(name), "w", encoding="utf-8") as file:
            file.writelines(lines)
        return self.path(name)


def raw_request(port, data: bytes):
    """Sends raw request bytes to 127.0.0.1:port and returns the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        return sock.recv(4096).split(b"\r\n", 1)[0]


class RoundTrip(Directory):
    def test_listen_replay_listen_keeps_bodies_and_header_lists(self):
        first_log, second_log = self.path("first.jsonl"), self.path("second.jsonl")
        first = Listener("--provider", "auto", "--secret", WHSEC, "--log", first_log, "--quiet",
                         "--count", "6", "--timeout", "60s")
        url = f"http://127.0.0.1:{first.port}"
        for provider, target in (("standard", "/std?x=1"), ("github", "/gh")):
            sent = send(url + target, "--provider", provider, "--secret", WHSEC, "--retries", "0")
            self.assertEqual(sent.returncode, 0, sent.err)
        # Odd case, duplicates, a value with %0D%0A, a binary body, a chunked body, a PUT.
        self.assertIn(b" 200", raw_request(
            first.port, b"POST /raw HTTP/1.1\r\nHost: example.test\r\nx-dup: 1\r\nX-DUP: 2\r\n"
            b"X-Odd: a%0D%0Ab\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: 4\r\n\r\n\x00\xff\xfe\x01"))
        self.assertIn(b" 200", raw_request(
            first.port, b"POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
            b"X-After: yes\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"))
        self.assertIn(b" 200", raw_request(
            first.port, b"PUT /put?q=%20 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"))
        self.assertIn(b" 200", raw_request(
            first.port, b"POST /empty HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"))
        self.assertEqual(first.wait(), 0, first.stderr)

        second = Listener("--log", second_log, "--quiet", "--count", "6", "--timeout", "60s")
        proc = replay(first_log, "--to", f"http://127.0.0.1:{second.port}")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(second.wait(), 0, second.stderr)

        before = {r["target"]: r for r in read_log(first_log)}
        after = {r["target"]: r for r in read_log(second_log)}
        self.assertEqual(set(before), set(after))
        for target, old in before.items():
            new = after[target]
            with self.subTest(target=target):
                self.assertEqual(new["method"], old["method"])
                self.assertEqual(body_of(new), body_of(old))
                self.assertEqual(new["body_sha256"], old["body_sha256"])
                if target == "/chunked":
                    # De-chunked in the log, so sent with a Content-Length instead.
                    strip = [h for h in old["headers"] if h[0].lower() not in FRAMING]
                    self.assertEqual([h for h in new["headers"] if h[0].lower() not in FRAMING],
                                     strip)
                    continue
                host = f"127.0.0.1:{second.port}"
                expected = [[n, host] if n.lower() == "host" else [n, v]
                            for n, v in old["headers"]]
                self.assertEqual(new["headers"], expected)


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "log")


def header_bytes(value):
    """A header name or value of a log record as bytes: a string, or {"b64": ...}."""
    if isinstance(value, dict):
        return base64.b64decode(value["b64"])
    return value.encode("utf-8")


class LogVersions(Directory):
    """Logs of both versions, and what the reader accepts and refuses, through the real
    `hooks replay` to a real receiver."""

    def replay_exactly(self, path):
        """Replays the log at `path` and checks that each record arrived as recorded: method,
        target, header list (Host pointing at the receiver) and body, byte for byte."""
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url, "--quiet", "--concurrency", "1")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(proc.err, "")
        records = read_log(path)
        self.assertEqual(len(receiver.requests), len(records))
        for record, (_, method, target, headers, body) in zip(records, receiver.requests):
            with self.subTest(seq=record["seq"]):
                self.assertEqual(method, record["method"])
                self.assertEqual(target, record["target"])
                self.assertEqual(body, body_of(record))
                self.assertEqual(len(body), record["body_len"])
                self.assertEqual(hashlib.sha256(body).hexdigest(), record["body_sha256"])
                # http.server decodes header bytes as Latin-1.
                expected = [(header_bytes(n).decode("latin-1"), header_bytes(v).decode("latin-1"))
                            for n, v in record["headers"]]
                expected = [(n, f"127.0.0.1:{receiver.port}" if n.lower() == "host" else v)
                            for n, v in expected]
                self.assertEqual(list(headers), expected)
        return receiver

    def test_a_version_1_log_of_the_previous_release_is_replayed_byte_exact(self):
        receiver = self.replay_exactly(os.path.join(FIXTURES, "v1.jsonl"))
        bodies = [request[4] for request in receiver.requests]
        self.assertEqual(bodies[2], b"\xff\xfe\x00\x01 not \xc3( UTF-8 \x80")
        self.assertEqual(bodies[3], b"a\x00b\x00\x00end\x1f\x7f")
        self.assertEqual(bodies[4], b"")
        self.assertEqual(dict(receiver.requests[5][3])["X-Latin1"], "caf\xe9")

    def test_a_version_2_log_is_replayed_byte_exact(self):
        def captured(*headers, body):
            """Headers as a capture has them: Host first, Content-Length last."""
            return [("Host", "127.0.0.1:8080"), *headers, ("Content-Length", str(len(body)))]

        nobody = {"provider": None, "ok": None, "reason": None}
        binary, nul = b"\xff\xfe\x00 not UTF-8 \x80", b'{"a":"\x00 caf\xc3\xa9"}'
        lines = [
            log_line(1, binary, captured(("Content-Type", "x/y"), body=binary), target="/binary"),
            log_line(2, nul, captured(("X-A", "1"), ("x-a", "2"), body=nul), target="/nul",
                     verify=nobody),
            log_line(3, b"", captured(body=b""), target="/empty", status=204,
                     verify={"provider": "stripe", "ok": False, "reason": None}),
            log_line(4, b"plain", captured(("X-Latin1", {"b64": "Y2Fm6Q=="}), body=b"plain"),
                     target="/latin1"),
        ]
        for line in lines:
            self.assertTrue(line.startswith('{"v":2,'), line)
        self.assertNotIn("body_b64", json.loads(lines[1]))
        self.assertNotIn("body_text", json.loads(lines[0]))
        # Fields the reader does not know or need, and null where a field is optional.
        extra = json.loads(lines[3])
        extra.update({"trailers": None, "future": {"x": [1, 2.5]},
                      "id": None, "remote": None, "response": {"status": None}})
        lines[3] = json.dumps(extra) + "\n"
        receiver = self.replay_exactly(self.write("v2.jsonl", lines))
        self.assertEqual(receiver.requests[1][4], b'{"a":"\x00 caf\xc3\xa9"}')

    def test_a_record_that_lacks_what_replay_needs_is_one_error_naming_line_and_field(self):
        good = log_line(1, b"{}", [("webhook-id", "msg_1")])
        record = json.loads(log_line(2, b'{"a":1}', []))
        cases = []
        for field, named in (("method", "method"), ("target", "target"),
                             ("headers", "headers"), ("body_text", "body_text or body_b64")):
            lacking = dict(record)
            del lacking[field]
            cases.append((json.dumps(lacking), f"{named}: missing"))
        v1 = json.loads(log_line(2, b'{"a":1}', [], version=1))
        del v1["body_b64"]
        cases.append((json.dumps(v1), "body_b64: missing"))
        nulled = dict(record, method=None)
        cases.append((json.dumps(nulled), 'method: expected a string or {"b64": STRING}'))
        receiver = self.receiver()
        for line, message in cases:
            with self.subTest(message=message, line=line):
                path = self.write("lacking.jsonl", [good, line + "\n", good])
                proc = replay(path, "--to", receiver.url, "--quiet")
                self.assertEqual(proc.returncode, 2, proc.out + proc.err)
                [error] = [line for line in proc.err.splitlines()
                           if not line.startswith("hooks: replaying to ")]
                self.assertTrue(error.startswith(f"hooks: error: {path}:2: {message}; "), error)


class Outcomes(Directory):
    def one_delivery_log(self):
        return self.write("one.jsonl", [log_line(1, b'{"a":1}', [("webhook-id", "msg_1")],
                                                 id_="msg_1")])

    def run_one(self, decide, *args):
        receiver = self.receiver(decide)
        proc = replay(self.one_delivery_log(), "--to", receiver.url, "--json", "--quiet", *args)
        lines = json_lines(proc.out)
        return proc, receiver, lines[0] if lines else None

    def test_gone_stops_at_once(self):
        proc, receiver, result = self.run_one(lambda i, n: 410, "--retry-schedule", "10ms,10ms")
        self.assertEqual(proc.returncode, 1, proc.err)
        self.assertEqual(receiver.attempts, {"msg_1": 1})
        self.assertEqual((result["delivered"], result["status"], result["attempts"]),
                         (False, 410, 1))
        self.assertIn("410", result["reason"])

    def test_unavailable_then_success_is_delivered(self):
        proc, receiver, result = self.run_one(lambda i, n: 503 if n == 1 else 204,
                                              "--retry-schedule", "10ms")
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual((result["delivered"], result["status"], result["attempts"]),
                         (True, 204, 2))

    def test_retries_as_captured_are_the_same_request(self):
        proc, receiver, result = self.run_one(lambda i, n: 503 if n < 3 else 204,
                                              "--retry-schedule", "10ms,10ms")
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual(result["attempts"], 3)
        attempts = [request[1:] for request in receiver.requests]
        self.assertEqual(len(attempts), 3)
        self.assertEqual(attempts[1], attempts[0])
        self.assertEqual(attempts[2], attempts[0])

    def test_retries_signed_afresh_get_a_new_signature_each(self):
        stale = str(int(time.time()) - 3600)
        path = self.write("stale.jsonl", [log_line(1, b'{"a":1}', [
            ("webhook-id", "msg_1"), ("webhook-timestamp", stale),
            ("webhook-signature", "v1,c3RhbGU=")], id_="msg_1")])
        receiver = self.receiver(lambda i, n: 503 if n == 1 else 204)
        proc = replay(path, "--to", receiver.url, "--provider", "standard", "--secret", WHSEC,
                      "--retry-schedule", "1500ms", "--quiet")
        self.assertEqual(proc.returncode, 0, proc.err)
        first, second = [dict(request[3]) for request in receiver.requests]
        self.assertEqual([request[4] for request in receiver.requests], [b'{"a":1}'] * 2)
        self.assertEqual(first["webhook-id"], "msg_1")
        self.assertEqual(second["webhook-id"], "msg_1")
        self.assertGreater(int(first["webhook-timestamp"]), int(stale))
        self.assertGreater(int(second["webhook-timestamp"]), int(first["webhook-timestamp"]))
        self.assertNotEqual(second["webhook-signature"], first["webhook-signature"])

    def test_a_record_without_an_id_keeps_the_id_it_is_given_across_retries(self):
        # Signing afresh needs a webhook-id: a record that has none gets one, and every attempt
        # of that record carries the same one (not a fresh id per attempt).
        path = self.write("no_id.jsonl", [log_line(1, b'{"a":1}', [
            ("Content-Type", "application/json")])])
        receiver = self.receiver(lambda i, n: 503 if n < 3 else 204)
        proc = replay(path, "--to", receiver.url, "--provider", "standard", "--secret", WHSEC,
                      "--retry-schedule", "10ms,10ms", "--json", "--quiet")
        self.assertEqual(proc.returncode, 0, proc.err)
        ids = [dict(request[3])["webhook-id"] for request in receiver.requests]
        self.assertEqual(len(ids), 3)
        self.assertTrue(ids[0].startswith("msg_"), ids)
        self.assertEqual(ids, [ids[0]] * 3)
        [result] = [line for line in json_lines(proc.out) if line["type"] == "delivery"]
        self.assertEqual(result["id"], ids[0])

    def test_retry_after_is_honoured(self):
        proc, receiver, result = self.run_one(
            lambda i, n: (429, {"Retry-After": "1"}) if n == 1 else 204, "--retry-schedule",
            "10ms")
        self.assertEqual(proc.returncode, 0, proc.err)
        times = [request[0] for request in receiver.requests]
        self.assertGreaterEqual(times[1] - times[0], 0.9)  # not the schedule's 10 ms

    def test_redirect_is_a_failure_and_not_followed(self):
        proc, receiver, result = self.run_one(
            lambda i, n: (302, {"Location": "/elsewhere"}), "--retry-schedule", "10ms")
        self.assertEqual(proc.returncode, 1, proc.err)
        self.assertEqual([r[2] for r in receiver.requests], ["/hooks", "/hooks"])
        self.assertEqual((result["delivered"], result["status"]), (False, 302))

    def test_a_timeout_is_retried(self):
        def slow_first(delivery_id, attempt):
            if attempt == 1:
                time.sleep(1.5)
            return 204
        proc, receiver, result = self.run_one(slow_first, "--timeout", "300ms",
                                              "--retry-schedule", "10ms")
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual((result["delivered"], result["attempts"]), (True, 2))

    def test_refused_connection_fails_with_one_line(self):
        port = listen_support.free_port()
        proc = replay(self.one_delivery_log(), "--to", f"http://127.0.0.1:{port}", "--retries",
                      "1", "--retry-schedule", "10ms")
        one_error_line(self, proc, 1, "1 of 1 deliveries failed")
        self.assertIn("1 x connect", proc.out)
        self.assertIn("failed: record 1 (seq 1) POST /hooks id msg_1: cannot connect", proc.out)


class Https(Directory):
    def test_replay_to_https_sends_the_recorded_header_list_as_is(self):
        # Over TLS as over TCP: headers in their recorded order and case, duplicates kept,
        # nothing added (no Accept, no User-Agent); Host names the destination.
        made = send_support.make_self_signed_certificate(self.dir)
        if made is None:
            self.skipTest("the openssl CLI is not installed")
        cert, key = made
        app = ScriptedApp([(204, {}, b"")], ssl_context=send_support.tls_server_context(cert, key))
        self.addCleanup(app.close)
        lines = []
        for seq in range(1, 7):
            body = json.dumps({"seq": seq}).encode()
            headers = [("z-first", str(seq)), ("Host", "capture.example"), ("X-DUP", "1"),
                       ("Content-Type", "application/json"), ("x-dup", "2"),
                       ("Content-Length", str(len(body))), ("a-last", "yes")]
            lines.append(log_line(seq, body, headers, target=f"/in/{seq}", id_=f"msg_{seq}"))
        log = self.write("https.jsonl", lines)
        proc = replay(log, "--to", app.url, "--cacert", cert, "--concurrency", "3", "--quiet")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        self.assertEqual(len(app.requests), 6)
        for _, method, path, headers, body in app.requests:
            seq = int(path.rsplit("/", 1)[1])
            self.assertEqual((method, body), ("POST", json.dumps({"seq": seq}).encode()))
            self.assertEqual(headers, [
                ("z-first", str(seq)), ("Host", f"127.0.0.1:{app.port}"), ("X-DUP", "1"),
                ("Content-Type", "application/json"), ("x-dup", "2"),
                ("Content-Length", str(len(body))), ("a-last", "yes")])

    def test_replay_to_an_untrusted_https_receiver_is_a_tls_failure(self):
        made = send_support.make_self_signed_certificate(self.dir)
        if made is None:
            self.skipTest("the openssl CLI is not installed")
        app = ScriptedApp([(204, {}, b"")], ssl_context=send_support.tls_server_context(*made))
        self.addCleanup(app.close)
        log = self.write("one.jsonl", [log_line(1, b"{}", [("webhook-id", "msg_1")], id_="msg_1")])
        proc = replay(log, "--to", app.url, "--retries", "0")
        one_error_line(self, proc, 1, "1 of 1 deliveries failed")
        self.assertIn("1 x tls", proc.out)
        self.assertIn("--cacert", proc.out)
        self.assertEqual(app.requests, [])


class Destination(Directory):
    def test_a_trailing_slash_keeps_the_recorded_paths_and_the_first_url_is_printed(self):
        log = self.write("paths.jsonl", [
            log_line(1, b'{"a":1}', [("webhook-id", "msg_1")], target="/hooks/a?x=1", id_="msg_1"),
            log_line(2, b'{"a":2}', [("webhook-id", "msg_2")], target="/hooks/b", id_="msg_2")])
        for suffix, expected in (("", ["/hooks/a?x=1", "/hooks/b"]),
                                 ("/", ["/hooks/a?x=1", "/hooks/b"]),
                                 ("/app", ["/app", "/app"])):
            with self.subTest(to=suffix):
                receiver = self.receiver()
                proc = replay(log, "--to", receiver.url + suffix, "--concurrency", "1")
                self.assertEqual(proc.returncode, 0, proc.err)
                self.assertEqual([request[2] for request in receiver.requests], expected)
                first = [line for line in proc.err.splitlines()
                         if line.startswith("hooks: replaying to ")]
                self.assertEqual(len(first), 1, proc.err)
                self.assertTrue(first[0].endswith(f"first: POST {receiver.url}{expected[0]}"),
                                first[0])


class Selection(Directory):
    def mixed_log(self):
        lines = []
        events = [("stripe", "invoice.paid"), ("stripe", "customer.created"),
                  ("github", "push"), ("stripe", "invoice.failed")]
        for seq, (provider, event) in enumerate(events, 1):
            body = json.dumps({"id": f"evt_{seq}", "type": event}).encode()
            headers = [("Content-Type", "application/json")]
            if provider == "github":
                headers += [("X-GitHub-Event", event), ("X-GitHub-Delivery", f"gh-{seq}")]
            verify = {"provider": provider, "ok": seq != 2, "reason": "r"}
            lines.append(log_line(seq, body, headers, target=f"/{provider}", verify=verify,
                                  status=204 if seq != 4 else 500))
        return self.write("mixed.jsonl", lines)

    def planned(self, *args):
        proc = replay(self.mixed_log(), "--dry-run", "--json", *args)
        self.assertEqual(proc.returncode, 0, proc.err)
        return [line["index"] for line in json_lines(proc.out)]

    def test_filters_select_records(self):
        self.assertEqual(self.planned(), [1, 2, 3, 4])
        self.assertEqual(self.planned("--filter", "event=invoice.*"), [1, 4])
        self.assertEqual(self.planned("--filter", "provider=stripe", "--filter",
                                      "event!=customer.*"), [1, 4])
        self.assertEqual(self.planned("--filter", "verify=invalid"), [2])
        self.assertEqual(self.planned("--filter", "status=5xx"), [4])
        self.assertEqual(self.planned("--filter", "path=/github"), [3])
        self.assertEqual(self.planned("--filter", "seq=2-3"), [2, 3])
        self.assertEqual(self.planned("--filter", "id=gh-*"), [3])

    def test_dry_run_lists_and_sends_nothing(self):
        receiver = self.receiver()
        proc = replay(self.mixed_log(), "--to", receiver.url, "--dry-run", "--journal",
                      self.path("j"))
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertIn(f"record 3: POST {receiver.url}/github", proc.out)
        self.assertIn("dry run: 4 would be sent; 4 read, 0 filtered out", proc.out)
        self.assertEqual(receiver.requests, [])
        self.assertFalse(os.path.exists(self.path("j")), "a dry run wrote a journal")

    def test_har_file_is_replayed(self):
        har = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
            {"startedDateTime": "2026-11-23T10:00:00.000Z",
             "request": {"method": "POST", "url": "https://tunnel.example/in/hook?a=b",
                         "httpVersion": "HTTP/2",
                         "headers": [{"name": ":authority", "value": "tunnel.example"},
                                     {"name": "webhook-id", "value": "msg_har"},
                                     {"name": "content-type", "value": "application/json"}],
                         "postData": {"mimeType": "application/json",
                                      "text": "{\"from\": \"har\"}"}},
             "response": {"status": 200}}]}}
        path = self.write("capture.har", [json.dumps(har, indent=2)])
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url, "--quiet")
        self.assertEqual(proc.returncode, 0, proc.out + proc.err)
        [(_, method, target, headers, body)] = receiver.requests
        self.assertEqual((method, target, body), ("POST", "/in/hook?a=b", b'{"from": "har"}'))
        self.assertEqual(dict(headers)["webhook-id"], "msg_har")

    def test_log_from_stdin(self):
        receiver = self.receiver()
        digests = support.write_log(self.path("l.jsonl"), 5)
        with open(self.path("l.jsonl"), "rb") as file:
            proc = replay("-", "--to", receiver.url, "--quiet", stdin=file.read())
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual({i: {d} for i, d in digests.items()}, receiver.bodies)


class Signing(Directory):
    def test_resigned_deliveries_verify_and_keep_their_ids(self):
        captured = self.path("captured.jsonl")
        first = Listener("--log", captured, "--quiet", "--count", "3", "--timeout", "60s")
        old = str(int(time.time()) - 3600)  # signed an hour ago: stale for Standard Webhooks
        sent = send(f"http://127.0.0.1:{first.port}/hook", "--secret", WHSEC, "--count", "3",
                    "--retries", "0", env={"HOOKS_NOW": old})
        self.assertEqual(sent.returncode, 0, sent.err)
        self.assertEqual(first.wait(), 0, first.stderr)
        ids = sorted(r["id"] for r in read_log(captured))

        stale = Listener("--provider", "standard", "--secret", WHSEC, "--json", "--count", "3",
                         "--timeout", "60s")
        proc = replay(captured, "--to", f"http://127.0.0.1:{stale.port}", "--as-captured")
        self.assertEqual(proc.returncode, 0, proc.err)  # listen answers 200 either way
        stale.wait()
        self.assertEqual([r["verify"]["ok"] for r in stale.json_lines()], [False] * 3)

        fresh = Listener("--provider", "standard", "--secret", WHSEC, "--json", "--count", "3",
                         "--timeout", "60s", "--require-valid")
        proc = replay(captured, "--to", f"http://127.0.0.1:{fresh.port}", "--provider",
                      "standard", "--secret", WHSEC)
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual(fresh.wait(), 0, fresh.stderr)
        records = fresh.json_lines()
        self.assertEqual([r["verify"]["ok"] for r in records], [True] * 3)
        self.assertEqual(sorted(r["id"] for r in records), ids)

    def test_a_secret_is_never_printed(self):
        canary = "whsec_Q0FOQVJZLWNhbmFyeS1zZWNyZXQtMTIzNDU2Nzg="
        path = self.write("l.jsonl", [log_line(1, b"{}", [("webhook-id", "msg_c")])])
        port = listen_support.free_port()
        for extra in ([], ["--json"], ["--dry-run", "--json"]):
            proc = replay(path, "--to", f"http://127.0.0.1:{port}", "--provider", "standard",
                          "--secret", canary, "--retries", "0", *extra)
            self.assertNotIn(canary, proc.out + proc.err)
            self.assertNotIn(canary[6:], proc.out + proc.err)


class Journal(Directory):
    def test_sigint_stops_cleanly_and_the_rerun_sends_only_the_rest(self):
        def slow(delivery_id, attempt):
            time.sleep(0.05)
            return 204
        receiver = self.receiver(slow)
        log = self.path("l.jsonl")
        digests = support.write_log(log, 60)
        args = [log, "--to", receiver.url, "--journal", self.path("j"), "--concurrency", "2"]
        proc = support.start_replay(*args)
        self.assertTrue(listen_support.wait_until(lambda: receiver.acknowledged() >= 10, 30))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"run the same command to resume", err)
        first_run = receiver.acknowledged()
        self.assertLess(first_run, 60)

        again = replay(*args)
        self.assertEqual(again.returncode, 0, again.err)
        self.assertIn(f"resuming from {self.path('j')}: {first_run} already acknowledged",
                      again.err)
        # Requests on the wire finished and were journaled: nothing was sent twice.
        self.assertEqual(receiver.acks, {i: 1 for i in digests})

    def test_failed_deliveries_are_written_and_tried_again(self):
        failing = {"msg_2", "msg_5"}
        receiver = self.receiver(lambda i, n: 500 if i in failing else 204)
        log = self.path("l.jsonl")
        support.write_log(log, 6)
        failed = self.path("failed.jsonl")
        journal = self.path("j")
        proc = replay(log, "--to", receiver.url, "--retries", "0", "--failed", failed,
                      "--journal", journal)
        one_error_line(self, proc, 1, "2 of 6 deliveries failed")
        records = read_log(failed)
        self.assertEqual(sorted(r["id"] for r in records), sorted(failing))
        self.assertEqual({r["v"] for r in records}, {2})
        originals = {r["id"]: r for r in read_log(log)}
        for record in records:
            self.assertEqual(body_of(record), body_of(originals[record["id"]]))
            self.assertEqual(record["headers"], originals[record["id"]]["headers"])

        failing.clear()  # the receiver recovers
        again = replay(log, "--to", receiver.url, "--retries", "0", "--journal", journal,
                       "--failed", failed)
        self.assertEqual(again.returncode, 0, again.err)
        self.assertIn("4 already acknowledged, 2 failed before (trying them again)", again.err)
        self.assertEqual(read_log(failed), [])
        self.assertEqual(receiver.acks, {f"msg_{i}": 1 for i in range(1, 7)})

        retry_file = replay(failed, "--to", receiver.url)
        self.assertEqual(retry_file.returncode, 0, retry_file.err)

    def test_a_journal_of_another_destination_or_log_is_refused(self):
        receiver = self.receiver()
        log = self.path("l.jsonl")
        support.write_log(log, 3)
        journal = self.path("j")
        self.assertEqual(replay(log, "--to", receiver.url, "--journal", journal).returncode, 0)
        other = replay(log, "--to", receiver.url + "/x", "--journal", journal)
        one_error_line(self, other, 2, "is the journal of a replay to")
        support.write_log(log, 3, body_size=300)  # same positions, other bodies
        changed = replay(log, "--to", receiver.url, "--journal", journal)
        one_error_line(self, changed, 2, "record 1 is not the one journaled")


class BadInput(Directory):
    def test_corrupt_middle_line_names_its_number(self):
        good = log_line(1, b"{}", [])
        path = self.write("bad.jsonl", [good, '{"v":1,"seq":2}\n', good])
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url)
        one_error_line(self, proc, 2, "bad.jsonl:2:")

    def test_a_corrupt_line_ends_with_the_summary_and_where_to_go_on(self):
        lines = [log_line(n, b'{"n":%d}' % n, [("webhook-id", f"msg_{n}")], id_=f"msg_{n}")
                 for n in range(1, 6)]
        path = self.write("bad.jsonl", lines[:3] + ['{"v":1,"seq":4}\n'] + lines[3:])
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url, "--json", "--quiet")
        line = one_error_line(self, proc, 2, "bad.jsonl:4:", f"tail -n +5 {path} | hooks replay -")
        self.assertEqual(sorted(receiver.attempts), ["msg_1", "msg_2", "msg_3"])
        [summary] = [s for s in json_lines(proc.out) if s["type"] == "summary"]
        self.assertEqual((summary["delivered"], summary["failed"]), (3, 0), line)
        # Going on as told sends the rest, and only the rest.
        tail = subprocess.run(["tail", "-n", "+5", path], capture_output=True, check=True)
        rest = replay("-", "--to", receiver.url, "--quiet", stdin=tail.stdout)
        self.assertEqual(rest.returncode, 0, rest.err)
        self.assertEqual(receiver.attempts,
                         {f"msg_{n}": 1 for n in (1, 2, 3, 4, 5)})
        # With a journal the advice is to mend the line and run the same command.
        journaled = replay(path, "--to", receiver.url, "--journal", self.path("j"), "--quiet")
        one_error_line(self, journaled, 2, "bad.jsonl:4:", "run the same command")

    def test_a_directory_is_named_as_one(self):
        proc = replay(self.path(""), "--to", "http://127.0.0.1:9")
        line = one_error_line(self, proc, 2, "it is a directory")
        self.assertEqual(proc.out, "")
        self.assertIn(self.path(""), line)

    def test_torn_last_line_is_skipped_with_a_warning(self):
        good = log_line(1, b"{}", [])
        path = self.write("torn.jsonl", [good, good[:40]])
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url)
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertIn("skipped a torn last line 2 (40 bytes)", proc.err)
        self.assertEqual(len(receiver.requests), 1)

    def test_usage_errors(self):
        path = self.write("l.jsonl", [log_line(1, b"{}", [])])
        url = "http://127.0.0.1:9"
        cases = [
            ([path], "--to URL is required"),
            ([self.path("missing.jsonl"), "--to", url], "cannot open"),
            ([path, "--to", "ftp://x"], "--to"),
            ([path, "--to", url, "--provider", "stripe", "--secret", "s", "--as-captured"],
             "--as-captured"),
            ([path, "--to", url, "--secret", "s"], "also give --provider"),
            ([path, "--to", url, "--filter", "colour=red"], "unknown key"),
            ([path, "--to", url, "--rate", "fast"], "--rate"),
            ([path, "--to", url, "-H", "X-A: b\r\nX-B: c"], ""),
            ([path, "--to", url, "--provider", "nope"], "nope"),
            ([path, "--to", url, "--concurrency", "0"], "concurrency"),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                proc = replay(*args)
                self.assertEqual(proc.returncode, 2, proc.out + proc.err)
                self.assertEqual(len(proc.err.strip().splitlines()), 1, proc.err)
                self.assertIn(words, proc.err)

    def test_a_record_that_cannot_be_sent_fails_alone(self):
        bad = log_line(1, b"{}", [("X-Bad", "a\r\nInjected: 1")])
        good = log_line(2, b"{}", [("webhook-id", "msg_ok")])
        path = self.write("l.jsonl", [bad, good])
        receiver = self.receiver()
        proc = replay(path, "--to", receiver.url, "--json")
        self.assertEqual(proc.returncode, 1, proc.err)
        self.assertEqual(len(receiver.requests), 1)
        results = {r["index"]: r for r in json_lines(proc.out) if r["type"] == "delivery"}
        self.assertEqual((results[1]["delivered"], results[1]["attempts"]), (False, 0))
        self.assertTrue(results[2]["delivered"])


class Progress(Directory):
    def slow_log(self, count):
        def slow(delivery_id, attempt):
            time.sleep(0.1)
            return 204
        receiver = self.receiver(slow)
        log = self.path("l.jsonl")
        support.write_log(log, count)
        return receiver, log

    def replay_on_terminal(self, log, receiver, stop_after=None):
        """Runs a replay with stderr on a pseudo-terminal; (exit code, stdout, terminal bytes)."""
        controller, terminal = pty.openpty()
        self.addCleanup(os.close, controller)
        proc = subprocess.Popen([support.hooks_binary(), "replay", log, "--to", receiver.url,
                                 "--concurrency", "1"], stdout=subprocess.PIPE, stderr=terminal,
                                env=listen_support.base_env())
        os.close(terminal)
        if stop_after is not None:
            time.sleep(stop_after)
            proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        seen = b""
        while select.select([controller], [], [], 0.5)[0]:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        return proc.returncode, out, seen

    def test_a_terminal_gets_one_redrawn_progress_line(self):
        receiver, log = self.slow_log(25)
        code, out, seen = self.replay_on_terminal(log, receiver)
        self.assertEqual(code, 0)
        self.assertIn(b"\r\x1b[Kreplay: ", seen)
        # A small log is read whole at once: no percentage, no ETA that the end would belie.
        self.assertRegex(seen, rb"replay: \d+ delivered, \d+ retrying, 0 failed, \d+/s, "
                               rb"the whole log read\r")
        self.assertNotIn(b"ETA", seen)
        self.assertTrue(seen.endswith(b"\r\x1b[K"), seen[-40:])  # cleared before the summary
        self.assertIn(b"25 delivered, 0 failed", out)

    def test_progress_through_a_large_log_has_an_eta(self):
        # A small log is read at once; this one is read while it is being delivered (5000 at
        # 0.1 s each: minutes). Stopped after 6 s, so that a slow machine (an ASan build under
        # load missed it at 2.5 s) has drawn a progress line by then.
        receiver, log = self.slow_log(5000)
        code, out, seen = self.replay_on_terminal(log, receiver, stop_after=6)
        self.assertEqual(code, 130)
        self.assertRegex(seen, rb"replay: \d+ delivered, \d+ retrying, 0 failed, \d+/s, "
                               rb"\d+% of the log, ETA \d+ s")

    def test_a_pipe_gets_a_line_every_ten_seconds(self):
        receiver, log = self.slow_log(110)
        proc = replay(log, "--to", receiver.url, "--concurrency", "1")
        self.assertEqual(proc.returncode, 0, proc.err)
        lines = [line for line in proc.err.splitlines() if line.startswith("hooks: replay: ")]
        self.assertEqual(len(lines), 1, proc.err)
        self.assertRegex(lines[0], r"^hooks: replay: \d+ delivered, 0 retrying, 0 failed")


class Load(Directory):
    def test_concurrency_and_rate(self):
        receiver = self.receiver()
        log = self.path("l.jsonl")
        digests = support.write_log(log, 400)
        proc = replay(log, "--to", receiver.url, "--concurrency", "16", "--json", "--quiet")
        self.assertEqual(proc.returncode, 0, proc.err)
        summary = json_lines(proc.out)[-1]
        self.assertEqual((summary["delivered"], summary["failed"]), (400, 0))
        self.assertEqual(receiver.acks, {i: 1 for i in digests})

        limited = self.receiver()
        started = time.monotonic()
        proc = replay(log, "--to", limited.url, "--rate", "100/s", "--filter", "seq=1-50",
                      "--quiet")
        elapsed = time.monotonic() - started
        self.assertEqual(proc.returncode, 0, proc.err)
        self.assertEqual(len(limited.requests), 50)
        self.assertGreater(elapsed, 0.4)  # 50 at 100/s take about half a second


if __name__ == "__main__":
    listen_support.HOOKS = sys.argv.pop(1)
    unittest.main(verbosity=2)
