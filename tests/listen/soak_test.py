#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reliability soak test of `hooks listen` (PRODUCT.md section 5, "listen soak").

Usage: soak_test.py HOOKS_BINARY

64 client threads talk to one `hooks listen --provider github --secret S --log LOG --quiet` over
raw sockets: keep-alive connections (several requests, some pipelined), one-request connections
(Connection: close, HTTP/1.0), bodies of 200 B to 64 KiB (JSON, UTF-8 text, invalid UTF-8,
binary), Content-Length and chunked framing, split writes, headers in varied case and order with
duplicates, a unique X-Soak-Id per request, right, wrong and missing X-Hub-Signature-256, and a
few requests cut short on purpose (the connection closed or reset mid-request). Each
request is written by hand, so the exact header list on the wire is known; each response is parsed
by hand (status line, Content-Length or chunked, keep-alive).

Phase "sigterm": the whole load, then SIGTERM (exit 0), then an audit of the log: every request
acknowledged with 2xx is in the log exactly once, byte-exact (body, header list, method, target,
remote, id, verify.ok); no record nobody sent, none of a request cut short; seq unique,
increasing, 1..n; no non-2xx answer, no client error, nothing unexpected on stderr.

Phase "kill -9": a fresh listener and log, the same kind of load, SIGKILL at a random point
(25-60 % of the requests acknowledged). Every request acknowledged before the kill is in the log
byte-exact; every record is a request that was really written (requests written but unanswered
may or may not be there); the log parses (a torn last line is reported). Then a listener is
restarted on that log: it must repair a torn line, go on with seq, and record one more delivery.

