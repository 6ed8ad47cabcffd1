# SPDX-License-Identifier: MIT
"""What the benchmarks in bench/ share: finding tools, building hooks, running nginx answering 204
from a temporary prefix, reading wrk's figures, CPU time from /proc, stopping servers."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "BENCH-RESULT "
# A wrk done() that prints exact percentiles and error counts as one JSON line, so nothing
# depends on the layout or rounding of wrk's own report.
WRK_REPORT_LUA = f"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{MARKER}{{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"non2xx":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def fail(message: str) -> None:
    sys.exit(f"bench/{Path(sys.argv[0]).name}: {message}")


def require(tool: str, packages: str) -> str:
    # nginx lives in /usr/sbin, which is not on an unprivileged user's PATH everywhere.
    path = shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if path is None:
        fail(f"{tool} is not installed (apt-get install {packages})")
    return path


def resolve_hooks(argument: str | None) -> str:
    """The hooks binary given, or else the release preset's, built first."""
    if argument is None:
        subprocess.run(["cmake", "--workflow", "--preset", "release"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        argument = str(ROOT / "build/release/src/hooks")
    if not os.access(argument, os.X_OK):
        fail(f"{argument} is not an executable")
    return argument


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"{name} exited with {process.returncode}: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    fail(f"{name} did not listen on port {port} within 10 s")


def start_nginx(nginx: str, work: Path, processes: list) -> tuple[int, str]:
    """Starts nginx answering 204 to everything on a free loopback port, unprivileged, with its
    prefix under `work`; returns its pid and the URL http://127.0.0.1:PORT/webhooks."""
    prefix = work / "nginx"
    prefix.mkdir()
    port = free_port()
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""worker_processes auto;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'};
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}    keepalive_requests 100000000;
    server {{
        listen 127.0.0.1:{port};
        location / {{ return 204; }}
    }}
}}
""")
    log = prefix / "stderr"
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                "-e", str(prefix / "error.log"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    processes.append(process)
    wait_for_port(port, process, "nginx", log)
    return process.pid, f"http://127.0.0.1:{port}/webhooks"


def read_wrk_report(stdout: str) -> dict | None:
    """The figures WRK_REPORT_LUA printed, with `rate` (req/s) and `errors` (socket errors)
    added; None when wrk printed none."""
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            figures = json.loads(line[len(MARKER):])
            figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
            figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
            return figures
    return None


def cpu_seconds(pid: int) -> float:
    """CPU time of `pid`, its live descendants (nginx's workers) and its reaped children
    (webhook's commands), in seconds."""
    parents, times = {}, {}
    # Listed, then each read on its own: a process may end in between (webhook's commands do by
    # the thousand), and Path.glob's own look at each entry then fails outside any try.
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path("/proc", name, "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15).
        parents[int(name)] = int(fields[1])
        times[int(name)] = sum(int(f) for f in fields[11:15])
    tree = {pid}
    for candidate in sorted(parents):
        ancestor = candidate
        while ancestor > 1 and ancestor not in tree:
            ancestor = parents.get(ancestor, 0)
        if ancestor in tree:
            tree.add(candidate)
    return sum(times.get(member, 0) for member in tree) / os.sysconf("SC_CLK_TCK")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
