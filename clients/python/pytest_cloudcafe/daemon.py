"""A CloudCafe daemon as a test suite sees it."""
from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Optional, Sequence


class CloudCafeError(RuntimeError):
    """The daemon refused a call of the admin API, or could not start."""


class Clock:
    """The daemon's virtual clock."""

    def __init__(self, cafe: "CloudCafe") -> None:
        self._cafe = cafe

    def now(self) -> str:
        """The virtual instant, ISO 8601 (`2026-11-27T19:59:00Z`)."""
        return self._cafe.admin("GET", "/clock")["now"]

    def advance(self, step: str) -> dict:
        """Moves forward by `step` (`90s`, `2m`, `3h`, `1d`, `PT2M`), running every firing on
        the way; answers what fired and what each firing led to."""
        return self._cafe.admin("POST", "/clock", {"advance": step})

    def set(self, instant: str) -> dict:
        """Moves to `instant` (ISO 8601); forward, every firing on the way runs."""
        return self._cafe.admin("POST", "/clock", {"set": instant})

    def rate(self, rate: float) -> dict:
        """0 freezes the clock, 1 is real time, N runs N times faster."""
        return self._cafe.admin("POST", "/clock", {"rate": rate})


class CloudCafe:
    """A running daemon: the one this object started, or one it attached to."""

    def __init__(self, endpoint: str, process: Optional[subprocess.Popen] = None, folder: Optional[Path] = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.clock = Clock(self)
        self._process = process
        self._folder = folder

    # Starting and stopping

    @classmethod
    def start(cls, *args: str, binary: Optional[str] = None, folder: Optional[Path] = None, timeout: float = 60) -> "CloudCafe":
        """Starts `cloudcafe serve --port 0` with `args` (the binary from `CLOUDCAFE_BIN` or
        PATH) in `folder` (a new temporary one by default) and waits until it answers."""
        binary = binary or os.environ.get("CLOUDCAFE_BIN") or shutil.which("cloudcafe")
        if not binary:
            raise CloudCafeError("no cloudcafe binary: set CLOUDCAFE_BIN or put cloudcafe on PATH")
        folder = Path(folder or tempfile.mkdtemp(prefix="cloudcafe-"))
        log = open(folder / "daemon.log", "w")
        process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--outbox", str(folder / "outbox"), "--cafe-db", str(folder / "cafe_db.sqlite"), *args],
            cwd=folder, stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline() if process.stdout else ""
            if "listening on " in line or not line:
                break
        if "listening on " not in line:
            process.kill()
            raise CloudCafeError("cloudcafe did not start:\n" + (folder / "daemon.log").read_text())
        return cls(line.strip().split("listening on ")[1], process=process, folder=folder)

    def stop(self) -> None:
        """Stops the daemon this object started (an attached one is left running)."""
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()

    # The admin API

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Calls `/_cloudcafe{path}` and answers its JSON."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.endpoint + "/_cloudcafe" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            raise CloudCafeError(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}") from None

    # AWS

    def client(self, service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A boto3 client of `service`, pointed at the daemon and signed as the root user."""
        import boto3
        from botocore.config import Config

        return boto3.client(service, endpoint_url=self.endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test",
                            config=kwargs.pop("config", Config(retries={"max_attempts": 1})), **kwargs)

    def invoke(self, function: str, payload: Any = None) -> Any:
        """Invokes `function` synchronously and answers its decoded result; a function error
        raises `CloudCafeError` with the error the function returned."""
        out = self.client("lambda").invoke(FunctionName=function, Payload=json.dumps(payload if payload is not None else {}))
        result = json.loads(out["Payload"].read() or b"null")
        if out.get("FunctionError"):
            raise CloudCafeError(f"{function} failed: {result}")
        return result

    # What happened

    def outbox(self, to: Optional[str] = None, subject: Optional[str] = None) -> list[EmailMessage]:
        """The delivered emails, oldest first, as `email.message.EmailMessage` (read the body
        with `message.get_content()`); optionally only those to `to` or whose subject contains `subject`."""
        query = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in (("to", to), ("subject", subject)) if v)
        listing = self.admin("GET", "/outbox" + ("?" + query if query else ""))
        messages = []
        for entry in listing:
            request = urllib.request.Request(self.endpoint + "/_cloudcafe/outbox/" + urllib.request.quote(entry["file"]))
            with urllib.request.urlopen(request, timeout=60) as response:
                messages.append(email.message_from_bytes(response.read(), policy=email.policy.default))
        return messages

    def logs(self, function: str) -> list[str]:
        """The message lines of `function`'s log group, in time order."""
        try:
            events = self.admin("GET", "/logs?group=" + urllib.request.quote("/aws/lambda/" + function))["events"]
        except CloudCafeError:
            return []
        return [e["message"] for e in events]

    def timeline(self, **filters: str) -> list[dict]:
        """The cause → effect timeline (filters: since, until, function, rule)."""
        entries, token = [], "0"
        query = "".join(f"&{k}={urllib.request.quote(v)}" for k, v in filters.items())
        while token:
            page = self.admin("GET", f"/timeline?nextToken={token}{query}")
            entries += page["entries"]
            token = page.get("nextToken")
        return entries

    def place_order(self, at: str, *items: str) -> int:
        """Places a café order (`at` café local time, items as `"Croissant=1"`); answers its number."""
        return self.admin("POST", "/orders", {"at": at, "items": list(items)})["order"]

    # State

    def snapshot(self, name: str) -> None:
        """Saves the daemon's whole state as `name`."""
        self.admin("POST", "/state/save", {"name": name})

    def restore(self, name: str) -> None:
        """Puts the whole state back as snapshot `name` had it."""
        self.admin("POST", "/state/load", {"name": name})

    def reset(self, clock: Optional[str] = None) -> None:
        """Back to the freshly deployed stack; the clock to where the daemon started, or `clock`."""
        self.admin("POST", "/reset", {"clock": clock} if clock else {})

    def __repr__(self) -> str:
        return f"CloudCafe({self.endpoint!r})"


def start_args(start_time: str, extra: Sequence[str]) -> list[str]:
    """The `serve` arguments of a test daemon: a frozen clock at `start_time`."""
    return ["--clock-rate", "0", "--start-time", start_time, *extra]