Environment: HOOKS_SOAK_SCALE (default 1: about 3,000 deliveries per phase; larger values
multiply), HOOKS_SOAK_SEED (the same requests again), HOOKS_SOAK_CONNECTIONS (default 64),
HOOKS_SOAK_KEEP=1 (keep the logs even when the test passes).
"""
import base64
import binascii
import hashlib
import hmac
import itertools
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import listen_support as support  # noqa: E402

SECRET = b"soak-test-secret-1b8e3c"
SECRET_ARG = SECRET.decode()
WRONG_SECRET = b"another-secret"
MIN_BODY, MAX_BODY = 200, 64 * 1024
DELIVERIES_PER_SCALE = 3000
SOCKET_TIMEOUT = 30.0  # every socket operation; a stuck listener fails the test, never hangs it
MAX_REPORTED = 15
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


# ---------------------------------------------------------------------------------------------
# Requests: bodies, header lists, wire bytes


UNICODE_BITS = ["é", "ß", "日本語", "中文字", "😀", "🚀", "\u2028", "\u00a0", "ÿ", "Ω", "\ufeff",
                "𝄞", "ñandú", "Ελληνικά", "עברית"]
ESCAPE_BITS = ['"', "\\", "\n", "\t", "\r", "\u0001", "\u001f", "/", "</script>", "\u007f"]
INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                b"\xc0\xaf", b"\x80", b"\xe6\x97", b"\xf4\x90\x80\x80"]


def body_size(rng):
    roll = rng.random()
    if roll < 0.03:
        return MIN_BODY
    if roll < 0.06:
        return MAX_BODY
    return int(math.exp(rng.uniform(math.log(MIN_BODY), math.log(MAX_BODY))))


def text_pad(rng, nbytes):
    parts, total = [], 0
    while total < nbytes:
        roll = rng.random()
        if roll < 0.75:
            piece = base64.b64encode(rng.randbytes(rng.randint(3, 400))).decode()
        elif roll < 0.93:
            piece = rng.choice(UNICODE_BITS)
        else:
            piece = rng.choice(ESCAPE_BITS)
        parts.append(piece)
        total += len(piece.encode())
    return "".join(parts)


def fit(body):
    """Cuts or pads `body` (bytes) into [MIN_BODY, MAX_BODY] without caring for its syntax."""
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY]
    if len(body) < MIN_BODY:
        body += b" " * (MIN_BODY - len(body))
    return body


def json_body(rng, size, soak_id):
    obj = {
        "soak_id": soak_id,
        "action": rng.choice(["opened", "closed", "push", "created", "sync"]),
        "number": rng.randint(-10**18, 10**18),
        "huge": 123456789012345678901234567890123456789,
        "float": rng.choice([0.1, 1e300, -2.5e-308, 123456789.123456789, 0.0]),
        "flags": [True, False, None],
        "nested": {"a": {"b": [1, {"c": "d"}, []], "e": {}}},
        "pad": "",
    }
    indent = rng.choice([None, None, None, 2, "\t"])
    ensure_ascii = rng.random() < 0.2
    separators = (",", ":") if indent is None and rng.random() < 0.7 else None

    def dump():
        return json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii,
                          separators=separators).encode()

    obj["pad"] = text_pad(rng, max(0, size - len(dump())))
    body = dump()
    while len(body) > MAX_BODY:
        obj["pad"] = obj["pad"][:max(0, len(obj["pad"]) - (len(body) - MAX_BODY) - 8)]
        body = dump()
    if rng.random() < 0.2 and len(body) < MAX_BODY:
        body += b"\n"
    return fit(body)


def text_body(rng, size, soak_id):
    if rng.random() < 0.5:  # a form body
        pairs, total = [f"soak_id={soak_id}"], 0
        while total < size:
            pair = f"k{len(pairs)}=" + base64.urlsafe_b64encode(rng.randbytes(rng.randint(1, 90))
                                                                ).decode().replace("=", "%3D")
            pairs.append(pair)
            total += len(pair) + 1
        return fit("&".join(pairs).encode())
    return fit((f"soak {soak_id}\n" + text_pad(rng, size)).encode())


def bad_utf8_body(rng, size, soak_id):
    body = bytearray(json_body(rng, size, soak_id))
    for _ in range(rng.randint(1, 4)):
        bad = rng.choice(INVALID_UTF8)
        at = rng.randrange(len(body) + 1)
        body[at:at] = bad
    if rng.random() < 0.2:
        body += b"\xe6\x97"  # a truncated multibyte sequence at the very end
    return fit(bytes(body))


def binary_body(rng, size, soak_id):
    return fit(soak_id.encode() + b"\x00" + rng.randbytes(max(0, size - len(soak_id) - 1)))


BODY_KINDS = [(0.50, "json", json_body), (0.10, "text", text_body),
              (0.15, "bad-utf8", bad_utf8_body), (0.25, "binary", binary_body)]


def pick(rng, weighted):
    roll, total = rng.random(), 0.0
    for weight, *rest in weighted:
        total += weight
        if roll < total:
            return rest
    return weighted[-1][1:]


def is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class Request:
    """One request as it went on the wire, and what came of it."""
    __slots__ = ("index", "soak_id", "delivery_id", "method", "target", "version", "headers",
                 "wire_head", "body", "body_len", "body_sha", "body_utf8", "sig", "features",
                 "chunks", "split", "closes", "conn", "remote", "written", "status",
                 "error", "response_close", "aborted")

    def __init__(self):
        self.written = False   # every byte of it was handed to the kernel
        self.status = None     # the answer's status, when one was read
        self.error = None      # what went wrong on the client side
        self.response_close = False
        self.aborted = False   # cut short on purpose: must never be logged


def chunk_body(rng, body, features):
    pieces, at = [], 0
    while at < len(body):
        size = min(len(body) - at, rng.choice([1, 7, 100, 1000, 4096, 16384, 65536,
                                               rng.randint(1, len(body))]))
        size_text = f"{size:x}" if rng.random() < 0.8 else f"{size:X}"
        if rng.random() < 0.03:
            size_text += ";soak-ext=1"
            features.add("chunk-ext")
        pieces.append(size_text.encode() + b"\r\n" + body[at:at + size] + b"\r\n")
        at += size
    pieces.append(b"0\r\n\r\n")
    return pieces


def build_request(rng, phase, index, port, connection_header, version="HTTP/1.1"):
    """A request with a unique X-Soak-Id. `connection_header` is None, "close" or "keep-alive"."""
    req = Request()
    req.index = index
    req.soak_id = f"{phase}-{index:07d}-{rng.getrandbits(32):08x}"
    req.delivery_id = "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(bits)
                                                         for bits in (32, 16, 16, 16, 48))
    features = set()
    kind, make = pick(rng, BODY_KINDS)
    features.add(kind)
    body = make(rng, body_size(rng), req.soak_id)
    req.method = pick(rng, [(0.9, "POST"), (0.07, "PUT"), (0.03, "PATCH")])[0]
    req.target = rng.choice(["/webhooks", "/", "/hooks/github", f"/soak/{index}",
                             f"/in?q=%0A&id={index}", "/a/b/../c?x=1&x=2", "/%E2%82%AC/x"])
    req.version = version

    headers = [(rng.choice([b"Host", b"host", b"HOST"]), f"127.0.0.1:{port}".encode()),
               (b"User-Agent", b"GitHub-Hookshot/soak"),
               (b"Content-Type", {"json": b"application/json", "text": b"text/plain; charset=utf-8",
                                  "bad-utf8": b"application/json",
                                  "binary": b"application/octet-stream"}[kind]),
               (b"X-GitHub-Event", b"push"),
               (b"X-GitHub-Delivery", req.delivery_id.encode()),
               (rng.choice([b"X-Soak-Id", b"x-soak-id", b"X-SOAK-ID"]), req.soak_id.encode())]
    roll = rng.random()
    signature_name = rng.choice([b"X-Hub-Signature-256", b"X-Hub-Signature-256",
                                 b"x-hub-signature-256"])
    good = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if roll < 0.85:
        req.sig = True
        headers.append((signature_name, good.encode()))
    elif roll < 0.97:
        req.sig = False
        features.add("sig-wrong")
        wrong = rng.choice([
            good[:-1] + ("0" if good[-1] != "0" else "1"),
            "sha256=" + hmac.new(WRONG_SECRET, body, hashlib.sha256).hexdigest(),
            "sha256=" + hmac.new(SECRET, body + b"\n", hashlib.sha256).hexdigest(),
            "sha256=", "sha1=" + hmac.new(SECRET, body, hashlib.sha1).hexdigest()])
        headers.append((signature_name, wrong.encode()))
    else:
        req.sig = False
        features.add("sig-missing")

    # Extras: duplicates, odd but legal values.
    if rng.random() < 0.3:
        headers += [(b"X-Dup", b"first"), (b"x-dup", b"second"), (b"X-Dup", b"first")]
        features.add("dup-headers")
    if rng.random() < 0.1:
        headers.append((b"X-Pct", b"%0D%0A%00 stays"))
    if rng.random() < 0.1:
        headers.append((b"X-Utf8", "café ☕ 日本 😀".encode()))
        features.add("utf8-header")
    if rng.random() < 0.03:
        headers.append((b"X-Obs-Text", b"latin-1 \xe9t\xe9 \x80\xff"))
        features.add("obs-text")
    if rng.random() < 0.05:
        headers.append((b"X-Empty", b""))
        features.add("empty-value")
    if rng.random() < 0.05:
        headers.append((b"X-Long", base64.b64encode(rng.randbytes(3000))))
    if rng.random() < 0.05:
        headers.append((b"X-Inner-Space", b"a  b\tc ,d"))
    if rng.random() < 0.02:
        headers += [(f"X-Many-{i}".encode(), str(i).encode()) for i in range(60)]
        features.add("many-headers")
    if connection_header is not None:
        headers.append((b"Connection", connection_header.encode()
                        if rng.random() < 0.8 else connection_header.title().encode()))
    if rng.random() < 0.03 and version == "HTTP/1.1":
        headers.append((b"Expect", b"100-continue"))
        features.add("expect")

    chunked = version == "HTTP/1.1" and rng.random() < 0.15
    if chunked:
        features.add("chunked")
        headers.append((rng.choice([b"Transfer-Encoding", b"transfer-encoding"]), b"chunked"))
        req.chunks = chunk_body(rng, body, features)
    else:
        length = str(len(body)).encode()
        headers.append((rng.choice([b"Content-Length", b"content-length"]), length))
        if rng.random() < 0.01:
            headers.append((b"Content-Length", length))  # identical repeats are legal
            features.add("repeated-content-length")
        req.chunks = [body]
    if rng.random() < 0.5:
        rng.shuffle(headers)
        features.add("shuffled")

    # Leading optional whitespace is not part of a value; the value itself is sent verbatim.
    lines = [f"{req.method} {req.target} {version}\r\n".encode()]
    for name, value in headers:
        separator = pick(rng, [(0.8, b": "), (0.1, b":"), (0.05, b":  "), (0.05, b":\t")])[0]
        lines.append(name + separator + value + b"\r\n")
    lines.append(b"\r\n")
    req.wire_head = b"".join(lines)
    req.headers = headers
    req.body = body  # dropped once written
    req.body_len = len(body)
    req.body_sha = hashlib.sha256(body).hexdigest()
    req.body_utf8 = is_utf8(body)
    req.split = rng.random() < 0.1
    if req.split:
        features.add("split-writes")
    req.closes = (connection_header or "").lower() == "close" or version == "HTTP/1.0"
    req.features = features
    return req


def describe(req):
    return (f"{req.soak_id} ({req.method} {req.target}, {req.body_len} B, "
            f"{'/'.join(sorted(req.features))}, sig {'right' if req.sig else 'wrong'}, "
            f"conn {req.conn})")


# ---------------------------------------------------------------------------------------------
# A raw client connection


class ProtocolError(Exception):
    pass


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.local = "%s:%d" % self.sock.getsockname()[:2]
        self.buffer = bytearray()

    def send(self, req, rng):
        if req.split:  # the head in two pieces, then each chunk on its own
            cut = rng.randrange(1, len(req.wire_head))
            self.sock.sendall(req.wire_head[:cut])
            self.sock.sendall(req.wire_head[cut:])
            for piece in req.chunks:
                self.sock.sendall(piece)
        else:
            self.sock.sendall(req.wire_head + b"".join(req.chunks))
        req.written = True
        req.body = None
        req.chunks = None

    def send_partial_and_abort(self, req, rng):
        """Writes only a prefix of `req`, then closes (half of the time with a RST)."""
        wire = req.wire_head + b"".join(req.chunks)
        head = len(req.wire_head)
        roll = rng.random()
        if roll < 0.2:
            cut = rng.randrange(1, head)                     # inside the head
        elif roll < 0.4:
            cut = head                                       # the head, no body
        elif roll < 0.6:
            cut = len(wire) - 1                              # one byte short
        elif roll < 0.8 and "chunked" in req.features:
            cut = len(wire) - rng.choice([5, 2])             # no last chunk, or no final CRLF
        else:
            cut = rng.randrange(head, len(wire))             # inside the body
        req.aborted = True
        req.features.add("aborted")
        req.error = f"aborted on purpose after {cut} of {len(wire)} bytes"
        req.body = req.chunks = None
        try:
            self.sock.sendall(wire[:cut])
            if rng.random() < 0.5:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))  # close with a RST
        except OSError:
            pass

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ProtocolError("connection closed by the server before a complete answer")
        self.buffer += data

    def _line_block(self):
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = bytes(self.buffer[:end])
                del self.buffer[:end + 4]
                return head
            if len(self.buffer) > 1 << 20:
                raise ProtocolError("response head larger than 1 MiB")
            self._fill()

    def _exactly(self, count):
        while len(self.buffer) < count:
            self._fill()
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def _line(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.find(b"\r\n")
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 2]
        return line

    def read_response(self):
        """Returns (status, close): 1xx interim answers are skipped."""
        while True:
            head = self._line_block()
            lines = head.split(b"\r\n")
            match = re.match(rb"^HTTP/(1\.[01]) (\d{3})(?: .*)?$", lines[0])
            if not match:
                raise ProtocolError(f"bad status line {lines[0][:80]!r}")
            version, status = match.group(1), int(match.group(2))
            fields = {}
            for line in lines[1:]:
                name, colon, value = line.partition(b":")
                if not colon:
                    raise ProtocolError(f"bad response header line {line[:80]!r}")
                fields.setdefault(name.strip().lower(), []).append(value.strip())
            if 100 <= status < 200:
                continue
            connection = b",".join(fields.get(b"connection", [])).lower()
            close = b"close" in connection or (version == b"1.0"
                                               and b"keep-alive" not in connection)
            if b"chunked" in b",".join(fields.get(b"transfer-encoding", [])).lower():
                while True:
                    size = int(self._line().split(b";")[0], 16)
                    if size == 0:
                        while self._line():
                            pass
                        break
                    self._exactly(size + 2)
            elif b"content-length" in fields:
                self._exactly(int(fields[b"content-length"][0]))
            elif status not in (204, 304):
                # No framing: the body runs to the end of the connection.
                try:
                    while True:
                        self._fill()
                except ProtocolError:
                    pass
                close = True
            return status, close

    def expect_eof(self):
        """After an answer that said close (or to a request that asked for it)."""
        if self.buffer:
            return f"{len(self.buffer)} unexpected bytes after the last answer"
        try:
            self.sock.settimeout(5)
            data = self.sock.recv(1)
        except socket.timeout:
            return "the server did not close the connection within 5 s after Connection: close"
        except OSError:
            return None
        return f"unexpected bytes after the last answer: {data!r}" if data else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# The load


class Load:
    """`total` requests from `connections` threads against `port`; optionally SIGKILLs `listener`
    once `kill_after` requests were acknowledged."""

    def __init__(self, phase, port, total, connections, seed, listener=None, kill_after=None,
                 deadline=None):
        self.phase, self.port, self.total = phase, port, total
        self.connections, self.seed = connections, seed
        self.listener, self.kill_after = listener, kill_after
        self.deadline = deadline
        self.lock = threading.Lock()
        self.counter = itertools.count()
        self.requests = []
        self.acked = 0
        self.killed = threading.Event()
        self.stop = threading.Event()
        self.kill_time = None
        self.acked_at_kill = None
        self.conn_errors = []     # connections that could not even be opened
        self.protocol_notes = []  # keep-alive surprises, bytes after close...
        self.conn_count = {"keep-alive": 0, "pipelined": 0, "close": 0, "http1.0": 0}
        self.aborted = 0          # requests cut short on purpose

    def claim(self):
        if self.stop.is_set() or self.killed.is_set():
            return None
        with self.lock:
            index = next(self.counter)
        return index if index < self.total else None

    def register(self, req):
        with self.lock:
            self.requests.append(req)

    def answered(self, req, status, close):
        req.status, req.response_close = status, close
        if not 200 <= status < 300:
            return
        with self.lock:
            self.acked += 1
            kill = self.kill_after is not None and self.acked == self.kill_after
            if kill:
                # Kill right here, while the other 63 connections have requests in flight.
                self.listener.proc.kill()
                self.kill_time = time.monotonic()
                self.acked_at_kill = self.acked
        if kill:
            self.killed.set()

    def note(self, text):
        with self.lock:
            if len(self.protocol_notes) < 1000:
                self.protocol_notes.append(text)

    def run(self):
        threads = [threading.Thread(target=self._worker, args=(n,), daemon=True)
                   for n in range(self.connections)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) if self.deadline else None)
        hung = [t for t in threads if t.is_alive()]
        if hung:
            self.stop.set()
        self.duration = time.monotonic() - start
        return not hung

    def _worker(self, number):
        rng = random.Random(f"{self.seed}-{self.phase}-{number}")
        try:
            while not self.stop.is_set() and not self.killed.is_set():
                if self.deadline and time.monotonic() > self.deadline:
                    self.stop.set()
                    return
                if not self._one_connection(rng, number):
                    return
        except Exception as error:  # a bug in this script must not pass silently
            self.note(f"worker {number} crashed: {error!r}")
            self.conn_errors.append(f"worker {number} crashed: {error!r}")

    def _one_connection(self, rng, number):
        """Runs one connection; False when there is nothing left to send."""
        roll = rng.random()
        if roll < 0.30:
            kind, count = "close", 1
        elif roll < 0.34:
            kind, count = "http1.0", 1
        elif roll < 0.44:
            kind, count = "pipelined", 2 * rng.randint(1, 4)
        else:
            kind, count = "keep-alive", rng.randint(2, 16)
        explicit_keep_alive = rng.random() < 0.3
        close_last = rng.random() < 0.5
        abort_last = kind == "keep-alive" and not close_last and rng.random() < 0.15
        try:
            conn = Connection(self.port)
        except OSError as error:
            if not self.killed.is_set():
                self.conn_errors.append(f"connect: {error}")
                if len(self.conn_errors) > 50:
                    self.stop.set()
            return not self.killed.is_set()
        conn_id = f"{number}.{conn.local}"
        with self.lock:
            self.conn_count[kind] += 1
        try:
            sent = 0
            while sent < count:
                batch = 2 if kind == "pipelined" else 1
                reqs = []
                for _ in range(batch):
                    index = self.claim()
                    if index is None:
                        break
                    last = sent + len(reqs) + 1 == count
                    if kind == "close":
                        header = "close"
                    elif kind == "http1.0":
                        header = None
                    elif last and close_last and kind == "keep-alive":
                        header = "close"
                    else:
                        header = "keep-alive" if explicit_keep_alive else None
                    req = build_request(rng, self.phase, index, self.port, header,
                                        "HTTP/1.0" if kind == "http1.0" else "HTTP/1.1")
                    req.conn = f"{kind} {conn_id}"
                    req.remote = conn.local
                    if kind == "pipelined":
                        req.features.add("pipelined")
                    self.register(req)
                    reqs.append(req)
                if not reqs:
                    return False
                if abort_last and sent + 1 == count:
                    conn.send_partial_and_abort(reqs[0], rng)
                    with self.lock:
                        self.aborted += 1
                    return True
                for req in reqs:
                    try:
                        conn.send(req, rng)
                    except OSError as error:
                        req.error = f"send: {error!r}"
                        for other in reqs:
                            if other.error is None and not other.written:
                                other.error = "not sent: an earlier send failed"
                        raise _Abort() from None
                for req in reqs:
                    try:
                        status, close = conn.read_response()
                    except (OSError, ProtocolError, ValueError) as error:
                        req.error = f"answer: {error!r}"
                        for other in reqs:
                            if other.status is None and other.error is None:
                                other.error = "no answer: an earlier answer failed"
                        raise _Abort() from None
                    self.answered(req, status, close)
                    if close and not req.closes:
                        self.note(f"{req.soak_id}: answered {status} with Connection: close on a "
                                  f"keep-alive connection")
                        for other in reqs:
                            if other.status is None and other.error is None:
                                other.error = "unanswered: the server closed the connection"
                        raise _Abort()
                    if req.closes:
                        if not close and req.version == "HTTP/1.1":
                            self.note(f"{req.soak_id}: asked for close, answer did not say close")
                        problem = conn.expect_eof()
                        if problem and not self.killed.is_set():
                            self.note(f"{req.soak_id}: {problem}")
                        return True
                sent += len(reqs)
            return True
        except _Abort:
            return not self.killed.is_set()
        finally:
            conn.close()


class _Abort(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# The audit


class Problem(str):
    """A discrepancy, with a short kind to count like ones together."""

    def __new__(cls, kind, text):
        self = super().__new__(cls, text)
        self.kind = kind
        return self


def kind_of(problem):
    return getattr(problem, "kind", None) or re.sub(r"\d+", "N", str(problem))[:60]


def header_value_bytes(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"], validate=True)
    raise ValueError(f"header value neither a string nor {{\"b64\": ...}}: {value!r}")


def read_log(path):
    """Returns (records, problems, torn): records as (line_number, object)."""
    with open(path, "rb") as file:
        data = file.read()
    records, problems, torn = [], [], None
    lines = data.split(b"\n")
    tail = lines.pop()  # empty when the log ends in a newline
    if tail:
        torn = f"the last line ({len(tail)} bytes) has no newline: {tail[:60]!r}..."
    for number, line in enumerate(lines, 1):
        try:
            records.append((number, json.loads(line)))
        except ValueError as error:
            problems.append(f"log line {number} is not JSON ({error}): {line[:80]!r}")
    if tail:
        try:
            json.loads(tail)
            torn += " (but it parses)"
        except ValueError:
            pass
    return records, problems, torn, len(data)


def soak_id_of(record):
    ids = []
    for entry in record.get("headers", []):
        name, value = entry
        if isinstance(name, str) and name.lower() == "x-soak-id":
            ids.append(header_value_bytes(value).decode(errors="replace"))
    return ids


def check_record(record, req):
    """Differences between a log record and the request sent under its X-Soak-Id."""
    problems = []

    def problem(kind, text):
        problems.append(Problem(kind, text))

    # Log version 2 holds the body once: body_text when it is valid UTF-8, else body_b64.
    text = record.get("body_text")
    if req.body_utf8:
        if not isinstance(text, str) or "body_b64" in record:
            problem("body_text", "a valid UTF-8 body not held once, as body_text")
        body = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else b""
    else:
        if "body_text" in record:
            problem("body_text", "body_text present for a body that is not valid UTF-8")
        body = base64.b64decode(record.get("body_b64", ""), validate=True)
    sha = hashlib.sha256(body).hexdigest()
    if sha != req.body_sha or len(body) != req.body_len:
        problem("body differs", f"body differs: logged {len(body)} B sha256 {sha[:16]}, "
                f"sent {req.body_len} B sha256 {req.body_sha[:16]}")
    if record.get("body_len") != req.body_len:
        problem("body_len", f"body_len {record.get('body_len')} != {req.body_len} sent")
    if record.get("body_sha256") != req.body_sha:
        problem("body_sha256", f"body_sha256 {str(record.get('body_sha256'))[:16]} != sent "
                f"{req.body_sha[:16]}")
    try:
        logged = [(header_value_bytes(name), header_value_bytes(value))
                  for name, value in record["headers"]]
    except (ValueError, TypeError, KeyError, binascii.Error) as error:
        logged = None
        problem("headers unreadable", f"headers unreadable: {error}")
    if logged is not None and logged != req.headers:
        problem(*header_diff(req.headers, logged))
    if record.get("method") != req.method:
        problem("method", f"method {record.get('method')!r} != {req.method!r}")
    if record.get("target") != req.target:
        problem("target", f"target {record.get('target')!r} != {req.target!r}")
    if record.get("remote") != req.remote:
        problem("remote", f"remote {record.get('remote')!r} != the client's {req.remote}")
    if record.get("id") != req.delivery_id:
        problem("id", f"id {record.get('id')!r} != X-GitHub-Delivery {req.delivery_id!r}")
    verify = record.get("verify")
    if not isinstance(verify, dict) or verify.get("ok") is not req.sig:
        problem("verify.ok", f"verify {verify!r}, expected ok={req.sig}")
    elif verify.get("provider") != "github":
        problem("verify.provider", f"verify.provider {verify.get('provider')!r} != 'github'")
    if record.get("response") != {"status": 200}:
        problem("response", f"response {record.get('response')!r} != {{'status': 200}}")
    if record.get("v") != 2:
        problem("v", f"v {record.get('v')!r} != 2")
    if not RFC3339_UTC.match(str(record.get("received_at"))):
        problem("received_at", f"received_at {record.get('received_at')!r} is not RFC 3339 UTC")
    return problems


def header_diff(sent, logged):
    """(kind, text) for two header lists that differ."""
    def by_name(headers):
        groups = {}
        for name, value in headers:
            groups.setdefault(name.lower(), []).append((name, value))
        return groups

    if by_name(sent) == by_name(logged):
        names = [name.decode(errors="replace") for name, _ in sent]
        return ("header order: repeated names regrouped",
                "header order differs (same headers, same order within each name; repeated names "
                f"moved together): sent {names}, logged "
                f"{[name.decode(errors='replace') for name, _ in logged]}")
    for position, (a, b) in enumerate(zip(sent, logged)):
        if a != b:
            return ("header list differs",
                    f"header list differs at #{position}: sent {a!r}, logged {b!r}")
    extra = logged[len(sent):] if len(logged) > len(sent) else sent[len(logged):]
    return ("header list differs",
            f"header list differs: sent {len(sent)} headers, logged {len(logged)}; "
            f"{'extra logged' if len(logged) > len(sent) else 'missing'}: {extra[:3]!r}")


def audit(load, log_path, killed):
    """Returns (problems, facts)."""
    problems = []
    try:
        records, parse_problems, torn, size = read_log(log_path)
    except FileNotFoundError:
        records, parse_problems, torn, size = [], [], None, 0
        problems.append(Problem("no log", f"the log {log_path} was never created"))
    problems += parse_problems
    by_id = {req.soak_id: req for req in load.requests}
    seen = {}
    seqs = []
    for number, record in records:
        if not isinstance(record, dict):
            problems.append(Problem("log: not an object", f"log line {number}: not an object"))
            continue
        seqs.append(record.get("seq"))
        ids = soak_id_of(record)
        if len(ids) != 1:
            problems.append(Problem("record without one X-Soak-Id",
                                    f"log line {number} (seq {record.get('seq')}): {len(ids)} "
                                    f"X-Soak-Id headers {ids[:3]}, a record nobody sent"))
            continue
        req = by_id.get(ids[0])
        if req is None:
            problems.append(Problem("record never sent",
                                    f"log line {number}: X-Soak-Id {ids[0]!r} was never sent"))
            continue
        seen[req.soak_id] = seen.get(req.soak_id, 0) + 1
        if seen[req.soak_id] == 2:
            problems.append(Problem("logged more than once", f"{describe(req)}: logged more "
                                                             f"than once (again on line {number})"))
        if not req.written:
            problems.append(Problem("logged but not completely written",
                                    f"log line {number}: {describe(req)} is logged but was "
                                    f"never completely written ({req.error})"))
        for problem in check_record(record, req):
            problems.append(Problem(problem.kind,
                                    f"{describe(req)} (log line {number}): {problem}"))

    if not all(isinstance(s, int) for s in seqs):
        problems.append(Problem("seq", "some seq values are not integers"))
    else:
        for position in range(1, len(seqs)):
            if seqs[position] <= seqs[position - 1]:
                problems.append(Problem("seq", f"seq not increasing at log line {position + 1}: "
                                        f"{seqs[position - 1]} then {seqs[position]}"))
                break
        if len(set(seqs)) != len(seqs):
            problems.append(Problem("seq", "seq values repeat"))
        if not killed and seqs and seqs != list(range(1, len(seqs) + 1)):
            problems.append(Problem("seq", f"seq is not 1..{len(seqs)} (first {seqs[:5]}, "
                                           f"last {seqs[-5:]})"))

    acked = [req for req in load.requests if req.status is not None and 200 <= req.status < 300]
    for req in acked:
        if req.soak_id not in seen:
            problems.append(Problem("acknowledged but not logged", f"{describe(req)}: "
                                    f"acknowledged {req.status} but not in the log"))
    non_2xx = [req for req in load.requests if req.status is not None
               and not 200 <= req.status < 300]
    for req in non_2xx:
        problems.append(Problem(f"answered {req.status}",
                                f"{describe(req)}: answered {req.status}"))
    written = [req for req in load.requests if req.written]
    unanswered = [req for req in written if req.status is None]
    if not killed:
        for req in load.requests:
            if req.error and not req.aborted:
                problems.append(Problem("client error",
                                        f"{describe(req)}: client error {req.error}"))
        for error in load.conn_errors:
            problems.append(Problem("connection error", f"connection error: {error}"))
        for note in load.protocol_notes:
            problems.append(Problem("protocol", f"protocol: {note}"))
    facts = {
        "sent": len(written), "acked": len(acked), "non_2xx": len(non_2xx),
        "logged": len(records), "unanswered": len(unanswered),
        "unanswered_logged": sum(1 for req in unanswered if req.soak_id in seen),
        "torn": torn, "log_bytes": size,
        "max_seq": max((s for s in seqs if isinstance(s, int)), default=0),
        "body_bytes": sum(req.body_len for req in written),
        "chunked": sum(1 for req in written if "chunked" in req.features),
        "bad_sig": sum(1 for req in written if not req.sig),
        "aborted": load.aborted,
    }
    return problems, facts


# ---------------------------------------------------------------------------------------------
# Phases


STARTED = []  # every process listen_support starts, for the watchdog to kill


class _TrackedPopen(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        STARTED.append(self)


class _TrackingSubprocess:
    """listen_support's view of `subprocess`, recording the processes it starts."""
    Popen = _TrackedPopen

    def __getattr__(self, name):
        return getattr(subprocess, name)


