#!/usr/bin/env python3
"""make bench (part 2): CloudCafe and moto's server side by side, on loopback.

For each server: start-up to the first answered call (STS GetCallerIdentity), idle RSS,
then wrk (2 threads, 16 connections, 5 s each) on SNS Publish, CloudWatch Logs
PutLogEvents and SSM GetParameter; and, on CloudCafe, Lambda Invoke of the café's
extractor. Requests carry a SigV4-shaped Authorization header; neither server verifies
signatures by default. Figures are printed, never asserted."""
import http.client
import json
import urllib.request
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

BIN = os.environ.get("CLOUDCAFE_BIN", ".build/release/cloudcafe")
MOTO = str(Path(sys.executable).parent / "moto_server")


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


def wrk(port: int, name: str, service: str, body: str, content_type: str, target=None, path="/", key="bench") -> str:
    headers = {"Authorization": auth(service, key), "Content-Type": content_type, "X-Amz-Date": "20261127T000000Z"}
    if target:
        headers["X-Amz-Target"] = target
    script = "wrk.method = \"POST\"\nwrk.body = " + json.dumps(body) + "\n" + "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(["wrk", "-t2", "-c16", "-d5s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True).stdout
    os.unlink(f.name)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (f"{name:<34} {float(rps.group(1)) if rps else 0:>9.0f} req/s   p50 {p50.group(1) if p50 else '?':>8}   p99 {p99.group(1) if p99 else '?':>8}"
            + (f"   ({errors.group(1)} errors)" if errors else ""))


def workload(port: int, label: str, with_invoke: bool):
    kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    topic = boto3.client("sns", **kw).create_topic(Name="bench")["TopicArn"]
    logs = boto3.client("logs", **kw)
    logs.create_log_group(logGroupName="/bench")
    logs.create_log_stream(logGroupName="/bench", logStreamName="s")
    boto3.client("ssm", **kw).put_parameter(Name="/bench/p", Value="v", Type="String")
    print(f"-- {label}")
    print(wrk(port, "sns Publish", "sns", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Message=hello",
              "application/x-www-form-urlencoded"))
    now = int(time.time() * 1000)
    print(wrk(port, "logs PutLogEvents", "logs",
              json.dumps({"logGroupName": "/bench", "logStreamName": "s", "logEvents": [{"timestamp": now, "message": "hello"}]}),
              "application/x-amz-json-1.1", target="Logs_20140328.PutLogEvents"))
    print(wrk(port, "ssm GetParameter", "ssm", json.dumps({"Name": "/bench/p"}), "application/x-amz-json-1.1", target="AmazonSSM.GetParameter"))
    if with_invoke:
        payload = json.dumps({"dbUrl": "localhost", "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9", "reportDate": "2026-11-27"})
        print(wrk(port, "lambda Invoke (extractor, sync)", "lambda", payload, "application/json",
                  path="/2015-03-31/functions/salesAnalysisReportDataExtractor/invocations"))


def wrk_at(port: int, connections: int, body: str, target: str, key: str = "bench") -> tuple[float, str, str]:
    """Requests per second, p50 and p99 of GetParameter-shaped calls at `connections` connections."""
    headers = {"Authorization": auth("ssm", key), "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": "20261127T000000Z", "X-Amz-Target": target}
    script = "wrk.method = \"POST\"\nwrk.body = " + json.dumps(body) + "\n" + "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", "-d5s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True).stdout
    os.unlink(f.name)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out)
    return (float(rps.group(1)) if rps else 0.0, p50.group(1) if p50 else "?", p99.group(1) if p99 else "?")


