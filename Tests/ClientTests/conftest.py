"""Starts the real cloudcafe daemon on a free loopback port for each test module."""
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

BIN = os.environ.get("CLOUDCAFE_BIN") or str(Path(__file__).resolve().parents[2] / ".build" / "debug" / "cloudcafe")
REPO = Path(__file__).resolve().parents[2]


class Daemon:
    """A running `cloudcafe serve` and the folder it works in."""

    def __init__(self, folder: Path, *args: str):
        self.folder = folder
        self.outbox = folder / "outbox"
        self.cafe_db = folder / "cafe_db.sqlite"
        self.log = open(folder / "daemon.log", "w")
        self.process = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--outbox", str(self.outbox), "--cafe-db", str(self.cafe_db), *args],
            cwd=folder, stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if "listening on " in line or not line:
                break
        if "listening on " not in line:
            self.stop()
            raise RuntimeError("daemon did not start: " + (folder / "daemon.log").read_text())
        self.url = line.strip().split("listening on ")[1]

    @property
    def token_file(self) -> Path:
        """Where a --strict-auth daemon writes its admin API token (its working folder)."""
        return self.folder / ".cloudcafe" / "admin-token"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "CLOUDCAFE_ADMIN_TOKEN_FILE": str(self.token_file)}
        return subprocess.run([BIN, *args, "--endpoint", self.url], capture_output=True, text=True, check=check, timeout=120, env=env)

    def offline(self, *args: str) -> subprocess.CompletedProcess:
        """A verb that works on files, not the daemon."""
        return subprocess.run([BIN, *args], capture_output=True, text=True, check=True, timeout=120)

    def api(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self.token_file.exists():
            headers["Authorization"] = "Bearer " + self.token_file.read_text().strip()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture
def daemon_factory(tmp_path):
    started = []

    def start(*args: str) -> Daemon:
        d = Daemon(tmp_path, *args)
        started.append(d)
        return d

    yield start
    for d in started:
        d.stop()


@pytest.fixture
def friday(daemon_factory) -> Daemon:
    """The café stack, frozen at Friday 2026-11-27 19:59 UTC."""
    return daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