support.subprocess = _TrackingSubprocess()


def start_listener(log_path):
    return support.Listener("--log", log_path, "--quiet", "--provider", "github",
                            "--secret", SECRET_ARG)


def stop_quietly(listener):
    if listener is not None and listener.proc.poll() is None:
        listener.proc.kill()
        try:
            listener.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def extra_stderr(listener):
    return [line.rstrip("\n") for line in listener.stderr_lines if line.strip()]


def phase_sigterm(directory, total, connections, seed, budget):
    log_path = os.path.join(directory, "sigterm.jsonl")
    listener = start_listener(log_path)
    problems = []
    try:
        load = Load("t", listener.port, total, connections, seed,
                    deadline=time.monotonic() + budget)
        if not load.run():
            problems.append(f"load did not finish within {budget:.0f} s: clients hang "
                            f"({load.acked} acknowledged so far)")
        if listener.proc.poll() is not None:
            problems.append(f"the listener died during the load: exit {listener.proc.returncode}"
                            f", stderr {''.join(listener.stderr_lines)[-2000:]!r}")
        started = time.monotonic()
        try:
            code = listener.stop(signal.SIGTERM, timeout=15)
            if code != 0:
                problems.append(f"SIGTERM: exit {code} instead of 0")
        except subprocess.TimeoutExpired:
            problems.append("SIGTERM: the listener did not exit within 15 s")
        stop_time = time.monotonic() - started
        for line in extra_stderr(listener):
            problems.append(f"listener stderr: {line[:300]}")
    finally:
        stop_quietly(listener)
    mode = os.stat(log_path).st_mode & 0o777 if os.path.exists(log_path) else 0o600
    if mode != 0o600:
        problems.append(f"log file mode {mode:o}, not 600")
    audit_problems, facts = audit(load, log_path, killed=False)
    if facts["torn"]:
        audit_problems.append(f"torn last line after a clean SIGTERM: {facts['torn']}")
    facts.update(duration=load.duration, stop_time=stop_time, conns=load.conn_count)
    return problems + audit_problems, facts


