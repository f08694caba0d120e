"""serve --state-dir: what was acknowledged survives kill -9, the clock and what is due come
back, firings happen once; snapshots move between daemons as files."""
import json
import signal
import sqlite3
import subprocess
import threading
import time

from conftest import BIN, Daemon
from test_runtimes import deploy, invoke
from test_wire import client, error_of


def start(tmp_path, *extra):
    return Daemon(tmp_path, "--state-dir", str(tmp_path / "state"), "--start-time", "2026-11-27T19:59:00Z", "--clock-rate", "0", *extra)


def kill9(d):
    d.process.send_signal(signal.SIGKILL)
    d.process.wait(timeout=10)
    d.log.close()


def test_what_was_acknowledged_survives_kill_9(tmp_path):
    d = start(tmp_path)
    # A function with its code, a queue with a message, and parameters written under load
    lam = deploy(d, "kept", "def handler(event, context):\n    return 'still here'\n")
    sqs = client(d, "sqs")
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    acknowledged, stop = [], threading.Event()

    def writer(n):
        ssm = client(d, "ssm")
        i = 0
        while not stop.is_set():
            name = f"/load/{n}/{i}"
            try:
                ssm.put_parameter(Name=name, Value=str(i), Type="String")
                acknowledged.append(name)
            except Exception:
                return
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.8)
    kill9(d)
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 20
    # After a restart on the same state dir, everything acknowledged is there
    d = start(tmp_path)
    try:
        ssm = client(d, "ssm")
        for name in acknowledged:
            assert ssm.get_parameter(Name=name)["Parameter"]["Name"] == name
        assert invoke(client(d, "lambda"), "kept")[:2] == (None, "still here")
        messages = client(d, "sqs").receive_message(QueueUrl=url)["Messages"]
        assert [m["Body"] for m in messages] == ["in flight"]
        # The stack was not deployed again: one confirmation email, not two
        assert [m["subject"] for m in d.api("GET", "/_cloudcafe/outbox")] == ["AWS Notification - Subscription Confirmation"]
    finally:
        d.stop()


def test_the_clock_and_what_is_due_come_back_and_fire_once(tmp_path):
    d = start(tmp_path)
    d.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    # An asynchronous failure waits for its retry a minute later
    lam = deploy(d, "flaky", "def handler(event, context):\n    raise ValueError('no')\n")
    lam.invoke(FunctionName="flaky", InvocationType="Event", Payload="{}")
    kill9(d)
    d = start(tmp_path, "--clock-rate", "0")
    try:
        assert d.api("GET", "/_cloudcafe/clock") == {"now": "2026-11-27T20:01:00Z", "rate": 0}
        moved = d.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
        assert moved["fired"] == []  # Friday's run happened before the restart, once
        runs = [e for e in d.api("GET", "/_cloudcafe/timeline")["entries"] if e["kind"] == "invocation" and e["function"] == "flaky"]
        assert runs, d.api("GET", "/_cloudcafe/timeline")["entries"]
        assert runs[-1].get("attempt", 1) >= 2  # the retry that was due ran after the restart
        assert [f["time"] for f in d.api("POST", "/_cloudcafe/clock", {"advance": "1d"})["fired"]] == ["2026-11-28T20:00:00Z"]
    finally:
        d.stop()


def test_a_newer_state_is_refused_with_a_sentence(tmp_path):
    d = start(tmp_path)
    d.stop()
    with sqlite3.connect(tmp_path / "state" / "state.sqlite") as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    out = subprocess.run([BIN, "serve", "--port", "0", "--state-dir", str(tmp_path / "state")], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "written by a newer CloudCafe (format 99" in out.stderr


def test_snapshots_move_between_daemons_as_files(daemon_factory, tmp_path):
    first = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    deploy(first, "travelling", "def handler(event, context):\n    return 'moved'\n")
    first.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    first.cli("state", "save", "handover")
    exported = first.cli("state", "export", "handover", str(tmp_path / "handover.json")).stdout
    assert exported.startswith("exported handover to ")
    assert json.loads((tmp_path / "handover.json").read_text())["name"] == "handover"
    second = Daemon(tmp_path / "second" if (tmp_path / "second").mkdir() is None else tmp_path, "--clock-rate", "0", "--start-time", "2030-01-01T00:00:00Z")
    try:
        assert second.cli("state", "import", str(tmp_path / "handover.json"), "arrived").stdout.strip() == "imported arrived"
        second.cli("state", "load", "arrived")
        assert second.api("GET", "/_cloudcafe/clock")["now"] == "2026-11-27T20:01:00Z"
        assert invoke(client(second, "lambda"), "travelling")[:2] == (None, "moved")
        assert [m["subject"] for m in second.api("GET", "/_cloudcafe/outbox")] == []  # its own outbox: the other daemon's emails are not files here
        assert error_of(lambda: client(second, "lambda").get_function(FunctionName="nope"))[0] == "ResourceNotFoundException"
    finally:
        second.stop()
