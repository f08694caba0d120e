#!/usr/bin/env python3
"""Instruction counts of the request path under valgrind's callgrind (they do not move with
machine noise): start-up to the first answered call, then N calls of each operation after 20
to warm up. Prints instructions per call and each profile's top functions.

    python3 Benchmarks/profile/profile.py .build/release/cloudcafe

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
CALLS = {"ssm GetParameter": 1000, "sns Publish": 500, "iam GetRole": 300, "lambda Invoke (built-in)": 200}


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
    json11 = "application/x-amz-json-1.1"
    call("POST", "/", json.dumps({"Name": "/bench/p", "Value": "v", "Type": "String"}), "ssm", json11, "AmazonSSM.PutParameter")
    topic = re.search(rb"<TopicArn>(.*?)</TopicArn>", call("POST", "/", "Action=CreateTopic&Version=2010-03-31&Name=bench", "sns",
                                                            "application/x-www-form-urlencoded")[1]).group(1).decode()
    payload = json.dumps({"dbUrl": "localhost", "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9", "reportDate": "2026-11-27"})
    operations = {
        "ssm GetParameter": lambda: call("POST", "/", json.dumps({"Name": "/bench/p"}), "ssm", json11, "AmazonSSM.GetParameter"),
        "sns Publish": lambda: call("POST", "/", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Message=hello", "sns", "application/x-www-form-urlencoded"),
        "iam GetRole": lambda: call("POST", "/", "Action=GetRole&Version=2010-05-08&RoleName=salesAnalysisReportRole", "iam", "application/x-www-form-urlencoded"),
        "lambda Invoke (built-in)": lambda: call("POST", "/2015-03-31/functions/salesAnalysisReportDataExtractor/invocations", payload, "lambda", "application/json"),
    }
    for name, count in CALLS.items():
        for _ in range(20):
            assert operations[name]()[0] == 200, name
        zero()
        for _ in range(count):
            operations[name]()
        profiles.append((name, dump(), count))
    proc.send_signal(signal.SIGINT)
    proc.wait()
    results = [(name, total(path) / count, annotate(path, inclusive=False, lines=25), count) for name, path, count in profiles]
    shutil.rmtree(work, ignore_errors=True)
    for name, per_call, _, count in results:
        print(f"== {name}: {per_call:,.0f} instructions per call ({count} calls)")
    for name, _, top, count in results:
        print(f"\n== {name}, top functions by own instructions (all {count} calls)")
        print(top)


if __name__ == "__main__":
    main()