def phase_kill(directory, total, connections, seed, budget, rng):
    log_path = os.path.join(directory, "kill9.jsonl")
    listener = start_listener(log_path)
    problems = []
    fraction = rng.uniform(0.25, 0.6)
    kill_after = max(1, int(total * fraction))
    try:
        load = Load("k", listener.port, total, connections, seed, listener=listener,
                    kill_after=kill_after, deadline=time.monotonic() + budget)
        if not load.run():
            problems.append(f"load did not finish within {budget:.0f} s: clients hang")
        if not load.killed.is_set():
            problems.append(f"only {load.acked} requests were acknowledged, never "
                            f"{kill_after}: the kill point was not reached")
            listener.proc.kill()
        try:
            code = listener.stop(signal.SIGKILL, timeout=15)
            if code != -signal.SIGKILL:
                problems.append(f"after SIGKILL the listener exit status is {code}, not -9")
        except subprocess.TimeoutExpired:
            problems.append("the listener did not die within 15 s of SIGKILL")
    finally:
        stop_quietly(listener)
    audit_problems, facts = audit(load, log_path, killed=True)
    facts.update(duration=load.duration, kill_after=kill_after, fraction=fraction,
                 conns=load.conn_count)
    problems += audit_problems

    facts["restart"] = "skipped (no log)"
    if os.path.exists(log_path):
        restart_problems = check_restart(log_path, facts)
        facts["restart"] = "FAIL" if restart_problems else "ok"
        problems += restart_problems
    return problems, facts


