#!/usr/bin/env python3
"""make bench: start-up time, idle memory, a simulated year of the café schedule, and a soak
(SOAK_SECONDS, default 600) under mixed load showing RSS levelling off.

Figures are printed, never asserted. Each run uses fresh folders under a temporary
directory and only loopback addresses."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = os.environ.get("CLOUDCAFE_BIN", ".build/release/cloudcafe")


def start(folder: Path, *args: str):
    started = time.perf_counter()
    process = subprocess.Popen(
        [BIN, "serve", "--port", "0", "--outbox", str(folder / "outbox"), "--cafe-db", str(folder / "cafe_db.sqlite"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    url = line.strip().split("listening on ")[1]
    while True:
        try:
            with urllib.request.urlopen(url + "/_cloudcafe/health", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.001)
    return process, url, time.perf_counter() - started


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def post(url: str, body) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=3600) as r:
        return json.loads(r.read())


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        startups, rss = [], []
        for i in range(7):
            folder = tmp / f"start{i}"
            folder.mkdir()
            process, _, seconds = start(folder, "--clock-rate", "0")
            startups.append(seconds)
            time.sleep(1.0)
            rss.append(rss_mib(process.pid))
            process.terminate()
            process.wait()
        print(f"start-up to served /_cloudcafe/health (café stack deployed, fresh cafe_db): "
              f"median {statistics.median(startups) * 1000:.0f} ms, min {min(startups) * 1000:.0f} ms over {len(startups)} runs")
        print(f"idle RSS one second after start: median {statistics.median(rss):.1f} MiB")

        folder = tmp / "year"
        folder.mkdir()
        db = folder / "cafe_db.sqlite"
        t = time.perf_counter()
        out = subprocess.run([BIN, "orders", "generate", "--cafe-db", str(db), "--from", "2026-01-01", "--days", "365", "--seed", "42"],
                             capture_output=True, text=True, check=True).stdout.strip()
        print(f"orders generate --days 365: {out} in {time.perf_counter() - t:.2f} s")
        for label, extra in [("timeline recorded", ()), ("timeline off (--timeline-capacity 0)", ("--timeline-capacity", "0"))]:
            run_folder = tmp / f"year-{len(extra)}"
            run_folder.mkdir()
            (run_folder / "cafe_db.sqlite").write_bytes(db.read_bytes())
            process, url, _ = start(run_folder, "--clock-rate", "0", "--start-time", "2026-01-01T00:00:00Z", *extra)
            t = time.perf_counter()
            moved = post(url + "/_cloudcafe/clock", {"advance": "365d"})
            seconds = time.perf_counter() - t
            emails = len(list((run_folder / "outbox" / "new").glob("*.eml")))
            peak = rss_mib(process.pid)
            process.terminate()
            process.wait()
            runs = moved.get("firedCount", len(moved["fired"]))
            print(f"advance one simulated year (2026), {label}: {runs} report runs, {emails - 1} report emails "
                  f"(+1 confirmation) in {seconds:.2f} s = {seconds / max(1, runs) * 1000:.1f} ms per run; RSS after {peak:.1f} MiB")
        console(tmp / "console")

        runtimes(tmp / "runtimes")
        soak(tmp / "soak", int(os.environ.get("SOAK_SECONDS", "600")))


def console(folder: Path):
    """The web console's first load in headless Chromium: bytes transferred, time to first paint."""
    import shutil
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("console first load: skipped (selenium is not installed)")
        return
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        print("console first load: skipped (no chromium/chromedriver)")
        return
    folder.mkdir()
    process, url, _ = start(folder, "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    post(url + "/_cloudcafe/clock", {"advance": "2m"})
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    paints, sizes = [], []
    for _ in range(5):
        driver.get(url + "/_cloudcafe/console")
        for _ in range(200):
            if driver.execute_script("return document.body.dataset.ready") == "true":
                break
            time.sleep(0.01)
        paints.append(driver.execute_script(
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null") or float("nan"))
        sizes.append(driver.execute_script(
            "return performance.getEntriesByType('navigation')[0].transferSize + "
            "performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, 0)"))
    driver.quit()
    process.terminate()
    process.wait()
    print(f"console first load (headless Chromium, after the Friday run): page and API {statistics.median(sizes) / 1024:.1f} KiB transferred, "
          f"first contentful paint median {statistics.median(paints):.0f} ms")


def runtimes(folder: Path):
    """A Python function's cold and warm invoke beside the in-process extractor, the memory
    of a warm environment, and warm invocations per second under 8 concurrent clients."""
    import concurrent.futures
    import io
    import zipfile

    import boto3
    from botocore.config import Config

    folder.mkdir()
    process, url, _ = start(folder, "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    lam = lambda: boto3.client("lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
                               config=Config(retries={"max_attempts": 1}, max_pool_connections=16))
    client = lam()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("handler.py", "import os\ndef handler(event, context):\n    return {'pid': os.getpid(), 'event': event}\n")
    role = "arn:aws:iam::000000000000:role/salesAnalysisReportRole"

    def timed(name, payload="{}"):
        t = time.perf_counter()
        out = client.invoke(FunctionName=name, Payload=payload)
        body = json.loads(out["Payload"].read())
        assert "FunctionError" not in out, body
        return time.perf_counter() - t, body

    colds = []
    for i in range(5):
        client.create_function(FunctionName=f"py{i}", Runtime="python3.11", Role=role, Handler="handler.handler", Code={"ZipFile": buffer.getvalue()})
        colds.append(timed(f"py{i}")[0])
    warm = [timed("py0")[0] for _ in range(50)]
    extractor = json.dumps({"dbUrl": "localhost", "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9"})
    builtin = [timed("salesAnalysisReportDataExtractor", extractor)[0] for _ in range(50)]
    pid = timed("py0")[1]["pid"]
    env_rss = rss_mib(pid)
    print(f"python3.11 function invoke through boto3: cold median {statistics.median(colds) * 1000:.0f} ms, warm median "
          f"{statistics.median(warm) * 1000:.1f} ms; in-process extractor warm median {statistics.median(builtin) * 1000:.1f} ms")
    print(f"one warm python3.11 environment (awslambdaric, handler imported): RSS {env_rss:.1f} MiB")

    counts = []
    deadline = time.perf_counter() + 5

    def worker(_):
        c, n = lam(), 0
        c.invoke(FunctionName="py0", Payload="{}")  # warms one environment per client
        start_at = time.perf_counter()
        while time.perf_counter() < deadline:
            c.invoke(FunctionName="py0", Payload="{}")["Payload"].read()
            n += 1
        return n, time.perf_counter() - start_at

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(worker, range(8)))
    rate = sum(n for n, _ in counts) / max(seconds for _, seconds in counts)
    print(f"warm python3.11 invocations, 8 concurrent boto3 clients for 5 s: {rate:.0f} per second; daemon RSS after {rss_mib(process.pid):.1f} MiB")
    process.terminate()
    process.wait()


AUTH = "AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"


def soak(folder: Path, seconds: int):
    """Mixed load from 8 clients (Publish with email, PutLogEvents, Invoke, GetParameter) while
    the clock advances a day every 10 seconds; RSS sampled every 5 seconds."""
    import http.client
    import threading

    folder.mkdir()
    process, url, _ = start(folder, "--clock-rate", "0", "--start-time", "2026-11-27T19:00:00Z")
    host, port = url.replace("http://", "").split(":")

    def call(conn, service, path, body, target=None, content_type="application/x-amz-json-1.1"):
        headers = {"Authorization": AUTH.format(service), "Content-Type": content_type}
        if target:
            headers["X-Amz-Target"] = target
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status

    setup = http.client.HTTPConnection(host, int(port), timeout=60)
    call(setup, "logs", "/", b'{"logGroupName":"/soak"}', "Logs_20140328.CreateLogGroup")
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    topic = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"

    def worker(n):
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        call(conn, "logs", "/", json.dumps({"logGroupName": "/soak", "logStreamName": f"c{n}"}).encode(), "Logs_20140328.CreateLogStream")
        i = 0
        while time.monotonic() < deadline:
            i += 1
            kind = i % 4
            if kind == 0:
                status = call(conn, "sns", "/", f"Action=Publish&Version=2010-03-31&TopicArn={topic}&Subject=soak&Message=m{n}-{i}".encode(),
                              content_type="application/x-www-form-urlencoded")
            elif kind == 1:
                events = [{"timestamp": 1_795_809_540_000, "message": f"event {i} " + "x" * 100}]
                status = call(conn, "logs", "/", json.dumps({"logGroupName": "/soak", "logStreamName": f"c{n}", "logEvents": events}).encode(),
                              "Logs_20140328.PutLogEvents")
            elif kind == 2:
                status = call(conn, "lambda", "/2015-03-31/functions/salesAnalysisReportDataExtractor/invocations", b"{}", content_type="application/json")
            else:
                status = call(conn, "ssm", "/", b'{"Name":"/cafe/dbName"}', "AmazonSSM.GetParameter")
            with lock:
                counts["requests"] += 1
                counts["errors"] += status >= 400

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    samples = [rss_mib(process.pid)]
    for t in threads:
        t.start()
    next_day = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(5)
        samples.append(rss_mib(process.pid))
        if time.monotonic() >= next_day:
            post(url + "/_cloudcafe/clock", {"advance": "1d"})
            next_day += 10
    for t in threads:
        t.join()
    samples.append(rss_mib(process.pid))
    emails = len(list((folder / "outbox" / "new").glob("*.eml")))
    process.terminate()
    process.wait()
    print(f"soak {seconds} s, 8 clients mixed load + a simulated day every 10 s: {counts['requests']} requests, {counts['errors']} errors, "
          f"{emails} emails; RSS start {samples[0]:.1f} MiB, peak {max(samples):.1f} MiB, end {samples[-1]:.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
