#!/usr/bin/env python3
"""make bench (part 2): CloudCafe and moto's server side by side, on loopback, in one run.

- Start-up to the first answered call (STS GetCallerIdentity; CloudCafe with the café stack
  deployed), median of STARTS runs each.
- RSS idle (1 s after start), then after 10,000 SNS publishes (CloudCafe writes each email)
  and 10,000 log events.
- wrk (2 threads, 8 connections, RUN_SECONDS s, median of RUNS runs) on sns Publish, logs
  PutLogEvents, events PutRule+PutTargets, iam GetRole, ssm GetParameter, lambda
  ListFunctions and lambda Invoke of a built-in handler (the café's extractor; moto, which
  needs Docker to run code, answers Invoke with what it can).
- GetParameter beside a bare Hummingbird 2 server at 1 and 8 connections; an IAM user's
  Publish with IAM enforced and off; the cost of --state-dir.

Requests carry a SigV4-shaped Authorization header; neither server verifies signatures by
default. Figures are printed, never asserted."""
import http.client
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import boto3

BIN = os.environ.get("CLOUDCAFE_BIN", ".build/release/cloudcafe")
MOTO = str(Path(sys.executable).parent / "moto_server")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
RUN_SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
STARTS = int(os.environ.get("BENCH_STARTS", "7"))


def auth(service: str, key: str = "bench") -> str:
    return f"AWS4-HMAC-SHA256 Credential={key}/20261127/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, service: str, body: str, content_type="application/x-www-form-urlencoded", target=None, path="/") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Authorization": auth(service), "Content-Type": content_type, "X-Amz-Date": "20261127T000000Z"}
    if target:
        headers["X-Amz-Target"] = target
    conn.request("POST", path, body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def wait_ready(port: int, started: float) -> float:
    while True:
        try:
            if call(port, "sts", "Action=GetCallerIdentity&Version=2011-06-15") == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.005)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk_script(requests: list[tuple[str, str, str, dict]]) -> str:
    """A wrk script sending `requests` (method, path, body, headers) in turn on each connection."""
    lines = ["local requests = {}"]
    for i, (method, path, body, headers) in enumerate(requests, 1):
        hs = "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}"
        lines.append(f'requests[{i}] = wrk.format({json.dumps(method)}, {json.dumps(path)}, {hs}, {json.dumps(body) if body else "nil"})')
    lines += ["local n = 0", "request = function()", f"  n = n % {len(requests)} + 1", "  return requests[n]", "end"]
    return "\n".join(lines) + "\n"


def signed(service: str, content_type: str, target=None, key="bench") -> dict:
    headers = {"Authorization": auth(service, key), "Content-Type": content_type, "X-Amz-Date": "20261127T000000Z"}
    if target:
        headers["X-Amz-Target"] = target
    return headers


def run_wrk(port: int, requests: list, connections: int, seconds: int) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 in milliseconds, and non-2xx answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script(requests))
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True).stdout
    os.unlink(f.name)

    def ms(pattern):
        m = re.search(pattern, out)
        if not m:
            return float("nan")
        value, unit = re.match(r"([\d.]+)(\w+)", m.group(1)).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(rps.group(1)) if rps else 0.0, ms(r"\s50%\s+([\d.]+\w+)"), ms(r"\s99%\s+([\d.]+\w+)"), int(errors.group(1)) if errors else 0)