def check_restart(log_path, facts):
    """A listener restarted on a killed log repairs a torn line, goes on with seq and records."""
    problems = []
    restarted = start_listener(log_path)
    try:
        body = b'{"after":"restart"}'
        signature = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        answer = restarted.raw(b"POST /after HTTP/1.1\r\nHost: x\r\nX-Soak-Id: restart\r\n"
                               b"X-Hub-Signature-256: " + signature.encode() +
                               b"\r\nContent-Length: " + str(len(body)).encode() +
                               b"\r\nConnection: close\r\n\r\n" + body, timeout=SOCKET_TIMEOUT)
        if not answer.startswith(b"HTTP/1.1 200"):
            problems.append(f"restart on the killed log: answer {answer[:80]!r}")
        try:
            code = restarted.stop(signal.SIGTERM, timeout=15)
            if code != 0:
                problems.append(f"restart on the killed log: SIGTERM exit {code}")
        except subprocess.TimeoutExpired:
            problems.append("restart on the killed log: no exit within 15 s of SIGTERM")
        notes = extra_stderr(restarted)
        if facts["torn"] and not any("torn" in line for line in notes):
            problems.append("restart on a log with a torn last line: no warning about it")
        if not facts["torn"] and notes:
            problems.append(f"restart on the killed log: unexpected stderr {notes[:3]}")
    finally:
        stop_quietly(restarted)
    records, parse_problems, torn, _ = read_log(log_path)
    problems += [f"after restart: {problem}" for problem in parse_problems]
    if torn:
        problems.append(f"after restart: the log still ends in a torn line: {torn}")
    if not records or soak_id_of(records[-1][1]) != ["restart"]:
        problems.append("after restart: the new delivery is not the last record")
    elif records[-1][1].get("seq") != facts["max_seq"] + 1:
        problems.append(f"after restart: seq {records[-1][1].get('seq')} does not go on from "
                        f"{facts['max_seq']}")
    elif records[-1][1].get("verify", {}).get("ok") is not True:
        problems.append(f"after restart: verify {records[-1][1].get('verify')!r}")
    return [Problem("restart", f"restart: {p}") for p in problems]


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    support.HOOKS = sys.argv[1]
    scale = float(os.environ.get("HOOKS_SOAK_SCALE", "1") or "1")
    if scale <= 0:
        print("soak: HOOKS_SOAK_SCALE must be positive", file=sys.stderr)
        return 2
    connections = int(os.environ.get("HOOKS_SOAK_CONNECTIONS", "64"))
    seed = os.environ.get("HOOKS_SOAK_SEED") or str(random.SystemRandom().getrandbits(32))
    total = max(connections, int(DELIVERIES_PER_SCALE * scale))
    budget = 200 * max(1.0, scale)  # per phase; ctest's TIMEOUT 600 is for scale 1
    rng = random.Random(seed)
    directory = tempfile.mkdtemp(prefix="hooks-soak-")
    print(f"soak.listen: scale {scale:g}, seed {seed}, {connections} connections, "
          f"{total} deliveries per phase, logs in {directory}", flush=True)

    # The whole test is bounded even if something below blocks where no timeout reaches.
    def watchdog():
        print(f"soak.listen: FAIL: still running after {2 * budget + 120:.0f} s, giving up",
              file=sys.stderr, flush=True)
        for proc in STARTED:
            if proc.poll() is None:
                proc.kill()
        os._exit(1)
    timer = threading.Timer(2 * budget + 120, watchdog)
    timer.daemon = True
    timer.start()

    started = time.monotonic()
    problems = []
    try:
        found, facts = phase_sigterm(directory, total, connections, seed, budget)
        problems += [Problem(f"[sigterm] {kind_of(p)}", f"[sigterm] {p}") for p in found]
        conns = facts["conns"]
        print(f"  sigterm: {facts['sent']} sent ({facts['chunked']} chunked, {facts['bad_sig']} "
              f"badly signed, {facts['body_bytes'] / 1e6:.1f} MB of bodies; "
              f"{facts['aborted']} more "
              f"cut short on purpose) on "
              f"{sum(conns.values())} connections ({conns['keep-alive']} keep-alive, "
              f"{conns['pipelined']} pipelined, {conns['close']} close, {conns['http1.0']} "
              f"HTTP/1.0); {facts['acked']} acknowledged 2xx, {facts['non_2xx']} non-2xx; "
              f"{facts['logged']} logged ({facts['log_bytes'] / 1e6:.1f} MB); load "
              f"{facts['duration']:.1f} s = {facts['acked'] / max(facts['duration'], 1e-9):.0f}"
              f"/s; stop {facts['stop_time']:.2f} s", flush=True)

        found, facts = phase_kill(directory, total, connections, seed, budget, rng)
        problems += [Problem(f"[kill -9] {kind_of(p)}", f"[kill -9] {p}") for p in found]
        print(f"  kill -9: SIGKILL after {facts['kill_after']} acknowledged "
              f"({facts['fraction']:.0%}); {facts['sent']} sent, {facts['acked']} acknowledged "
              f"2xx, {facts['non_2xx']} non-2xx, {facts['unanswered']} written but unanswered "
              f"({facts['unanswered_logged']} of them logged); {facts['logged']} logged; "
              f"torn last line: {facts['torn'] or 'none'}; load {facts['duration']:.1f} s; "
              f"restart on the log: {facts['restart']}",
              flush=True)
    except Exception as error:  # noqa: BLE001 - report, never hang or pass
        problems.append(f"the test itself failed: {error!r}")
        import traceback
        traceback.print_exc()
    finally:
        timer.cancel()

    duration = time.monotonic() - started
    if problems:
        kinds = {}
        for problem in problems:
            kinds.setdefault(kind_of(problem), []).append(problem)
        print(f"soak.listen: FAIL after {duration:.1f} s: {len(problems)} discrepancies of "
              f"{len(kinds)} kinds (seed {seed}, logs kept in {directory}):", file=sys.stderr)
        for kind, found in kinds.items():
            print(f"  {len(found):6d} x {kind}", file=sys.stderr)
        print(f"the first of each kind:", file=sys.stderr)
        shown = 0
        for kind, found in kinds.items():
            for problem in found[:max(1, 3 - len(kinds) // 5)]:
                if shown < MAX_REPORTED:
                    print(f"  - {problem}", file=sys.stderr)
                    shown += 1
        return 1
    print(f"soak.listen: PASS in {duration:.1f} s", flush=True)
    if os.environ.get("HOOKS_SOAK_KEEP") != "1":
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
