#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Black-box tests of `hooks inspect` and `hooks listen --ui` (the real binary, real sockets on
127.0.0.1): the printed URL and token, what the API serves over a saved log and live deliveries,
replay to --to byte-exact, bad input as one line and exit 2, the exit codes of SIGINT and
SIGTERM. The page itself is tested in a browser by tests/browser/.

usage: inspect_test.py HOOKS_BINARY
"""
import hashlib
import hmac
import http.server
import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

HOOKS = ""
SECRET = "inspect-test-secret"


def github_signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_for_line(process: subprocess.Popen, prefix: str, lines: list, timeout: float = 20) -> str:
    """Reads stderr lines until one starts with `prefix`; returns the rest of it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"hooks exited before printing {prefix!r}: {''.join(lines)}")
        lines.append(line)
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    raise AssertionError(f"no {prefix!r} line within {timeout} s")


class Inspector:
    """A running inspector: its base URL and token, parsed from 'Inspector on URL'."""

    def __init__(self, url: str):
        self.base, _, self.token = url.partition("/#token=")
        assert self.base.startswith("http://127.0.0.1:"), url
        assert len(self.token) == 32 and all(c in "0123456789abcdef" for c in self.token), url

    def get(self, path: str, token: bool = True) -> tuple[int, bytes]:
        headers = {"X-Hooks-Token": self.token} if token else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={"X-Hooks-Token": self.token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


ROW_FIELDS = ["seq", "received_at", "method", "target", "provider", "event_type", "verdict", "reason",
              "status", "size", "redelivery", "attempt", "content_type", "id", "log_seq"]


def summaries_from(test: unittest.TestCase, fields: list, rows: list) -> list:
    """Summary dicts from the list's compact rows, asserting one value per field in each row."""
    for row in rows:
        test.assertEqual(len(row), len(fields), row)
    return [dict(zip(fields, row)) for row in rows]


def listed(test: unittest.TestCase, body: bytes) -> list:
    """The summaries of a GET /api/deliveries answer, asserting its shape: fields, rows, last_seq."""
    page = json.loads(body)
    test.assertEqual(sorted(page), ["fields", "last_seq", "rows"])
    test.assertEqual(page["fields"], ROW_FIELDS)
    return summaries_from(test, page["fields"], page["rows"])


def post_delivery(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def log_line(seq: int, body: bytes, secret: str = SECRET) -> str:
    return json.dumps({
        "v": 2, "seq": seq, "id": f"d-{seq}", "received_at": "2026-12-05T10:00:00.000Z",
        "remote": "127.0.0.1:5000", "method": "POST", "target": "/hooks",
        "headers": [["Host", "127.0.0.1:8080"], ["Content-Type", "application/json"],
                    ["X-GitHub-Event", "push"], ["X-GitHub-Delivery", f"d-{seq}"],
                    ["X-Hub-Signature-256", github_signature(body, secret)]],
        "body_text": body.decode(), "response": {"status": 200}}) + "\n"


class Receiver:
    """A local HTTP server that records every request it gets, byte for byte."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                received.append((self.path, list(self.headers.items()), self.rfile.read(length)))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class InspectTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="hooks-inspect-test-")
        self.work = Path(self.directory.name)
        self.processes = []

    def tearDown(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()
        self.directory.cleanup()

    def start(self, *args) -> tuple[subprocess.Popen, list]:
        process = subprocess.Popen([HOOKS, *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        self.processes.append(process)
        return process, []

    def test_inspect_serves_a_saved_log_and_replays_to_its_destination_only(self):
        bodies = [b'{"n":1}', b'{"n":2,"text":"caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d"}']
        log = self.work / "saved.jsonl"
        log.write_text(log_line(1, bodies[0]) + log_line(2, bodies[1], "other-secret"))
        receiver = Receiver()
        self.addCleanup(receiver.close)
        process, lines = self.start("inspect", str(log), "--provider", "github", "--secret",
                                    SECRET, "--to", receiver.url + "/app")
        self.assertEqual(wait_for_line(process, "Read ", lines), f"2 deliveries from {log}")
        inspector = Inspector(wait_for_line(process, "Inspector on ", lines))

        self.assertEqual(inspector.get("/api/deliveries", token=False)[0], 403)
        status, body = inspector.get("/api/deliveries")
        self.assertEqual(status, 200)
        summaries = listed(self, body)
        self.assertEqual([d["seq"] for d in summaries], [1, 2])
        self.assertEqual([d["verdict"] for d in summaries], ["valid", "invalid"])
        self.assertEqual([d["event_type"] for d in summaries], ["push", "push"])
        self.assertEqual([d["redelivery"] for d in summaries], [False, False])
        status, info = inspector.get("/api/info")
        self.assertEqual(json.loads(info)["replay_to"], receiver.url + "/app")

        status, detail = inspector.get("/api/deliveries/2")
        detail = json.loads(detail)
        self.assertEqual(detail["body_text"].encode(), bodies[1])
        self.assertFalse(detail["verify"]["ok"])
        self.assertIn("X-Hub-Signature-256", detail["verify"]["reason"])
        status, line = inspector.get("/api/deliveries/2/jsonl")
        self.assertEqual(json.loads(line)["body_text"].encode(), bodies[1])

        status, sent = inspector.post("/api/deliveries/1/replay", {"url": "http://10.0.0.1/"})
        self.assertEqual((status, sent["status"], sent["error"]), (200, 202, ""))
        status, sent = inspector.post("/api/deliveries/2/replay",
                                      {"body_text": '{"n":3}', "resign": True})
        self.assertEqual(sent["status"], 202)
        self.assertEqual((sent["before"]["ok"], sent["after"]["ok"]), (False, True))
        self.assertEqual(len(receiver.received), 2)
        path, headers, body = receiver.received[0]
        self.assertEqual((path, body), ("/app", bodies[0]))
        self.assertEqual([name for name, _ in headers],
                         ["Host", "Content-Type", "X-GitHub-Event", "X-GitHub-Delivery",
                          "X-Hub-Signature-256", "Content-Length"])
        path, headers, body = receiver.received[1]
        self.assertEqual(body, b'{"n":3}')
        self.assertEqual(dict(headers)["X-Hub-Signature-256"], github_signature(b'{"n":3}'))
        self.assertNotIn(SECRET, "".join(lines))

        process.send_signal(signal.SIGINT)
        self.assertEqual(process.wait(timeout=20), 130)

    def test_listen_ui_shows_live_deliveries_and_stops_on_sigterm(self):
        process, lines = self.start("listen", "--port", "0", "--ui", "--provider", "github",
                                    "--secret", SECRET, "--quiet")
        listening = wait_for_line(process, "Listening on ", lines)
        inspector = Inspector(wait_for_line(process, "Inspector on ", lines))
        self.assertNotEqual(listening, inspector.base)
        body = b'{"zen":"live"}'
        for secret in (SECRET, "wrong"):
            status = post_delivery(listening + "/hooks", body, {
                "Content-Type": "application/json", "X-GitHub-Event": "push",
                "X-Hub-Signature-256": github_signature(body, secret)})
            self.assertEqual(status, 200)
        summaries = listed(self, inspector.get("/api/deliveries")[1])
        self.assertEqual([d["verdict"] for d in summaries], ["valid", "invalid"])
        self.assertEqual([d["status"] for d in summaries], [200, 200])
        status, stream = inspector.get(f"/api/stream?token={inspector.token}&after=1", token=False)
        self.assertEqual(status, 200)
        self.assertTrue(stream.startswith(b"retry: 250\n\n"), stream)
        # One event for the batch: its id is the last row's seq, its data the rows after seq 1.
        prefix = b"id: 2\nevent: deliveries\ndata: "
        self.assertIn(prefix, stream)
        data = stream.split(prefix, 1)[1].split(b"\n", 1)[0]
        streamed = summaries_from(self, ROW_FIELDS, json.loads(data))
        self.assertEqual(streamed, summaries[1:])
        status, stream = inspector.get("/api/stream?after=0", token=True)
        self.assertEqual(status, 200)
        self.assertIn(b"id: 2\nevent: deliveries\ndata: [[1,", stream)
        self.assertEqual(inspector.post("/api/deliveries/1/replay", {})[0], 409)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=20), 0)

    def test_no_secret_reaches_the_page(self):
        """Every answer of the API, and the output, with secrets a GitHub and a GitLab delivery
        use: no 12-character run of a secret may appear (GitLab sends its secret itself)."""
        canaries = ["cnry-Inspect-Raw-7f3e1b9d2c4a", "cnry-GlTok-5b8e2d7c91f0a9e3"]
        log = self.work / "saved.jsonl"
        gitlab = json.loads(log_line(2, b'{"object_kind":"push"}'))
        gitlab["headers"] = [["Host", "127.0.0.1:8080"], ["X-Gitlab-Event", "Push Hook"],
                             ["X-Gitlab-Token", canaries[1]]]
        log.write_text(log_line(1, b'{"n":1}', canaries[0]) + json.dumps(gitlab) + "\n")
        process, lines = self.start("inspect", str(log), "--provider", "auto", "--secret",
                                    canaries[0], "--secret", canaries[1])
        inspector = Inspector(wait_for_line(process, "Inspector on ", lines))
        answers = []
        for path in ("/api/info", "/api/deliveries", "/api/deliveries/1", "/api/deliveries/2",
                     "/api/deliveries/1/har", "/api/deliveries/2/har", "/api/deliveries/1/jsonl",
                     "/api/deliveries/2/jsonl", f"/api/stream?token={inspector.token}&after=0"):
            status, body = inspector.get(path)
            self.assertEqual(status, 200, path)
            answers.append(body.decode())
        detail = json.loads(answers[3])
        self.assertTrue(detail["verify"]["ok"], detail["verify"])
        self.assertIn(["X-Gitlab-Token", "<secret, not printed>"], detail["headers"])
        for seq in (1, 2):
            for resign in (False, True):
                edit = {"body_text": '{"edited":true}', "resign": resign,
                        "headers": json.loads(answers[1 + seq])["headers"]}
                status, checked = inspector.post(f"/api/deliveries/{seq}/check", edit)
                self.assertEqual(status, 200, checked)
                answers.append(json.dumps(checked))
            answers.append(json.dumps(inspector.post(f"/api/deliveries/{seq}/replay", {})[1]))
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=20), 0)
        output = "".join(lines) + process.stderr.read() + process.stdout.read()
        for text in answers + [output]:
            for canary in canaries:
                for start in range(len(canary) - 11):
                    self.assertNotIn(canary[start:start + 12], text)

    def test_bad_input_is_one_line_and_exit_2(self):
        broken = self.work / "broken.jsonl"
        broken.write_text(log_line(1, b"{}") + '{"v":2}\n')
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        self.addCleanup(busy.close)
        cases = [
            (["inspect", str(self.work / "missing.jsonl")], "cannot open"),
            (["inspect", str(broken)], "broken.jsonl:2: "),
            (["inspect", str(broken), "--to", "ftp://x"], "--to"),
            (["inspect"], "file is required"),
            (["listen", "--ui-port", "0"], "--ui"),
            (["listen", "--port", "0", "--ui", "--ui-port", str(busy.getsockname()[1])],
             "--ui: cannot listen on 127.0.0.1:"),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                result = subprocess.run([HOOKS, *args], capture_output=True, text=True,
                                        timeout=30)
                self.assertEqual(result.returncode, 2, result.stderr)
                errors = [l for l in result.stderr.splitlines() if l.startswith("hooks: error")]
                self.assertEqual(len(errors), 1, result.stderr)
                self.assertIn(expected, errors[0])


if __name__ == "__main__":
    HOOKS = sys.argv.pop(1)
    unittest.main(verbosity=2)
