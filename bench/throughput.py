"""Requests per second on the day list under gunicorn, beside a bare Django view returning a page of the same size.

Both run under the same gunicorn settings on loopback, loaded by wrk; the machine's cores are shared between wrk,
gunicorn and PostgreSQL, as they would be on a single-server installation.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client

PORT_APP, PORT_BARE = 8011, 8012


def _serve(module: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), module, "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning"], env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz" if "tongxing" in module
                                   else f"http://127.0.0.1:{port}/bare/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    _stop(process)
    raise RuntimeError(f"gunicorn {module} did not start on port {port}")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _wrk(url: str, seconds: int, connections: int, cookie: str = "") -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1)  # the latency distribution's line
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses under load\n{out}")
    return rps, p99


def requests_per_second(user, *, seconds: int = 10, connections: int = 16, workers: int | None = None) -> dict:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is needed for the throughput run (apt-get install wrk; make bench installs it).")
    workers = workers or 2 * (os.cpu_count() or 1)
    client = Client()
    client.force_login(user, backend="accounts.backends.PasswordBackend")  # as a sign-in records it
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    app = _serve("tongxing.wsgi", PORT_APP, workers, env)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT_APP}/today/", headers={"Cookie": cookie})
        response = urllib.request.urlopen(request, timeout=10)
        page = response.read()
        assert "今日".encode() in page or b"Today" in page, "the day list did not render for the signed-in worker"
        # A browser sends back the CSRF cookie the first page set; without it every request would make a new secret.
        csrf = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or []))
        assert csrf, "the day list set no CSRF cookie to send back"
        cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf.group(1)}"
        _wrk(f"http://127.0.0.1:{PORT_APP}/today/", 2, connections, cookie)  # warm up every worker
        app_rps, app_p99 = _wrk(f"http://127.0.0.1:{PORT_APP}/today/", seconds, connections, cookie)
    finally:
        _stop(app)
    bare = _serve("bench.bare", PORT_BARE, workers, {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings",
                                                      "BENCH_PAGE_BYTES": str(len(page))})
    try:
        _wrk(f"http://127.0.0.1:{PORT_BARE}/bare/", 2, connections)
        bare_rps, bare_p99 = _wrk(f"http://127.0.0.1:{PORT_BARE}/bare/", seconds, connections)
        # The same bare view for the signed-in worker: the middleware then reads the session and the user, as for
        # any page behind the sign-in; what remains between the two is the day list's own work.
        signed_in_rps, signed_in_p99 = _wrk(f"http://127.0.0.1:{PORT_BARE}/bare/", seconds, connections, cookie)
    finally:
        _stop(bare)
    return {"workers": workers, "connections": connections, "seconds": seconds, "page_bytes": len(page),
            "tongxing_rps": app_rps, "tongxing_p99": app_p99, "bare_rps": bare_rps, "bare_p99": bare_p99,
            "ratio": round(app_rps / bare_rps, 2), "bare_signed_in_rps": signed_in_rps,
            "bare_signed_in_p99": signed_in_p99, "ratio_signed_in": round(app_rps / signed_in_rps, 2)}
