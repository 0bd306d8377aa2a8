#!/usr/bin/env python3
"""The driver of bench/mixed_load.sh (standard library only): RATE requests per second for
SECONDS, started on schedule whatever the answers take (an open model: a slow console
makes requests pile up, as real users would), from a pool of worker threads with kept-alive
connections. The mix, by weight: signed-in pages 60, /v1 reads (models, files, jobs) 15,
chat completions 15, console writes (an API key, an invitation) 10.

`mixed_load.py PORT RATE SECONDS COOKIE KEY ORG WS`. Prints the achieved rate, every
status seen and the latency percentiles; exits 1 on any answer that is not 2xx or any
request that could not start on time (more than a second behind schedule).
"""
import http.client
import json
import queue
import random
import sys
import threading
import time
import urllib.parse

port, rate, seconds, cookie, key, org, ws = sys.argv[1:8]
rate, seconds = float(rate), float(seconds)
W = f"/o/{org}/w/{ws}"
PAGES = [W, f"{W}/members", f"{W}/api-keys", f"{W}/datasets", f"{W}/fine-tuning", f"{W}/models",
         f"{W}/usage", f"/o/{org}/settings/members", f"/o/{org}/settings/workspaces",
         f"/o/{org}/settings/billing", f"/o/{org}/settings/limits", f"/o/{org}/settings/audit"]
counter = iter(range(10**9))
lock = threading.Lock()


def request():
    """One request of the mix: (method, path, headers, body)."""
    pick = random.random() * 100
    browser = {"Cookie": cookie, "Accept": "text/html"}
    api = {"Authorization": f"Bearer {key}"}
    if pick < 60:
        return "GET", random.choice(PAGES), browser, None
    if pick < 75:
        return "GET", random.choice(["/v1/models", "/v1/files", "/v1/fine_tuning/jobs"]), api, None
    if pick < 90:
        body = json.dumps({"model": "open-mistral-7b", "max_tokens": 16,
                           "messages": [{"role": "user", "content": "Say hello"}]})
        return "POST", "/v1/chat/completions", {**api, "Content-Type": "application/json"}, body
    with lock:
        n = next(counter)
    form = {"Cookie": cookie, "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded"}
    if n % 2:
        fields = {"org_id": org, "workspace_id": ws, "name": f"load {n}", "expiry": "never"}
        return "POST", "/api/create_api_key", form, urllib.parse.urlencode(fields)
    fields = {"org_id": org, "emails": f"load{port}-{n}@bench.local", "role": "member"}
    return "POST", "/api/send_invitations", form, urllib.parse.urlencode(fields)


results = []  # (status, seconds, path)
late = [0]
work = queue.Queue()


def worker():
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    while True:
        due = work.get()
        if due is None:
            return
        if time.monotonic() - due > 1.0:
            with lock:
                late[0] += 1
        method, path, headers, body = request()
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            res.read()
            status = res.status
        except (OSError, http.client.HTTPException) as e:
            status = f"error {type(e).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        with lock:
            # From when it was due: time spent waiting for a worker counts.
            results.append((status, time.monotonic() - due, path))


threads = [threading.Thread(target=worker) for _ in range(48)]
for t in threads:
    t.start()
start = time.monotonic()
total = int(rate * seconds)
for i in range(total):
    due = start + i / rate
    pause = due - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    work.put(due)
for _ in threads:
    work.put(None)
for t in threads:
    t.join()
elapsed = time.monotonic() - start

statuses = {}
for status, _, _ in results:
    statuses[status] = statuses.get(status, 0) + 1
times = sorted(t for _, t, _ in results)


def pct(p):
    return times[min(len(times) - 1, int(len(times) * p / 100))] * 1000


print(f"{len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.0f}/s, asked {rate:.0f}/s); "
      f"statuses {dict(sorted(statuses.items(), key=str))}; "
      f"p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, max {times[-1] * 1000:.0f} ms; "
      f"{late[0]} started over 1 s late")
bad = [(s, p) for s, _, p in results if not (isinstance(s, int) and 200 <= s < 300)]
for status, path in bad[:5]:
    print(f"  {status} {path}")
sys.exit(1 if bad or late[0] else 0)
