# SPDX-License-Identifier: MIT
"""Shared helpers for the black-box `hooks listen` tests: start the real binary on an ephemeral
port, talk to it over real sockets, and stop it."""
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOOKS = os.environ.get("HOOKS_BINARY", "hooks")


def base_env(extra=None):
    env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1"}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra or {})
    return env


class Listener:
    """`hooks listen --port 0 ARGS`, started and ready: `port`, `stdout_lines()`, `stop()`."""

    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen([HOOKS, "listen", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=base_env(env))
        first = self.proc.stderr.readline().decode()
        if not first.startswith("Listening on http://"):
            rest = self.proc.stderr.read().decode()
            self.proc.wait(10)
            raise AssertionError(f"no 'Listening on' line: {first!r} {rest!r}")
        self.first_line = first
        self.port = int(first.strip().rsplit(":", 1)[1])
        self.stderr_lines = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode(errors="replace"))

    def post(self, body=b"", headers=None, target="/webhooks", method="POST", timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data, response

    def raw(self, data: bytes, timeout=5, shutdown=False):
        """Sends raw bytes and returns everything the server answers until it closes or idles."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            if shutdown:
                sock.shutdown(socket.SHUT_WR)
            chunks = []
            try:
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except socket.timeout:
                pass
            return b"".join(chunks)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=15):
        # stderr belongs to the reader thread; communicate() would race it for the bytes.
        result = {}
        drain = threading.Thread(target=lambda: result.setdefault("out", self.proc.stdout.read()),
                                 daemon=True)
        drain.start()
        drain.join(timeout)
        if drain.is_alive():
            self.proc.kill()
            drain.join(5)
            raise subprocess.TimeoutExpired(self.proc.args, timeout)
        self.proc.wait(5)
        self._reader.join(5)
        out = result.get("out", b"")
        self.stdout = out.decode(errors="replace")
        self.stderr = "".join(self.stderr_lines)
        return self.proc.returncode

    def json_lines(self):
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def sign(provider, secret, body: bytes, *extra):
    """The headers `hooks sign` prints, as a dict."""
    proc = subprocess.run([HOOKS, "sign", "--provider", provider, "--secret", secret, *extra, "-"],
                          input=body, capture_output=True, env=base_env(), timeout=30, check=True)
    headers = {}
    for line in proc.stdout.decode().splitlines():
        name, _, value = line.partition(": ")
        headers[name] = value
    return headers


class App:
    """A small local app on an ephemeral port that records requests and answers `status`."""

    def __init__(self, status=201, body=b'{"received":true}', content_type="application/json"):
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append((self.command, self.path, self.headers.items(),
                                       self.rfile.read(length)))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_PUT = do_GET = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def chunked_length(data: bytes):
    """The length of a whole chunked body (chunks, last chunk, trailer section) at the start of
    `data`, or None when it has not all arrived."""
    at = 0
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";")[0], 16)
        at = line_end + 2
        if size == 0:
            end = data.find(b"\r\n", at) if data[at:at + 2] == b"\r\n" else \
                data.find(b"\r\n\r\n", at)
            if end < 0:
                return None
            return end + (2 if data[at:at + 2] == b"\r\n" else 4)
        at += size + 2
        if at > len(data):
            return None


def read_request(sock, pending=b""):
    """One request off `sock` framed by Content-Length or chunked: (head bytes up to and including
    the blank line, body bytes as sent (a chunked one with its chunk lines and trailers), what is
    left over), or None when the peer closed first."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        pending += chunk
    end = pending.index(b"\r\n\r\n") + 4
    head = pending[:end]
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            while (length := chunked_length(pending[end:])) is None:
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                pending += chunk
            break
    while len(pending) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        pending += chunk
    return head, pending[end:end + length], pending[end + length:]


def exchange(port, request: bytes, timeout=10):
    """Writes `request` to 127.0.0.1:port and reads one Content-Length framed response:
    (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        response = read_request(sock)
    if response is None:
        raise AssertionError("the connection closed before a whole response arrived")
    head, body, _ = response
    return int(head.split(b" ", 2)[1]), body


class RawApp:
    """An app on raw sockets (no HTTP library between the wire and the test): it keeps the exact
    bytes of every request's head and body, and answers each 200 on a kept-alive connection."""

    def __init__(self):
        self.requests = []  # (head bytes, body bytes)
        self.connections = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopping = False
        self.thread = threading.Thread(target=self._accept_all, daemon=True)
        self.thread.start()

    def _accept_all(self):
        while not self.stopping:
            try:
                sock, _ = self.server.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        with sock:
            sock.settimeout(10)
            pending = b""
            try:
                while (request := read_request(sock, pending)) is not None:
                    head, body, pending = request
                    self.requests.append((head, body))
                    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 b"Content-Length: 2\r\n\r\nok")
            except OSError:
                pass

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.server.close()


def header_lines(head: bytes):
    """The header lines of a request head, exactly as sent (without the request line)."""
    return head.split(b"\r\n")[1:-2]
