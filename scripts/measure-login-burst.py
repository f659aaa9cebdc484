#!/usr/bin/env python3
"""measure-login-burst.py - does a burst of wrong-password logins slow the provider's other endpoints?

Starts the reference provider (login throttling off, so that every attempt hashes a password),
then measures the discovery endpoint's latency twice in one sitting:
  1. quiet: SAMPLES sequential GETs of /.well-known/openid-configuration;
  2. burst: the same while WORKERS threads post wrong passwords to the login form in a loop.
Prints the medians and p95s and their ratio (burst / quiet). Issue "Hardening" §2: argon2 on the
request threads had pushed discovery's median from 2 ms to 500 ms under 32 concurrent wrong
passwords; hashing now runs on a bounded blocking pool.

Usage (from the repository root, after `cargo build -p reference-provider [--release]`):
    scripts/measure-login-burst.py [--workers 32] [--samples 300] [--binary target/debug/reference-provider]
Traffic goes to 127.0.0.1 only; the loops are bounded by --samples and stop by themselves.
"""

import argparse
import http.cookiejar
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

CONFIG_EXTRA = "\n[login_throttle]\nper_account = 0\nper_address = 0\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def hidden(html: str, name: str) -> str:
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else ""


def wrong_password_loop(base: str, stop: threading.Event, count: list, lock: threading.Lock) -> None:
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": "demo-client", "redirect_uri": "http://127.0.0.1:8765/callback",
        "scope": "openid", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
    })
    while not stop.is_set():
        o = opener()
        try:
            resp = o.open(f"{base}/authorize?{query}", timeout=30)
        except urllib.error.HTTPError as e:
            resp = e
        try:
            location = resp.headers.get("location")
            page = o.open(urllib.parse.urljoin(base, location), timeout=30).read().decode() if location else resp.read().decode()
            form = {"interaction": hidden(page, "interaction"), "csrf_token": hidden(page, "csrf_token"), "username": "alice", "password": "not-the-password"}
            try:
                o.open(f"{base}/login", data=urllib.parse.urlencode(form).encode(), timeout=30).read()
            except urllib.error.HTTPError:
                pass
            with lock:
                count[0] += 1
        except Exception:  # a refused or slow attempt still counts as load; keep going
            time.sleep(0.01)


def discovery_latencies(base: str, samples: int) -> list:
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=30).read()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(xs: list) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs):.2f} ms, p95 {xs[int(len(xs) * 0.95) - 1]:.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--binary", default="target/debug/reference-provider")
    a = ap.parse_args()
    demo = subprocess.run([a.binary, "--print-demo-config"], capture_output=True, text=True, check=True).stdout
    demo = re.sub(r"(?ms)^\[login_throttle\].*?(?=^\[|\Z)", "", demo) + CONFIG_EXTRA
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(demo)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    op = subprocess.Popen([a.binary, "--memory", "--config", f.name, "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        discovery_latencies(base, 20)  # warm-up
        quiet = discovery_latencies(base, a.samples)
        stop, lock, count = threading.Event(), threading.Lock(), [0]
        threads = [threading.Thread(target=wrong_password_loop, args=(base, stop, count, lock), daemon=True) for _ in range(a.workers)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # let the burst build up
        started = time.perf_counter()
        burst = discovery_latencies(base, a.samples)
        elapsed = time.perf_counter() - started
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        op.terminate()
        op.wait(timeout=10)
    print(f"quiet discovery: {summary(quiet)}")
    print(f"during {a.workers} concurrent wrong-password logins ({count[0]} attempts, {count[0] / max(elapsed, 1e-9):.0f}/s): {summary(burst)}")
    print(f"ratio burst/quiet: median {statistics.median(burst) / statistics.median(quiet):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
