#!/usr/bin/env python3
"""make bench: start-up time, idle memory, and a simulated year of the café schedule.

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
        process, url, _ = start(folder, "--clock-rate", "0", "--start-time", "2026-01-01T00:00:00Z")
        t = time.perf_counter()
        moved = post(url + "/_cloudcafe/clock", {"advance": "365d"})
        seconds = time.perf_counter() - t
        emails = len(list((folder / "outbox" / "new").glob("*.eml")))
        peak = rss_mib(process.pid)
        process.terminate()
        process.wait()
        print(f"advance one simulated year (2026): {len(moved['fired'])} report runs, {emails - 1} report emails "
              f"(+1 confirmation) in {seconds:.2f} s = {seconds / max(1, len(moved['fired'])) * 1000:.1f} ms per run; RSS after {peak:.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