def bare_comparison(folder: Path):
    """CloudCafe's GetParameter beside a bare Hummingbird 2 server answering the same shape:
    the floor of the HTTP path, at 1 and 8 connections."""
    bare_bin = os.path.join(os.path.dirname(BIN), "cloudcafe-bare")
    if not os.path.exists(bare_bin):
        print("-- bare Hummingbird comparison: skipped (no cloudcafe-bare next to cloudcafe)")
        return
    folder.mkdir()
    body = json.dumps({"Name": "/bench/p"})
    bare = subprocess.Popen([bare_bin, "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    bport = int(bare.stdout.readline().strip().rsplit(" ", 1)[1])
    cafe = subprocess.Popen([BIN, "serve", "--port", "0", "--clock-rate", "0", "--outbox", str(folder / "outbox"), "--cafe-db", str(folder / "cafe.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    cport = int(cafe.stdout.readline().strip().rsplit(":", 1)[1])
    boto3.client("ssm", endpoint_url=f"http://127.0.0.1:{cport}", region_name="us-east-1", aws_access_key_id="bench",
                 aws_secret_access_key="bench").put_parameter(Name="/bench/p", Value="v", Type="String")
    print("-- ssm GetParameter beside a bare Hummingbird 2 server (same request, a fixed answer)")
    for connections in (1, 8):
        for label, port in (("bare Hummingbird", bport), ("CloudCafe", cport)):
            rps, p50, p99 = wrk_at(port, connections, body, "AmazonSSM.GetParameter")
            print(f"{label:<18} {connections} connection{'s' if connections > 1 else ' '}   {rps:>9.0f} req/s   p50 {p50:>8}   p99 {p99:>8}")
    bare.terminate()
    cafe.terminate()
    bare.wait()
    cafe.wait()


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


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # CloudCafe, with the café stack (its normal use).
        started = time.perf_counter()
        cafe = subprocess.Popen([BIN, "serve", "--port", "0", "--clock-rate", "0", "--outbox", str(tmp / "outbox"), "--cafe-db", str(tmp / "cafe.sqlite")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = int(cafe.stdout.readline().strip().rsplit(":", 1)[1])
        cafe_start = wait_ready(port, started)
        time.sleep(1)
        cafe_rss = rss_mib(cafe.pid)
        workload(port, "CloudCafe", with_invoke=True)
        cafe_rss_after = rss_mib(cafe.pid)
        cafe.terminate()
        cafe.wait()

        mport = free_port()
        started = time.perf_counter()
        moto = subprocess.Popen([MOTO, "-p", str(mport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        moto_start = wait_ready(mport, started)
        time.sleep(1)
        moto_rss = rss_mib(moto.pid)
        workload(mport, "moto_server", with_invoke=False)
        moto_rss_after = rss_mib(moto.pid)
        moto.terminate()
        moto.wait()

        # IAM enforcement's cost on the HTTP path: an IAM user's Publish, enforce vs off.
        print("-- sns Publish by an IAM user whose inline policy allows it (IAM evaluated on every call)")
        for mode in ("enforce", "off"):
            folder = tmp / f"iam-{mode}"
            folder.mkdir()
            proc = subprocess.Popen([BIN, "serve", "--port", "0", "--clock-rate", "0", "--iam", mode, "--outbox", str(folder / "outbox"),
                                     "--cafe-db", str(folder / "cafe.sqlite")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            p = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
            kw = dict(endpoint_url=f"http://127.0.0.1:{p}", region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
            iam = boto3.client("iam", **kw)
            iam.create_user(UserName="publisher")
            iam.put_user_policy(UserName="publisher", PolicyName="publish", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}))
            user_key = iam.create_access_key(UserName="publisher")["AccessKey"]["AccessKeyId"]
            topic = boto3.client("sns", **kw).create_topic(Name="bench")["TopicArn"]
            print(wrk(p, f"--iam {mode}", "sns", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Message=hello",
                      "application/x-www-form-urlencoded", key=user_key))
            proc.terminate()
            proc.wait()

        # The cost of --state-dir: every acknowledged change written first.
        folder = tmp / "state"
        folder.mkdir()
        proc = subprocess.Popen([BIN, "serve", "--port", "0", "--clock-rate", "0", "--state-dir", str(folder / "state"), "--outbox", str(folder / "outbox")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        p = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
        workload(p, "CloudCafe with --state-dir", with_invoke=False)
        proc.terminate()
        proc.wait()
        state_dir_restart(tmp / "restart")

        bare_comparison(tmp)

        print("-- start-up to first answered call (STS GetCallerIdentity), idle RSS, RSS after the load")
        print(f"CloudCafe (café stack deployed)   {cafe_start * 1000:>7.0f} ms   {cafe_rss:>6.1f} MiB   {cafe_rss_after:>6.1f} MiB")
        print(f"moto_server                       {moto_start * 1000:>7.0f} ms   {moto_rss:>6.1f} MiB   {moto_rss_after:>6.1f} MiB")


if __name__ == "__main__":
    main()
