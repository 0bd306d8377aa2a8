#!/usr/bin/env python3
"""The writer and the checker of bench/kill9.sh (standard library only).

`kill9.py write OUT BASE COOKIE ORG WS KEY MEMBER ROUND`: four threads write in a loop
(invitations, API keys, uploads, a member's role) until the console stops answering; each
records in OUT/<kind>.log every write the console acknowledged, and the role thread also
the change it attempted last.

`kill9.py check OUT BACKEND DATABASE DATA_DIR ORG WS MEMBER`: after the restart, checks that every
acknowledged write is there, that the database is sound, that every organization has an
Admin, and that every dataset's file is whole. Prints what it checked; exits 1 on a failure.
"""
import json
import re
import os
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 15


def post(url, data, headers):
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as res:
        return res.status, res.read()


def form(base, cookie, endpoint, fields):
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return post(f"{base}/api/{endpoint}", body, headers)


def writer(name, out, attempt):
    """Runs `attempt(i)` until it fails; it returns the line to record when acknowledged."""
    def run():
        with open(os.path.join(out, f"{name}.log"), "a", buffering=1) as log:
            i = 0
            while True:
                i += 1
                try:
                    line = attempt(i, log)
                except urllib.error.HTTPError as e:
                    # The console answered, and refused: a failure, not the kill.
                    log.write(f"fail {e.code} {e.read()[:200]!r}\n")
                    return
                except (urllib.error.URLError, ConnectionError, OSError):
                    return
                if line is None:
                    log.write("fail unexpected answer\n")
                    return
                log.write(line + "\n")
    return threading.Thread(target=run)


def write(out, base, cookie, org, ws, key, member, rnd):
    def invite(i, _log):
        email = f"kill9-{rnd}-{i}@bench.local"
        status, _ = form(base, cookie, "send_invitations",
                         {"org_id": org, "emails": email, "role": "member"})
        return f"ok {email}" if status == 200 else None

    def api_key(i, _log):
        name = f"kill9 {rnd} {i}"
        status, body = form(base, cookie, "create_api_key",
                            {"org_id": org, "workspace_id": ws, "name": name, "expiry": "never"})
        return f"ok {name}" if status == 200 and b"secret" in body else None

    def upload(i, _log):
        lines = "".join(
            json.dumps({"messages": [{"role": "user", "content": f"q{i}-{n}"},
                                     {"role": "assistant", "content": "a" * 200}]}) + "\n"
            for n in range(200))
        boundary = "KILL9BOUNDARY"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                f"fine-tune\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"k{i}.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n{lines}\r\n"
                f"--{boundary}--\r\n").encode()
        status, answer = post(f"{base}/v1/files", body, {
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        if status != 200:
            return None
        file = json.loads(answer)
        return f"ok {file['id']} {file['bytes']}"

    def role(i, log):
        wanted = "admin" if i % 2 else "member"
        log.write(f"attempt {wanted}\n")
        status, _ = form(base, cookie, "change_member_role",
                         {"org_id": org, "user_id": member, "role": wanted})
        return f"ok {wanted}" if status == 200 else None

    threads = [writer(n, out, f) for n, f in
               [("invites", invite), ("keys", api_key), ("uploads", upload), ("roles", role)]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def acknowledged(out, name):
    try:
        with open(os.path.join(out, f"{name}.log")) as log:
            return [line.split()[1:] for line in log if line.startswith("ok ")]
    except FileNotFoundError:
        return []


def check(out, backend, database, data_dir, org, ws, member_id):
    if backend == "sqlite":
        conn = sqlite3.connect(database, timeout=30)

        def query(sql, *args):
            return conn.execute(re.sub(r"\$\d+", "?", sql), args).fetchall()
    else:
        def query(sql, *args):
            for n, arg in enumerate(args, 1):
                sql = sql.replace(f"${n}", "'" + arg.replace("'", "''") + "'")
            done = subprocess.run(["psql", database, "-tAq", "-F", "\t", "-c", sql],
                                  check=True, capture_output=True, text=True)
            return [tuple(line.split("\t")) for line in done.stdout.splitlines() if line]

    failures = []

    def expect(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    for name in ["invites", "keys", "uploads", "roles"]:
        with open(os.path.join(out, f"{name}.log")) as log:
            refused = [line.strip() for line in log if line.startswith("fail")]
        expect(not refused, f"{name}: no write refused before the kill {refused[:1]}")
        expect(acknowledged(out, name), f"{name}: writes acknowledged before the kill")

    if backend == "sqlite":
        verdict = query("PRAGMA integrity_check")[0][0]
        expect(verdict == "ok", f"PRAGMA integrity_check: {verdict}")
    invited = {r[0] for r in query("SELECT email FROM invitations WHERE org_id = $1", org)}
    acked = [a[0] for a in acknowledged(out, "invites")]
    lost = [e for e in acked if e not in invited]
    expect(not lost, f"{len(acked)} acknowledged invitations, {len(lost)} lost {lost[:3]}")
    keys = {r[0] for r in query("SELECT name FROM api_keys WHERE workspace_id = $1", ws)}
    acked = [" ".join(a) for a in acknowledged(out, "keys")]
    lost = [k for k in acked if k not in keys]
    expect(not lost, f"{len(acked)} acknowledged API keys, {len(lost)} lost {lost[:3]}")
    # Uploaded through the API (the seeder's datasets are rows without files).
    rows = {r[0]: int(r[1]) for r in
            query("SELECT id, bytes FROM files WHERE workspace_id = $1 "
                  "AND created_by_key IS NOT NULL", ws)}
    acked = acknowledged(out, "uploads")
    lost = [a[0] for a in acked if a[0] not in rows]
    expect(not lost, f"{len(acked)} acknowledged uploads, {len(lost)} lost {lost[:3]}")
    folder = os.path.join(data_dir, "files", ws)
    partial = [f for f, size in rows.items()
               if not os.path.isfile(os.path.join(folder, f"{f}.jsonl"))
               or os.path.getsize(os.path.join(folder, f"{f}.jsonl")) != size]
    expect(not partial, f"{len(rows)} datasets, {len(partial)} without their whole file")
    on_disk = [n for n in os.listdir(folder)] if os.path.isdir(folder) else []
    orphans = [n for n in on_disk if n.endswith(".jsonl") and n[:-6] not in rows]
    debris = [n for n in on_disk if n.startswith(".upload-")]
    print(f"note {len(orphans)} stored files without a row and {len(debris)} cut-off uploads: "
          "the sweep removes them once an hour old")
    with open(os.path.join(out, "roles.log")) as log:
        lines = log.read().split()
    attempts = [lines[i + 1] for i in range(0, len(lines), 2) if lines[i] == "attempt"]
    acked = [a[0] for a in acknowledged(out, "roles")]
    member = query("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2",
                   org, member_id)[0][0]
    allowed = {acked[-1] if acked else "member", attempts[-1] if attempts else "member"}
    expect(member in allowed,
           f"{len(acked)} acknowledged role changes; the role is {member}, one of {sorted(allowed)}")
    headless = query("SELECT count(*) FROM organizations o WHERE NOT EXISTS "
                     "(SELECT 1 FROM org_members m WHERE m.org_id = o.id AND m.role = 'admin')")
    expect(int(headless[0][0]) == 0, f"organizations without an Admin: {headless[0][0]}")
    return 1 if failures else 0


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "write":
        write(*args)
    else:
        sys.exit(check(*args))
