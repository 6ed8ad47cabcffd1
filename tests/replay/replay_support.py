# SPDX-License-Identifier: MIT
"""Helpers for the black-box `hooks replay` tests: delivery logs written the way `hooks listen`
writes them, a counting receiver on 127.0.0.1, and running the real binary."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "listen"))
import listen_support  # noqa: E402
from listen_support import base_env  # noqa: E402


def log_line(seq, body: bytes, headers, method="POST", target="/hooks", id_=None,
             verify=None, status=None, received_at="2026-11-23T10:00:00.000Z", version=2):
    """One delivery log record (PRODUCT.md section 4) as `hooks listen --log` writes it:
    version 2 holds the body once, as body_text when it is valid UTF-8, else as body_b64;
    version 1 (as hooks 0.1.0 wrote it) has body_b64 always, and body_text too when UTF-8."""
    record = {"v": version, "seq": seq, "id": id_, "received_at": received_at,
              "remote": "127.0.0.1:40000", "method": method, "target": target,
              "headers": [list(pair) for pair in headers]}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if version == 1 or text is None:
        record["body_b64"] = base64.b64encode(body).decode()
    if version == 2 and text is not None:
        record["body_text"] = text
    record["body_len"] = len(body)
    record["body_sha256"] = hashlib.sha256(body).hexdigest()
    if version == 1 and text is not None:
        record["body_text"] = text
    if verify is not None:
        record["verify"] = verify
    if status is not None:
        record["response"] = {"status": status}
    return json.dumps(record, separators=(",", ":")) + "\n"


def write_log(path, count, body_size=200):
    """A log of `count` deliveries, ids msg_1..msg_N, distinct bodies of about `body_size`
    bytes. Returns {id: sha256 hex of its body}."""
    digests = {}
    with open(path, "w", encoding="utf-8") as file:
        for seq in range(1, count + 1):
            delivery_id = f"msg_{seq}"
            body = json.dumps({"type": "test.event", "seq": seq,
                               "pad": "x" * max(0, body_size - 40)}).encode()
            headers = [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
                       ("webhook-id", delivery_id), ("Content-Length", str(len(body)))]
            file.write(log_line(seq, body, headers, id_=delivery_id))
            digests[delivery_id] = hashlib.sha256(body).hexdigest()
    return digests


class CountingReceiver:
    """A local HTTP server that counts, per webhook-id, the attempts it saw and the ones it
    acknowledged with 2xx, and the SHA-256 of every body. `decide(id, attempt)` returns the
    status for an attempt (default 204)."""

    def __init__(self, decide=None):
        self.decide = decide or (lambda delivery_id, attempt: 204)
        self.attempts = {}
        self.acks = {}
        self.bodies = {}
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    self.close_connection = True  # the sender died mid-request: not received
                    return
                delivery_id = self.headers.get("webhook-id", "")
                with outer.lock:
                    attempt = outer.attempts.get(delivery_id, 0) + 1
                    outer.attempts[delivery_id] = attempt
                    outer.bodies.setdefault(delivery_id, set()).add(
                        hashlib.sha256(body).hexdigest())
                    outer.requests.append((time.monotonic(), self.command, self.path,
                                           self.headers.items(), body))
                status, extra = outer.decide(delivery_id, attempt), {}
                if isinstance(status, tuple):
                    status, extra = status
                if 200 <= status < 300:
                    with outer.lock:
                        outer.acks[delivery_id] = outer.acks.get(delivery_id, 0) + 1
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

            def handle(self):
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):
                    pass  # a client killed mid-request

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128  # listen(2) backlog: the default 5 drops SYNs under load

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def acknowledged(self):
        with self.lock:
            return sum(self.acks.values())

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def hooks_binary():
    return listen_support.HOOKS


def replay(*args, stdin=b"", env=None, timeout=120):
    """Runs `hooks replay ARGS` to completion; stdout/stderr decoded as text."""
    proc = subprocess.run([hooks_binary(), "replay", *args], input=stdin, capture_output=True,
                          env=base_env(env), timeout=timeout)
    proc.out = proc.stdout.decode(errors="replace")
    proc.err = proc.stderr.decode(errors="replace")
    return proc


def start_replay(*args, env=None):
    """`hooks replay ARGS` started in the background (stdout and stderr to files in memory)."""
    return subprocess.Popen([hooks_binary(), "replay", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=base_env(env))


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
