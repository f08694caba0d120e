#!/usr/bin/env python3
"""make bench (part 2): CloudCafe and moto's server side by side, on loopback.

For each server: start-up to the first answered call (STS GetCallerIdentity), idle RSS,
then wrk (2 threads, 16 connections, 5 s each) on SNS Publish, CloudWatch Logs
PutLogEvents and SSM GetParameter; and, on CloudCafe, Lambda Invoke of the café's
extractor. Requests carry a SigV4-shaped Authorization header; neither server verifies
signatures by default. Figures are printed, never asserted."""
import http.client
import json
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

        print("-- start-up to first answered call (STS GetCallerIdentity), idle RSS, RSS after the load")
        print(f"CloudCafe (café stack deployed)   {cafe_start * 1000:>7.0f} ms   {cafe_rss:>6.1f} MiB   {cafe_rss_after:>6.1f} MiB")
        print(f"moto_server                       {moto_start * 1000:>7.0f} ms   {moto_rss:>6.1f} MiB   {moto_rss_after:>6.1f} MiB")


if __name__ == "__main__":
    main()
