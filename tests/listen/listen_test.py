#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Black-box tests of `hooks listen`: the real binary, real sockets on 127.0.0.1, real signals.

Usage: listen_test.py HOOKS_BINARY [unittest args]"""
import base64
import hashlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import listen_support as support  # noqa: E402
from listen_support import App, Listener, sign  # noqa: E402

SECRET = "whsec_test_secret_for_listen"


def read_log(path):
    with open(path, encoding="utf-8") as log:
        return [json.loads(line) for line in log]


STRIPE_BODY = b'{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{}}}'


class Basics(unittest.TestCase):
    def test_prints_listening_first_then_a_verified_delivery_as_json(self):
        listener = Listener("--provider", "stripe", "--secret", SECRET, "--json", "--count", "1")
        self.assertRegex(listener.first_line, r"^Listening on http://127\.0\.0\.1:\d+\n$")
        status, _, _ = listener.post(STRIPE_BODY, sign("stripe", SECRET, STRIPE_BODY))
        self.assertEqual(status, 200)
        self.assertEqual(listener.wait(), 0)
        [line] = listener.json_lines()
        self.assertEqual(line["v"], 1)
        self.assertEqual(line["verify"], {"provider": "stripe", "ok": True,
                                          "reason": line["verify"]["reason"]})
        self.assertEqual(line["event"], "invoice.paid")
        self.assertEqual(line["id"], "evt_1")
        self.assertEqual(base64.b64decode(line["body_b64"]), STRIPE_BODY)
        self.assertEqual(line["response"], {"status": 200})

    def test_text_output_names_method_target_provider_event_and_result(self):
        listener = Listener("--provider", "stripe", "--secret", SECRET, "--count", "2")
        listener.post(STRIPE_BODY, sign("stripe", SECRET, STRIPE_BODY), target="/hooks/stripe")
        listener.post(STRIPE_BODY, {"Stripe-Signature": "t=1,v1=00"})
        self.assertEqual(listener.wait(), 0)
        self.assertRegex(listener.stdout,
                         r"POST /hooks/stripe  stripe invoice.paid  valid  \d+ B  -> 200")
        self.assertIn("INVALID", listener.stdout)
        self.assertIn('"type": "invoice.paid"', listener.stdout)  # pretty-printed body

    def test_auto_detects_the_provider_per_request(self):
        listener = Listener("--provider", "auto", "--secret", SECRET, "--json", "--count", "2")
        listener.post(STRIPE_BODY, sign("stripe", SECRET, STRIPE_BODY))
        gh_body = b'{"action":"opened","number":1}'
        headers = sign("github", SECRET, gh_body)
        headers.update({"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d-1"})
        listener.post(gh_body, headers)
        self.assertEqual(listener.wait(), 0)
        first, second = listener.json_lines()
        self.assertEqual((first["provider"], first["verify"]["ok"]), ("stripe", True))
        self.assertEqual((second["provider"], second["verify"]["ok"]), ("github", True))
        self.assertEqual(second["id"], "d-1")

    def test_quiet_prints_nothing_per_delivery(self):
        listener = Listener("--quiet", "--count", "1")
        listener.post(b"hello")
        self.assertEqual(listener.wait(), 0)
        self.assertEqual(listener.stdout, "")

    def test_a_repeated_delivery_id_is_flagged_as_redelivery(self):
        listener = Listener("--provider", "stripe", "--json", "--count", "2")
        listener.post(STRIPE_BODY)
        listener.post(STRIPE_BODY)
        self.assertEqual(listener.wait(), 0)
        first, second = listener.json_lines()
        self.assertFalse(first["redelivery"])
        self.assertTrue(second["redelivery"])

    def test_seed_envelope_problems_are_named(self):
        listener = Listener("--provider", "codenx", "--json", "--count", "1")
        listener.post(b'{"event":"record.updated","timestamp":5}')
        self.assertEqual(listener.wait(), 0)
        [line] = listener.json_lines()
        self.assertTrue(any(problem.startswith("/timestamp") for problem in line["envelope"]),
                        line["envelope"])
        self.assertTrue(any("missing" in problem for problem in line["envelope"]))

    def test_control_bytes_never_reach_the_terminal_raw(self):
        listener = Listener("--count", "2", "--show-headers")
        # A raw ESC is not allowed in a header value (the server answers 400); a raw 0x9B byte,
        # an 8-bit CSI, is.
        status, _, _ = listener.post(b"evil \x1b[31mred\x1b]0;title\x07 \xc2\x9b2J",
                                     {"X-Evil": "a\u009b2Jb"})
        self.assertEqual(status, 200)
        listener.post(b'{"k":"\\u001b[2J"}')
        self.assertEqual(listener.wait(), 0)
        self.assertNotIn("\x1b", listener.stdout)
        self.assertNotIn("\x07", listener.stdout)
        self.assertNotIn("\u009b", listener.stdout)


class CiMode(unittest.TestCase):
    def test_require_valid_exits_1_naming_how_many_failed(self):
        listener = Listener("--provider", "stripe", "--secret", SECRET, "--count", "2",
                            "--require-valid", "--quiet")
        listener.post(STRIPE_BODY, sign("stripe", SECRET, STRIPE_BODY))
        listener.post(STRIPE_BODY, sign("stripe", "whsec_other", STRIPE_BODY))
        self.assertEqual(listener.wait(), 1)
        self.assertIn("hooks: error: 1 of 2 deliveries failed verification", listener.stderr)

    def test_require_valid_passes_when_all_are_valid(self):
        listener = Listener("--provider", "github", "--secret-env", "GH", "--count", "1",
                            "--require-valid", "--timeout", "20s", env={"GH": SECRET})
        body = b'{"zen":"Design for failure."}'
        listener.post(body, sign("github", SECRET, body))
        self.assertEqual(listener.wait(), 0)

    def test_timeout_exits_1_when_deliveries_do_not_arrive(self):
        started = time.monotonic()
        listener = Listener("--count", "3", "--timeout", "300ms")
        listener.post(b"one")
        self.assertEqual(listener.wait(), 1)
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn("timed out after 300ms: 1 of 3 deliveries arrived", listener.stderr)


class Responses(unittest.TestCase):
    def test_respond_and_delay(self):
        listener = Listener("--respond", "202", "--delay", "300ms", "--quiet")
        started = time.monotonic()
        status, _, _ = listener.post(b"x")
        elapsed = time.monotonic() - started
        self.assertEqual(status, 202)
        self.assertGreaterEqual(elapsed, 0.29)
        self.assertEqual(listener.stop(), 0)

    def test_respond_rules_answer_by_event_glob_and_path_glob_with_a_file_or_a_status(self):
        with tempfile.TemporaryDirectory() as directory:
            answer = os.path.join(directory, "paid.http")
            with open(answer, "wb") as file:
                file.write(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                           b"X-Reply: a\r\nContent-Length: 999\r\nx-reply: b\r\n\r\n"
                           b'{"ok": true}\r\n\x00end')
            listener = Listener("--provider", "stripe", "--respond", f"invoice.*=@{answer}",
                                "--respond", "/health*=204", "--respond", "418", "--quiet")
            with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
                sock.sendall(b"POST /stripe?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n"
                             b"\r\n%s" % (len(STRIPE_BODY), STRIPE_BODY))
                head, body, _ = support.read_request(sock)
        lines = head.split(b"\r\n")
        self.assertEqual(lines[0], b"HTTP/1.1 202 Accepted")
        self.assertEqual([line for line in lines if line.lower().startswith(b"x-reply")],
                         [b"X-Reply: a", b"x-reply: b"])
        self.assertIn(b"Content-Type: application/json", lines)
        self.assertEqual(body, b'{"ok": true}\r\n\x00end')
        other = STRIPE_BODY.replace(b"invoice.paid", b"charge.failed")
        self.assertEqual(listener.post(other, target="/health/live?probe=1")[0], 204)
        # The first rule that matches answers, in the order given.
        self.assertEqual(listener.post(STRIPE_BODY, target="/health")[0], 202)
        self.assertEqual(listener.post(other, target="/stripe")[:2], (418, b""))
        self.assertEqual(listener.stop(), 0)

    def test_a_respond_rule_answers_instead_of_the_app_and_simulated_failures_come_first(self):
        app = App()
        try:
            listener = Listener("--provider", "stripe", "--forward-to", app.url,
                                "--respond", "invoice.*=203", "--fail-first", "1", "--quiet")
            other = STRIPE_BODY.replace(b"invoice.paid", b"charge.failed").replace(b"evt_1",
                                                                                   b"evt_2")
            statuses = [listener.post(body)[0] for body in (STRIPE_BODY, STRIPE_BODY, other,
                                                            other)]
            self.assertEqual(statuses, [500, 203, 500, 201])
            self.assertEqual(len(app.requests), 1)
            self.assertEqual(listener.stop(), 0)
        finally:
            app.close()

    def test_fail_first_fails_each_delivery_id_n_times_then_succeeds(self):
        listener = Listener("--provider", "standard", "--fail-first", "2", "--quiet")
        statuses = []
        for delivery in ("msg_a", "msg_a", "msg_b", "msg_a", "msg_b", "msg_b"):
            status, _, _ = listener.post(b"{}", {"webhook-id": delivery})
            statuses.append(status)
        self.assertEqual(statuses, [500, 500, 500, 200, 500, 200])
        self.assertEqual(listener.stop(), 0)

    def test_fail_rate_one_always_fails_with_fail_status(self):
        listener = Listener("--fail-rate", "1", "--fail-status", "503", "--quiet")
        self.assertEqual([listener.post(b"x")[0] for _ in range(3)], [503, 503, 503])
        self.assertEqual(listener.stop(), 0)


class Forwarding(unittest.TestCase):
    def test_forwards_method_path_headers_body_and_returns_the_apps_answer(self):
        app = App(status=201, body=b'{"received":true}')
        try:
            listener = Listener("--forward-to", app.url, "--json", "--count", "1")
            body = b'{"a":1}\n\x00binary'
            status, data, response = listener.post(body, {"X-Custom": "v%0D%0A", "X-Order": "1"},
                                                   target="/webhooks?x=1", method="PUT")
            self.assertEqual(status, 201)
            self.assertEqual(data, b'{"received":true}')
            self.assertEqual(response.getheader("Content-Type"), "application/json")
            self.assertEqual(listener.wait(), 0)
            [(method, path, headers, received)] = app.requests
            self.assertEqual((method, path, received), ("PUT", "/webhooks?x=1", body))
            self.assertIn(("X-Custom", "v%0D%0A"), headers)
            [line] = listener.json_lines()
            self.assertEqual(line["forward"]["status"], 201)
        finally:
            app.close()

    def test_a_url_with_a_path_replaces_the_requests_path(self):
        app = App(status=200)
        try:
            listener = Listener("--forward-to", app.url + "/api/hooks", "--quiet", "--count", "1")
            listener.post(b"x", target="/anything")
            self.assertEqual(listener.wait(), 0)
            self.assertEqual(app.requests[0][1], "/api/hooks")
        finally:
            app.close()

    def test_routes_send_matching_event_types_elsewhere(self):
        billing, default = App(status=200), App(status=200)
        try:
            listener = Listener("--provider", "stripe", "--route", f"invoice.*={billing.url}",
                                "--forward-to", default.url, "--quiet", "--count", "2")
            listener.post(STRIPE_BODY)
            listener.post(b'{"id":"evt_2","type":"customer.created"}')
            self.assertEqual(listener.wait(), 0)
            self.assertEqual(len(billing.requests), 1)
            self.assertEqual(len(default.requests), 1)
            self.assertIn(b"customer.created", default.requests[0][3])
        finally:
            billing.close()
            default.close()

    def test_an_unreachable_app_gives_502_and_one_line(self):
        port = support.free_port()
        listener = Listener("--forward-to", f"http://127.0.0.1:{port}", "--count", "1")
        status, data, _ = listener.post(b"x")
        self.assertEqual(status, 502)
        self.assertIn(b"could not forward", data)
        self.assertEqual(listener.wait(), 0)
        self.assertIn("forwarded to", listener.stdout)
        self.assertIn("failed", listener.stdout)


def unsorted_request(port, target, body):
    """A request whose header block is not sorted, mixes case, repeats names, puts Host in the
    middle and carries its own User-Agent and Accept: what a forwarder must not tidy up."""
    lines = [b"zeta-First: 1", b"X-Dup: one", b"content-TYPE: application/json",
             b"Host: 127.0.0.1:%d" % port, b"x-dup: two", b"Accept: text/plain",
             b"Content-Length: %d" % len(body), b"alpha: spaced  value", b"User-Agent: sender/1",
             b"Connection: keep-alive", b"X-DUP: three"]
    return (b"POST " + target + b" HTTP/1.1\r\n" + b"\r\n".join(lines) + b"\r\n\r\n" + body,
            lines)


def chunked_request(port, body, trailers, target=b"/hooks"):
    """A POST whose body goes in two chunks followed by `trailers` ([(name, value)] bytes)."""
    half = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]))
    trailer_lines = b"".join(name + b": " + value + b"\r\n" for name, value in trailers)
    return (b"POST " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-First: 1\r\n"
            b"Transfer-Encoding: chunked\r\nTrailer: X-Hub-Signature-256\r\n\r\n" % port +
            chunks + b"0\r\n" + trailer_lines + b"\r\n")


class Trailers(unittest.TestCase):
    """Chunked trailer fields are recorded after the headers, a signature carried in one is
    verified, and forwarding and replay send them on after a chunked body."""

    BODY = b'{"action":"opened","zen":"trailers"}'

    def test_a_signature_in_a_trailer_is_verified_and_recorded_as_a_trailer(self):
        [(name, value)] = sign("github", SECRET, self.BODY).items()
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "log.jsonl")
            listener = Listener("--provider", "github", "--secret", SECRET, "--log", path,
                                "--json", "--count", "2")
            trailers = [(name.encode(), value.encode()), (b"x-checksum", b"c1")]
            good = support.exchange(listener.port, chunked_request(listener.port, self.BODY,
                                                                   trailers))
            bad = support.exchange(listener.port, chunked_request(
                listener.port, self.BODY, [(name.encode(), b"sha256=" + b"0" * 64)]))
            self.assertEqual((good[0], bad[0]), (200, 200))
            self.assertEqual(listener.wait(), 0)
            first, second = listener.json_lines()
            self.assertTrue(first["verify"]["ok"], first["verify"])
            self.assertIn("signature in X-Hub-Signature-256 matches", first["verify"]["reason"])
            self.assertFalse(second["verify"]["ok"])
            self.assertIn("does not match", second["verify"]["reason"])
            self.assertEqual(first["trailers"], [[name, value], ["x-checksum", "c1"]])
            with open(path, encoding="utf-8") as log:
                line = log.readline()
            record = json.loads(line)
            self.assertEqual(record["headers"], [["Host", f"127.0.0.1:{listener.port}"],
                                                 ["X-First", "1"],
                                                 ["Transfer-Encoding", "chunked"],
                                                 ["Trailer", "X-Hub-Signature-256"]])
            self.assertEqual(record["trailers"], [[name, value], ["x-checksum", "c1"]])
            self.assertLess(line.index('"headers"'), line.index('"trailers"'))
            self.assertLess(line.index('"trailers"'), line.index('"body_text"'))
            self.assertEqual(record["body_text"].encode(), self.BODY)
            self.assertTrue(record["verify"]["ok"])

    def test_forwarding_and_replay_send_the_trailers_after_a_chunked_body(self):
        trailers = [(b"X-Hub-Signature-256", b"sha256=ab"), (b"x-checksum", b"c1")]
        expected_body = (b"%x\r\n" % len(self.BODY) + self.BODY + b"\r\n0\r\n"
                         b"X-Hub-Signature-256: sha256=ab\r\nx-checksum: c1\r\n\r\n")
        app = support.RawApp()
        try:
            with tempfile.TemporaryDirectory() as directory:
                path = os.path.join(directory, "log.jsonl")
                listener = Listener("--forward-to", app.url, "--log", path, "--quiet",
                                    "--count", "1")
                status, _ = support.exchange(listener.port, chunked_request(
                    listener.port, self.BODY, trailers))
                self.assertEqual(status, 200)
                self.assertEqual(listener.wait(), 0)
                replayed = subprocess.run([support.HOOKS, "replay", path, "--to", app.url,
                                           "--quiet"], capture_output=True,
                                          env=support.base_env(), timeout=30)
                self.assertEqual(replayed.returncode, 0, replayed.stderr)
            [(forwarded, forwarded_body), (again, again_body)] = app.requests
            self.assertEqual(support.header_lines(forwarded),
                             [b"Host: 127.0.0.1:%d" % app.port, b"X-First: 1",
                              b"Transfer-Encoding: chunked", b"Trailer: X-Hub-Signature-256"])
            self.assertEqual(forwarded_body, expected_body)
            # Replay leaves hop-by-hop headers (Trailer among them) to its own connection.
            self.assertEqual(support.header_lines(again),
                             [b"Host: 127.0.0.1:%d" % app.port, b"X-First: 1",
                              b"Transfer-Encoding: chunked"])
            self.assertEqual(again_body, expected_body)
        finally:
            app.close()


class ExactForwarding(unittest.TestCase):
    """--forward-to and --route deliver the header block as it arrived: same order, case and
    duplicates, only Host's value changed to the app's authority."""

    def check_forwarded(self, app, lines, body, target):
        [(head, received)] = app.requests
        self.assertEqual(head.split(b"\r\n", 1)[0], b"POST " + target + b" HTTP/1.1")
        expected = [b"Host: 127.0.0.1:%d" % app.port if line.startswith(b"Host:") else line
                    for line in lines]
        self.assertEqual(support.header_lines(head), expected)
        self.assertEqual(received, body)

    def test_forward_to_keeps_order_case_and_duplicates(self):
        app = support.RawApp()
        try:
            listener = Listener("--forward-to", app.url + "/app/hooks", "--quiet", "--count", "1")
            body = b'{"id":"1","note":"exact"}'
            request, lines = unsorted_request(listener.port, b"/hooks?x=1", body)
            status, answer = support.exchange(listener.port, request)
            self.assertEqual((status, answer), (200, b"ok"))
            self.assertEqual(listener.wait(), 0)
            self.check_forwarded(app, lines, body, b"/app/hooks")
        finally:
            app.close()

    def test_a_route_keeps_order_case_and_duplicates(self):
        app = support.RawApp()
        try:
            listener = Listener("--provider", "stripe", "--route", f"invoice.*={app.url}",
                                "--quiet", "--count", "1")
            request, lines = unsorted_request(listener.port, b"/stripe", STRIPE_BODY)
            status, answer = support.exchange(listener.port, request)
            self.assertEqual((status, answer), (200, b"ok"))
            self.assertEqual(listener.wait(), 0)
            self.check_forwarded(app, lines, STRIPE_BODY, b"/stripe")
        finally:
            app.close()

    def test_chunked_and_expect_are_not_forwarded_and_host_takes_the_apps_authority(self):
        # The body arrives de-chunked: it goes on with a Content-Length in Transfer-Encoding's
        # place; Expect was for listen, not the app. Host, in its place, names the app.
        app = support.RawApp()
        try:
            listener = Listener("--forward-to", app.url, "--quiet", "--count", "1")
            request = (b"POST /h HTTP/1.1\r\nB-Header: 1\r\nHost: x\r\nExpect: 100-continue\r\n"
                       b"Transfer-Encoding: chunked\r\na-header: 2\r\n\r\n"
                       b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
                sock.sendall(request)
                head, pending = b"HTTP/1.1 100 ", b""
                while head.startswith(b"HTTP/1.1 1"):  # a 100 Continue may come first
                    head, _, pending = support.read_request(sock, pending)
            self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
            self.assertEqual(listener.wait(), 0)
            [(head, received)] = app.requests
            self.assertEqual(support.header_lines(head),
                             [b"B-Header: 1", b"Host: 127.0.0.1:%d" % app.port, b"a-header: 2",
                              b"Content-Length: 5"])
            self.assertEqual(received, b"abcde")
        finally:
            app.close()

    def test_an_http_1_0_request_without_host_gets_the_apps_first(self):
        app = support.RawApp()
        try:
            listener = Listener("--forward-to", app.url, "--quiet", "--count", "1")
            request = b"POST /h HTTP/1.0\r\nB-Header: 1\r\nContent-Length: 3\r\n\r\nabc"
            with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
                sock.sendall(request)
                head, _, _ = support.read_request(sock, b"")
            self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
            self.assertEqual(listener.wait(), 0)
            [(head, received)] = app.requests
            self.assertEqual(support.header_lines(head),
                             [b"Host: 127.0.0.1:%d" % app.port, b"B-Header: 1",
                              b"Content-Length: 3"])
            self.assertEqual(received, b"abc")
        finally:
            app.close()


class Log(unittest.TestCase):
    def test_log_is_byte_exact_in_wire_order_and_private(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "deliveries.jsonl")
            listener = Listener("--log", path, "--quiet", "--count", "1")
            body = bytes(range(256)) + b"\xff\xfe invalid utf-8"
            request = (b"POST /in?q=%0A HTTP/1.1\r\nHost: x\r\nX-B: 2\r\nx-a: %0D%0A\r\n"
                       b"X-B: 1\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            answer = listener.raw(request, timeout=3)
            self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer)
            self.assertEqual(listener.wait(), 0)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            [record] = read_log(path)
            self.assertEqual(record["v"], 2)
            self.assertEqual(base64.b64decode(record["body_b64"]), body)
            self.assertEqual(record["body_sha256"], hashlib.sha256(body).hexdigest())
            self.assertNotIn("body_text", record)
            self.assertEqual(record["target"], "/in?q=%0A")
            self.assertEqual(record["headers"][:4], [["Host", "x"], ["X-B", "2"],
                                                     ["x-a", "%0D%0A"], ["X-B", "1"]])
            self.assertEqual(record["seq"], 1)

    def test_log_holds_a_utf8_body_once_as_body_text_and_json_output_keeps_version_1(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "deliveries.jsonl")
            listener = Listener("--log", path, "--json", "--count", "1")
            body = '{"note":"café 😀"}\n\x00\x01 end'.encode()
            status, _, _ = listener.post(body)
            self.assertEqual(status, 200)
            self.assertEqual(listener.wait(), 0)
            with open(path, "rb") as file:
                line = file.read()
            self.assertTrue(line.startswith(b'{"v":2,"seq":1,'), line)
            [record] = read_log(path)
            self.assertEqual(record["body_text"].encode(), body)
            self.assertNotIn("body_b64", record)
            self.assertEqual(record["body_len"], len(body))
            self.assertEqual(record["body_sha256"], hashlib.sha256(body).hexdigest())
            # --json output is not the log: it keeps "v": 1 and body_b64 beside body_text.
            [printed] = listener.json_lines()
            self.assertEqual(printed["v"], 1)
            self.assertEqual(base64.b64decode(printed["body_b64"]), body)
            self.assertEqual(printed["body_text"].encode(), body)

    def test_seq_continues_across_runs(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "log.jsonl")
            for _ in range(2):
                listener = Listener("--log", path, "--quiet", "--count", "2")
                listener.post(b"a")
                listener.post(b"b")
                self.assertEqual(listener.wait(), 0)
            seqs = [record["seq"] for record in read_log(path)]
            self.assertEqual(seqs, [1, 2, 3, 4])

    def test_an_unwritable_log_is_a_usage_error(self):
        proc = support.subprocess.run([support.HOOKS, "listen", "--port", "0", "--log",
                                       "/nonexistent-dir/log.jsonl"], capture_output=True,
                                      env=support.base_env(), timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(len(proc.stderr.decode().splitlines()), 1)


class RejectInvalid(unittest.TestCase):
    def test_invalid_deliveries_get_401_or_the_status_given_and_valid_ones_go_on(self):
        body = b'{"id":"evt_1","type":"invoice.paid"}'
        for args, expected in ((["--reject-invalid"], 401), (["--reject-invalid", "403"], 403)):
            with self.subTest(args=args):
                app = App(status=202)
                try:
                    listener = Listener("--provider", "stripe", "--secret", "s1", *args,
                                        "--forward-to", app.url, "--count", "2", "--json")
                    good = sign("stripe", "s1", body)
                    bad = sign("stripe", "another", body)
                    self.assertEqual(listener.post(body, good)[0], 202)
                    status, answer, _ = listener.post(body, bad)
                    self.assertEqual(status, expected)
                    self.assertIn(b"invalid signature", answer)
                    self.assertEqual(listener.wait(), 0, listener.stderr)
                finally:
                    app.close()
                self.assertEqual(len(app.requests), 1)  # the rejected one is not forwarded
                first, second = listener.json_lines()
                self.assertEqual((first["verify"]["ok"], first["response"]["status"]),
                                 (True, 202))
                self.assertEqual((second["verify"]["ok"], second["response"]["status"]),
                                 (False, expected))

    def test_reject_invalid_needs_a_secret_and_a_client_error_status(self):
        for args in (["--reject-invalid"], ["--provider", "stripe", "--secret", "s",
                                            "--reject-invalid", "200"]):
            proc = subprocess.run([support.HOOKS, "listen", "--port", "0", *args],
                                  capture_output=True, env=support.base_env(), timeout=10)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)
            self.assertIn(b"--reject-invalid", proc.stderr)


class BehindATunnel(unittest.TestCase):
    def test_public_url_verifies_url_signed_schemes_against_the_url_the_provider_used(self):
        token = "twilio-auth-token-for-tests"
        body = b"From=%2B15550001111&Body=hello"
        headers = sign("twilio", token, body, "--url", "https://abc.example.test/sms?x=1")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        results = {}
        for label, extra in (("tunnel", ["--public-url", "https://abc.example.test"]),
                             ("with a prefix", ["--public-url", "https://abc.example.test/"]),
                             ("no tunnel", [])):
            listener = Listener("--provider", "twilio", "--secret", token, *extra, "--count",
                                "1", "--json")
            listener.post(body, dict(headers), target="/sms?x=1")
            self.assertEqual(listener.wait(), 0, listener.stderr)
            [record] = listener.json_lines()
            results[label] = record["verify"]["ok"]
        self.assertEqual(results, {"tunnel": True, "with a prefix": True, "no tunnel": False})


class TrueReports(unittest.TestCase):
    """What listen prints is what happened, and safe for a terminal in every mode."""

    def test_a_log_that_cannot_be_written_is_reported_with_the_status_sent(self):
        # /dev/full fails every write with ENOSPC, as a full disk does.
        for mode in ([], ["--json"]):
            with self.subTest(mode=mode):
                listener = Listener("--log", "/dev/full", "--count", "1", *mode)
                status, _, _ = listener.post(b'{"a":1}', {"Content-Type": "application/json"})
                self.assertEqual(listener.wait(), 0, listener.stderr)
                self.assertEqual(status, 500)
                if mode:
                    [line] = listener.json_lines()
                    self.assertEqual(line["response"], {"status": 500})
                    self.assertIsNone(line["seq"])
                    self.assertIn("No space left", line["log_error"])
                else:
                    self.assertIn("-> 500", listener.stdout)
                    self.assertNotIn("-> 200", listener.stdout)
                    self.assertIn("not recorded", listener.stdout)

    def test_a_log_others_can_read_gets_a_warning_naming_its_mode(self):
        with tempfile.TemporaryDirectory() as directory:
            wide = os.path.join(directory, "wide.jsonl")
            with open(wide, "w", encoding="utf-8"):
                pass
            os.chmod(wide, 0o644)
            narrow = os.path.join(directory, "new.jsonl")
            for path, expected in ((wide, "has mode 0644"), (narrow, None)):
                listener = Listener("--log", path, "--quiet")
                support.wait_until(lambda: listener.stderr_lines, timeout=1)
                self.assertEqual(listener.stop(), 0)
                warnings = [line for line in listener.stderr.splitlines() if "mode" in line]
                if expected:
                    self.assertEqual(len(warnings), 1, listener.stderr)
                    self.assertIn(expected, warnings[0])
                    self.assertIn(path, warnings[0])
                else:
                    self.assertEqual(warnings, [], listener.stderr)
                    self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_json_escapes_what_a_terminal_acts_on(self):
        listener = Listener("--json", "--count", "1")
        body = "{\"n\":\"\u009b31m\u202eevil\u2066\x7f\u0085\"}".encode()
        listener.post(body, {"Content-Type": "application/json"})
        self.assertEqual(listener.wait(), 0, listener.stderr)
        raw = listener.stdout
        for character in ("\x7f", "\u009b", "\u0085", "\u202e", "\u2066"):
            self.assertNotIn(character, raw)
        [line] = listener.json_lines()
        self.assertEqual(line["body_text"].encode(), body)


class Signals(unittest.TestCase):
    def test_sigint_exits_130_and_sigterm_0(self):
        self.assertEqual(Listener("--quiet").stop(signal.SIGINT), 130)
        self.assertEqual(Listener("--quiet").stop(signal.SIGTERM), 0)

    def test_a_delivery_in_flight_is_answered_and_logged_before_exit(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "log.jsonl")
            listener = Listener("--log", path, "--delay", "500ms", "--quiet")
            result = {}
            thread = support.threading.Thread(
                target=lambda: result.setdefault("status", listener.post(b"late")[0]))
            thread.start()
            time.sleep(0.2)
            self.assertEqual(listener.stop(signal.SIGTERM), 0)
            thread.join(10)
            self.assertEqual(result.get("status"), 200)
            self.assertEqual(len(read_log(path)), 1)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.listener = Listener("--max-body", "1000", "--json")

    def tearDown(self):
        self.listener.stop()

    def assert_still_serving(self):
        self.assertEqual(self.listener.post(b"ok")[0], 200)

    def test_oversize_body_gets_413_before_it_is_sent(self):
        answer = self.listener.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer)
        self.assert_still_serving()

    def test_oversize_header_gets_431(self):
        answer = self.listener.raw(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 431"), answer[:100])
        self.assert_still_serving()

    def test_conflicting_framing_and_broken_chunks_get_400(self):
        for request in (
                b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\nabc\r\n0\r\n\r\n",
                b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                b"NOT A REQUEST\r\n\r\n"):
            answer = self.listener.raw(request, shutdown=True)
            self.assertTrue(answer.startswith(b"HTTP/1.1 400"), (request, answer))
        self.assert_still_serving()
        # The line is written before the answer, but the thread reading stderr may lag behind.
        deadline = time.monotonic() + 5
        while ("rejected a request" not in "".join(self.listener.stderr_lines)
               and time.monotonic() < deadline):
            time.sleep(0.02)
        self.assertIn("rejected a request", "".join(self.listener.stderr_lines))


class Usage(unittest.TestCase):
    def run_hooks(self, *args):
        return support.subprocess.run([support.HOOKS, "listen", *args], capture_output=True,
                                      env=support.base_env(), timeout=10)

    def test_usage_errors_exit_2_with_one_line(self):
        for args in (["--require-valid"], ["--timeout", "5s"], ["--secret", "s"],
                     ["--route", "nourl"], ["--route", "a=ftp://x"], ["--delay", "5 s"],
                     ["--fail-rate", "2"], ["--respond", "99"], ["--provider", "nope"],
                     ["--forward-to", "localhost:3000"], ["--count", "0"]):
            proc = self.run_hooks("--port", "0", *args)
            self.assertEqual(proc.returncode, 2, (args, proc.stderr))
            self.assertEqual(len(proc.stderr.decode().splitlines()), 1, (args, proc.stderr))
            self.assertNotIn(b"whsec", proc.stderr)

    def test_a_respond_that_cannot_be_used_is_one_line_naming_it(self):
        with tempfile.TemporaryDirectory() as directory:
            not_http = os.path.join(directory, "body.json")
            with open(not_http, "wb") as file:
                file.write(b'{"token": "sk_live_never_printed"}')
            bad_header = os.path.join(directory, "bad.http")
            with open(bad_header, "wb") as file:
                file.write(b"HTTP/1.1 200 OK\r\nsk_live_never_printed\r\n\r\n")
            missing = os.path.join(directory, "missing.http")
            cases = [
                (["--respond", "abc"], "expected STATUS (200 to 599) or @FILE"),
                (["--respond", "a.*=700"], "expected STATUS (200 to 599) or @FILE"),
                (["--respond", "=202"], "empty GLOB before '='"),
                (["--respond", "202", "--respond", "204"], "one answer without a GLOB"),
                (["--respond", f"@{missing}"], "missing.http"),
                (["--respond", f"x=@{not_http}"], "line 1 is not a status line"),
                (["--respond", f"@{bad_header}"], "line 2 is not a 'Name: value' header line"),
            ]
            for args, reason in cases:
                proc = self.run_hooks("--port", "0", *args)
                self.assertEqual(proc.returncode, 2, (args, proc.stderr))
                [line] = proc.stderr.decode().splitlines()
                self.assertIn("--respond", line)
                self.assertIn(reason, line)
                self.assertNotIn("sk_live", line)

    def test_a_secret_the_provider_cannot_use_is_refused_at_start(self):
        for args in (["--provider", "standard", "--secret", "whsec_not*base64"],
                     ["--provider", "discord", "--secret", "not-a-hex-key"],
                     ["--provider", "github", "--secret", ""]):
            proc = self.run_hooks("--port", "0", *args)
            self.assertEqual(proc.returncode, 2, (args, proc.stderr))
            [line] = proc.stderr.decode().splitlines()
            self.assertIn("--secret #1", line)
            self.assertNotIn(args[-1] or "\0", line.partition("--secret #1")[2])

    def test_a_port_in_use_is_one_line_exit_2(self):
        holder = Listener("--quiet")
        try:
            proc = self.run_hooks("--port", str(holder.port))
            self.assertEqual(proc.returncode, 2)
            self.assertIn(f"127.0.0.1:{holder.port}", proc.stderr.decode())
            self.assertEqual(len(proc.stderr.decode().splitlines()), 1)
        finally:
            holder.stop()

    def test_a_non_loopback_host_warns(self):
        listener = Listener("--host", "0.0.0.0", "--quiet")
        support.wait_until(lambda: listener.stderr_lines)
        self.assertEqual(listener.stop(), 0)
        self.assertIn("warning: listening on 0.0.0.0", listener.stderr)


if __name__ == "__main__":
    support.HOOKS = sys.argv.pop(1)
    unittest.main(verbosity=1)