def median_wrk(port: int, requests: list, connections: int = 8, seconds: int = RUN_SECONDS, runs: int = RUNS):
    results = [run_wrk(port, requests, connections, seconds) for _ in range(runs)]
    pick = sorted(results)[len(results) // 2]
    return pick[0], pick[1], pick[2], sum(r[3] for r in results)


def operations(port: int, moto: bool) -> list[tuple[str, list]]:
    """The side-by-side operations, each set up on the server first; the same requests go to both."""
    kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    topic = boto3.client("sns", **kw).create_topic(Name="bench")["TopicArn"]
    logs = boto3.client("logs", **kw)
    logs.create_log_group(logGroupName="/bench")
    logs.create_log_stream(logGroupName="/bench", logStreamName="s")
    boto3.client("ssm", **kw).put_parameter(Name="/bench/p", Value="v", Type="String")
    iam = boto3.client("iam", **kw)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    function = "salesAnalysisReportDataExtractor"
    if moto:
        # moto has no café: a function of its own (moto runs function code in Docker, which is not here).
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return event\n")
        boto3.client("lambda", **kw).create_function(FunctionName=function, Runtime="python3.11", Role=role, Handler="index.handler",
                                                     Code={"ZipFile": code.getvalue()})
    now = int(time.time() * 1000)
    payload = json.dumps({"dbUrl": "localhost", "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9", "reportDate": "2026-11-27"})
    query = "application/x-www-form-urlencoded"
    json11 = "application/x-amz-json-1.1"
    rule = json.dumps({"Name": "bench", "ScheduleExpression": "rate(5 minutes)"})
    targets = json.dumps({"Rule": "bench", "Targets": [{"Id": "1", "Arn": topic}]})
    return [
        ("sns Publish", [("POST", "/", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Message=hello", signed("sns", query))]),
        ("logs PutLogEvents", [("POST", "/", json.dumps({"logGroupName": "/bench", "logStreamName": "s", "logEvents": [{"timestamp": now, "message": "hello"}]}),
                                signed("logs", json11, "Logs_20140328.PutLogEvents"))]),
        ("events PutRule+PutTargets", [("POST", "/", rule, signed("events", json11, "AWSEvents.PutRule")),
                                       ("POST", "/", targets, signed("events", json11, "AWSEvents.PutTargets"))]),
        ("iam GetRole", [("POST", "/", "Action=GetRole&Version=2010-05-08&RoleName=bench", signed("iam", query))]),
        ("ssm GetParameter", [("POST", "/", json.dumps({"Name": "/bench/p"}), signed("ssm", json11, "AmazonSSM.GetParameter"))]),
        ("lambda ListFunctions", [("GET", "/2015-03-31/functions/", "", signed("lambda", "application/json"))]),
        ("lambda Invoke (built-in)", [("POST", f"/2015-03-31/functions/{function}/invocations", payload, signed("lambda", "application/json"))]),
    ]


def bare_comparison(folder: Path):
    """CloudCafe's GetParameter beside a bare Hummingbird 2 server answering the same shape:
    the floor of the HTTP path, at 1 and 8 connections."""
    bare_bin = os.path.join(os.path.dirname(BIN), "cloudcafe-bare")
    if not os.path.exists(bare_bin):
        print("-- bare Hummingbird comparison: skipped (no cloudcafe-bare next to cloudcafe)")
        return
    bare = subprocess.Popen([bare_bin, "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    bport = int(bare.stdout.readline().strip().rsplit(" ", 1)[1])
    cafe, cport = start_cloudcafe(folder)
    boto3.client("ssm", endpoint_url=f"http://127.0.0.1:{cport}", region_name="us-east-1", aws_access_key_id="bench",
                 aws_secret_access_key="bench").put_parameter(Name="/bench/p", Value="v", Type="String")
    request = [("POST", "/", json.dumps({"Name": "/bench/p"}), signed("ssm", "application/x-amz-json-1.1", "AmazonSSM.GetParameter"))]
    print(f"-- ssm GetParameter beside a bare Hummingbird 2 server (same request, a fixed answer; median of {RUNS}, the two taking turns)")
    for connections in (1, 8):
        # Turn about, so a slow phase of the machine falls on both alike.
        servers = (("bare Hummingbird", bport), ("CloudCafe", cport))
        runs = {label: [] for label, _ in servers}
        for _ in range(RUNS):
            for label, port in servers:
                runs[label].append(run_wrk(port, request, connections, RUN_SECONDS))
        results = {}
        for label, _ in servers:
            rps, p50, p99, _ = sorted(runs[label])[len(runs[label]) // 2]
            results[label] = p50
            print(f"{label:<18} {connections} connection{'s' if connections > 1 else ' '}   {rps:>9.0f} req/s   p50 {p50 * 1000:>6.0f}us   p99 {p99 * 1000:>6.0f}us")
        print(f"CloudCafe's p50 / bare's at {connections}: {results['CloudCafe'] / results['bare Hummingbird']:.2f}")
    stop(bare)
    stop(cafe)


def state_dir_restart(folder: Path):
    """Restart time with a state of 1,000 resources; snapshot save and load with 10,000 log events."""
    folder.mkdir()
    args = [BIN, "serve", "--port", "0", "--clock-rate", "0", "--state-dir", str(folder / "state"), "--outbox", str(folder / "outbox")]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    p = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
    kw = dict(endpoint_url=f"http://127.0.0.1:{p}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    ssm, sqs, logs = boto3.client("ssm", **kw), boto3.client("sqs", **kw), boto3.client("logs", **kw)
    for i in range(500):
        ssm.put_parameter(Name=f"/bench/{i}", Value=str(i), Type="String")
    for i in range(500):
        sqs.create_queue(QueueName=f"q{i}")
    logs.create_log_group(logGroupName="/bench")
    logs.create_log_stream(logGroupName="/bench", logStreamName="s")
    now = int(time.time() * 1000)
    for batch in range(10):
        logs.put_log_events(logGroupName="/bench", logStreamName="s",
                            logEvents=[{"timestamp": now + batch * 1000 + i, "message": f"event {batch} {i}"} for i in range(1000)])
    timings = []
    for _ in range(3):
        saved = json.loads(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{p}/_cloudcafe/state/save", data=b'{"name":"big"}', method="POST")).read())
        loaded = json.loads(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{p}/_cloudcafe/state/load", data=b'{"name":"big"}', method="POST")).read())
        timings.append((float(saved["milliseconds"]), float(loaded["milliseconds"])))
    proc.terminate()
    proc.wait()
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    p = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
    restart = wait_ready(p, started)
    proc.terminate()
    proc.wait()
    print("-- --state-dir: 1,000 resources (500 parameters, 500 queues) and 10,000 log events")
    print(f"restart with that state to first answered call   {restart * 1000:>7.0f} ms")
    print(f"snapshot save / load with it                     {min(t[0] for t in timings):>7.1f} ms / {min(t[1] for t in timings):.1f} ms")


def start_cloudcafe(folder: Path, *extra: str):
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([BIN, "serve", "--port", "0", "--clock-rate", "0", "--outbox", str(folder / "outbox"), "--cafe-db", str(folder / "cafe.sqlite"), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, int(proc.stdout.readline().strip().rsplit(":", 1)[1])


def start_moto():
    port = free_port()
    return subprocess.Popen([MOTO, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port


def stop(proc):
    proc.terminate()
    proc.wait()


def cpu_idle(seconds: float) -> float:
    """The fraction of all CPUs' time idle over the next `seconds`."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def settle(limit: float = 60) -> float:
    """Waits (at most `limit` seconds) until the machine has been quiet for a second; returns the wait."""
    started = time.perf_counter()
    quiet = 0
    while quiet < 2 and time.perf_counter() - started < limit:
        quiet = quiet + 1 if cpu_idle(0.5) >= 0.9 else 0
    return time.perf_counter() - started


def startup(tmp: Path) -> tuple[float, float]:
    """Median milliseconds from process start to the first answered call, CloudCafe and moto."""
    # `make bench` runs this after bench.py, whose emails the kernel is still writing back and
    # whose memory (a browser's among it) the VM's page reclaimer is still paging out, on the
    # cores a start-up needs; and a binary's pages left cold for a minute are paged out too.
    # Measured once the machine is quiet, after one start of each that is not counted.
    os.sync()
    waited = settle()
    first = []
    for starter in (start_cloudcafe, start_moto):
        started = time.perf_counter()
        proc, port = starter(tmp / "start-first") if starter is start_cloudcafe else starter()
        first.append(wait_ready(port, started) * 1000)
        stop(proc)
    print(f"-- start-ups: waited {waited:.1f} s for a quiet machine; first (uncounted) start CloudCafe {first[0]:.1f} ms, moto_server {first[1]:.1f} ms")
    cafe, moto = [], []
    for i in range(STARTS):
        started = time.perf_counter()
        proc, port = start_cloudcafe(tmp / f"start-{i}")
        cafe.append(wait_ready(port, started) * 1000)
        stop(proc)
        started = time.perf_counter()
        proc, port = start_moto()
        moto.append(wait_ready(port, started) * 1000)
        stop(proc)
    return statistics.median(cafe), statistics.median(moto)


def load(port: int, publishes: int = 10_000, log_events: int = 10_000):
    """Publishes to the account's first topic (the café's: an email each) and puts log events, 8 clients at once."""
    kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    sns = boto3.client("sns", **kw)
    topics = sns.list_topics()["Topics"]
    topic = topics[0]["TopicArn"] if topics else sns.create_topic(Name="load")["TopicArn"]
    logs = boto3.client("logs", **kw)
    logs.create_log_group(logGroupName="/load")
    logs.create_log_stream(logGroupName="/load", logStreamName="s")

    def publisher(count: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(count):
            conn.request("POST", "/", body=f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Subject=load&Message=message+{i}",
                         headers=signed("sns", "application/x-www-form-urlencoded"))
            conn.getresponse().read()
    threads = [threading.Thread(target=publisher, args=(publishes // 8,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    now = int(time.time() * 1000)
    for batch in range(log_events // 100):
        logs.put_log_events(logGroupName="/load", logStreamName="s",
                            logEvents=[{"timestamp": now + batch * 100 + i, "message": f"event {batch} {i} " + "x" * 40} for i in range(100)])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if os.environ.get("BENCH_ONLY") == "bare":
            bare_comparison(tmp)
            return
        cafe_start, moto_start = startup(tmp)
        if os.environ.get("BENCH_ONLY") == "startup":
            print(f"start-up to first answered call, median of {STARTS} each, alternating: CloudCafe {cafe_start:.1f} ms, "
                  f"moto_server {moto_start:.1f} ms, {moto_start / cafe_start:.1f}x")
            return

        cafe, cport = start_cloudcafe(tmp / "cafe")
        wait_ready(cport, time.perf_counter())
        moto, mport = start_moto()
        wait_ready(mport, time.perf_counter())
        time.sleep(1)
        idle = (rss_mib(cafe.pid), rss_mib(moto.pid))
        load(cport)
        load(mport)
        time.sleep(0.5)
        loaded = (rss_mib(cafe.pid), rss_mib(moto.pid))

        print(f"-- throughput at 8 connections (wrk, {RUN_SECONDS} s, median of {RUNS})")
        print(f"{'operation':<28} {'CloudCafe req/s':>15} {'p50':>9} {'p99':>9}   {'moto req/s':>10} {'p50':>9} {'p99':>9}   {'ratio':>6}")
        cafe_ops, moto_ops = operations(cport, moto=False), operations(mport, moto=True)
        for (name, requests), (_, moto_requests) in zip(cafe_ops, moto_ops):
            c = median_wrk(cport, requests)
            m = median_wrk(mport, moto_requests)
            errors = "".join(f"   ({e} non-2xx on {who})" for who, e in (("CloudCafe", c[3]), ("moto", m[3])) if e)
            print(f"{name:<28} {c[0]:>15.0f} {c[1]:>7.2f}ms {c[2]:>7.2f}ms   {m[0]:>10.0f} {m[1]:>7.1f}ms {m[2]:>7.1f}ms   {c[0] / max(m[0], 1):>5.1f}x{errors}")
        stop(moto)
        stop(cafe)

        # IAM enforcement's cost on the HTTP path: an IAM user's Publish, enforce vs off.
        print("-- sns Publish by an IAM user whose inline policy allows it (IAM evaluated on every call), 8 connections")
        for mode in ("enforce", "off"):
            proc, p = start_cloudcafe(tmp / f"iam-{mode}", "--iam", mode)
            kw = dict(endpoint_url=f"http://127.0.0.1:{p}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
            iam = boto3.client("iam", **kw)
            iam.create_user(UserName="publisher")
            iam.put_user_policy(UserName="publisher", PolicyName="publish", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}))
            user_key = iam.create_access_key(UserName="publisher")["AccessKey"]["AccessKeyId"]
            topic = boto3.client("sns", **kw).create_topic(Name="bench")["TopicArn"]
            rps, p50, p99, _ = median_wrk(p, [("POST", "/", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Message=hello",
                                                signed("sns", "application/x-www-form-urlencoded", key=user_key))])
            print(f"--iam {mode:<8} {rps:>9.0f} req/s   p50 {p50:>6.2f}ms   p99 {p99:>6.2f}ms")
            stop(proc)

        # The cost of --state-dir: every acknowledged change written first.
        print("-- CloudCafe with --state-dir, 8 connections")
        proc, p = start_cloudcafe(tmp / "state", "--state-dir", str(tmp / "state" / "state"))
        for name, requests in operations(p, moto=False):
            if name in ("sns Publish", "logs PutLogEvents", "ssm GetParameter"):
                rps, p50, p99, _ = median_wrk(p, requests)
                print(f"{name:<28} {rps:>9.0f} req/s   p50 {p50:>6.2f}ms   p99 {p99:>6.2f}ms")
        stop(proc)
        state_dir_restart(tmp / "restart")

        bare_comparison(tmp / "bare")

        print(f"-- start-up to first answered call (STS GetCallerIdentity; median of {STARTS}), RSS idle and after 10,000 publishes and 10,000 log events")
        print(f"CloudCafe (café stack deployed)   {cafe_start:>7.1f} ms   {idle[0]:>6.1f} MiB   {loaded[0]:>6.1f} MiB")
        print(f"moto_server                       {moto_start:>7.1f} ms   {idle[1]:>6.1f} MiB   {loaded[1]:>6.1f} MiB")
        print(f"start-up: CloudCafe {moto_start / cafe_start:.1f}x faster")


if __name__ == "__main__":
    main()
