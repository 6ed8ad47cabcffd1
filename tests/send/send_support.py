# SPDX-License-Identifier: MIT
"""Helpers for the black-box `hooks send` tests: run the real binary, scripted local receivers
(plain HTTP or HTTPS) that record when each request arrived, and test keys."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "listen"))
import listen_support  # noqa: E402
from listen_support import base_env  # noqa: E402

# RFC 8032 section 7.1, test 1: an Ed25519 seed and its public key (test keys, not secrets).
ED25519_SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
ED25519_PUBLIC_HEX = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

# The Standard Webhooks spec's example key (base64 after the prefix, as Svix uses too).
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PLAIN_SECRET = "send-test-secret"


class Listener(listen_support.Listener):
    """listen_support.Listener that also closes its pipes once the process has exited."""

    def wait(self, timeout=30):
        try:
            return super().wait(timeout)
        finally:
            if self.proc.poll() is not None:
                self.proc.stdout.close()
                self.proc.stderr.close()


def settle(listener, sent):
    """Lets listen finish by itself after a send that succeeded; stops it after one that did
    not (it would otherwise wait for deliveries that never come). Returns listen's exit code."""
    return listener.wait() if sent.returncode == 0 else listener.stop()


def hooks_binary():
    return listen_support.HOOKS


def run_hooks(*args, stdin=b"", env=None, timeout=60, cwd=None):
    """Runs `hooks ARGS` to completion; stdout/stderr decoded as text."""
    proc = subprocess.run([hooks_binary(), *args], input=stdin, capture_output=True,
                          env=base_env(env), timeout=timeout, cwd=cwd)
    proc.out = proc.stdout.decode(errors="replace")
    proc.err = proc.stderr.decode(errors="replace")
    return proc


def send(url, *args, **kwargs):
    return run_hooks("send", url, *args, **kwargs)


def send_json(url, *args, **kwargs):
    """`hooks send URL ARGS --json`: the process and its one JSON object (None if no stdout)."""
    proc = send(url, *args, "--json", **kwargs)
    lines = [line for line in proc.out.splitlines() if line.strip()]
    document = json.loads(lines[0]) if len(lines) == 1 else None
    return proc, document


def provider_catalog():
    """`hooks providers --json`: every built-in provider with can_sign and its events."""
    proc = run_hooks("providers", "--json")
    if proc.returncode != 0:
        raise AssertionError(f"hooks providers --json failed: {proc.err}")
    return json.loads(proc.out)["providers"]


def header(record, name):
    """The first value of header `name` in a listen JSON record (or None)."""
    for key, value in record["headers"]:
        if key.lower() == name.lower():
            return value
    return None


def rfc3339_millis(text):
    """Milliseconds since the epoch of listen's received_at ("2026-01-01T00:00:00.123Z")."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000.0


class ScriptedApp:
    """A local HTTP(S) server on 127.0.0.1 answering requests from a script.

    `script` is a list of (status, headers dict, body bytes); request i gets script[i], or the
    last entry once the script is used up. `requests` records (monotonic seconds, method, path,
    headers, body) per request."""

    def __init__(self, script, ssl_context=None):
        self.script = list(script)
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with outer.lock:
                    index = len(outer.requests)
                    outer.requests.append((arrived, self.command, self.path,
                                           self.headers.items(), body))
                    status, headers, answer = outer.script[min(index, len(outer.script) - 1)]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.port = self.server.server_address[1]
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def gaps_ms(self):
        """Milliseconds between consecutive requests' arrivals."""
        times = [request[0] for request in self.requests]
        return [(b - a) * 1000.0 for a, b in zip(times, times[1:])]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def make_self_signed_certificate(directory):
    """A self-signed certificate for IP 127.0.0.1, made with the openssl CLI: (cert, key) paths,
    or None when openssl is not installed."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def tls_server_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
