#!/usr/bin/env python3
"""Instruction counts of the request path under valgrind's callgrind (they do not move with
machine noise): start-up to the first answered call, then N calls of each operation after 20
to warm up (the operations of Benchmarks/compare.py; PutRule+PutTargets counts the pair
as one call). Prints instructions per call and each profile's top functions.

    .venv/bin/python Benchmarks/profile/profile.py .build/release/cloudcafe

PROFILE_ONLY=Invoke,ListFunctions profiles only the operations whose names contain those;
PROFILE_KEEP=DIR keeps the callgrind files there.

The binary is copied without its debug sections (valgrind 3.19 cannot read Swift's), and
sigsuspend_shim.c is preloaded (see there)."""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
import compare  # noqa: E402  (the benchmarked operations)
CALLS = {"ssm GetParameter": 1000, "sns Publish": 500, "lambda Invoke (built-in)": 200}  # others: 300


def auth(service):
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=bench/20261127/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
            "X-Amz-Date": "20261127T000000Z"}


def annotate(path: str, inclusive: bool, lines: int) -> str:
    out = subprocess.run(["callgrind_annotate", "--threshold=100"] + (["--inclusive=yes"] if inclusive else []) + [path], capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=out, capture_output=True, text=True).stdout
    rows = [l[:160] for l in demangled.splitlines() if re.match(r"\s*[\d,]+ \(", l)]
    return "\n".join(rows[:lines])


def total(path: str) -> int:
    out = subprocess.run(["callgrind_annotate", path], capture_output=True, text=True).stdout
    return int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", out).group(1).replace(",", ""))


def main():
    binary = sys.argv[1]
    work = Path(tempfile.mkdtemp())
    stripped = work / "cloudcafe"
    subprocess.run(["objcopy", "--strip-debug", binary, str(stripped)], check=True)
    # The resource folders beside it, where the daemon looks for them first (ShippedResource).
    for resources in Path(binary).resolve().parent.glob("*.resources"):
        (work / resources.name).symlink_to(resources)
    shim = work / "shim.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", str(HERE / "sigsuspend_shim.c"), "-o", str(shim)], check=True)
    env = dict(os.environ, LD_PRELOAD=str(shim))
    out = str(work / "cg.out")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(stripped), "serve", "--port", "0", "--clock-rate", "0",
                             "--outbox", str(work / "outbox"), "--cafe-db", str(work / "cafe.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(method, path, body, service, content_type=None, target=None):
        headers = auth(service)
        if content_type:
            headers["Content-Type"] = content_type
        if target:
            headers["X-Amz-Target"] = target
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    def dump():
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], capture_output=True)
        parts = sorted(work.glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
        return str(parts[-1])

    def zero():
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], capture_output=True)

    call("POST", "/", "Action=GetCallerIdentity&Version=2011-06-15", "sts", "application/x-www-form-urlencoded")
    profiles = [("start-up to the first answered call", dump(), 1)]
    # The side-by-side bench's operations, set up as it sets them up.
    only = [o for o in os.environ.get("PROFILE_ONLY", "").split(",") if o]  # e.g. PROFILE_ONLY=Invoke,ListFunctions
    for name, requests in compare.operations(port, moto=False):
        if only and not any(o in name for o in only):
            continue
        count = CALLS.get(name, 300)

        def once():
            for method, path, body, headers in requests:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                assert response.status == 200, (name, response.status)
        for _ in range(20):
            once()
        zero()
        for _ in range(count):
            once()
        profiles.append((name, dump(), count))
    proc.send_signal(signal.SIGINT)
    proc.wait()
    results = [(name, total(path) / count, annotate(path, inclusive=False, lines=25), count) for name, path, count in profiles]
    if keep := os.environ.get("PROFILE_KEEP"):  # the callgrind files, for callgrind_annotate --tree=caller
        for i, (name, path, _) in enumerate(profiles):
            shutil.copy(path, Path(keep) / f"{i}-{re.sub(r'[^a-zA-Z]+', '-', name).strip('-')}.out")
    shutil.rmtree(work, ignore_errors=True)
    for name, per_call, _, count in results:
        print(f"== {name}: {per_call:,.0f} instructions per call ({count} calls)")
    for name, _, top, count in results:
        print(f"\n== {name}, top functions by own instructions (all {count} calls)")
        print(top)


if __name__ == "__main__":
    main()
