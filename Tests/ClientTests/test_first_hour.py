"""What a newcomer meets in the first hour: errors that read as sentences, the version,
the logs' filters, orders placed through the daemon."""
import subprocess

from conftest import BIN


def run(*args, timeout=30):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def test_mistakes_answer_in_sentences(daemon_factory, tmp_path):
    d = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    port = d.url.rsplit(":", 1)[1]
    taken = run("serve", "--port", port, "--outbox", str(tmp_path / "o2"), "--cafe-db", str(tmp_path / "c2.sqlite"))
    assert taken.returncode != 0
    assert f"port {port} on 127.0.0.1 is in use" in taken.stderr and "--port 0" in taken.stderr
    missing = run("serve", "--port", "0", "--stack", str(tmp_path / "nope.json"))
    assert missing.returncode != 0 and f"the stack file {tmp_path / 'nope.json'} does not exist" in missing.stderr
    # A verb's mistake shows that verb's usage
    usage = run("clock", "advance", "--endpoint", d.url)
    assert usage.returncode != 0 and "Usage: cloudcafe clock advance" in usage.stderr
    assert "Usage: cloudcafe serve" in run("serve", "--clock-rate", "-1").stderr


def test_serve_reads_options_either_way_and_words_every_mistake(daemon_factory, tmp_path):
    # `--name=value` and `--name value` start the same daemon, with every option taken
    d = daemon_factory("--clock-rate=0", "--start-time=2026-11-27T19:59:00Z", "--seed", "7", "--timeline-capacity=0", "--iam=audit",
                       "--admin-email=ops@example.com")
    assert d.api("GET", "/_cloudcafe/clock")["now"].startswith("2026-11-27T19:59:00")
    assert d.api("GET", "/_cloudcafe/timeline")["entries"] == []
    assert [e["to"] for e in d.api("GET", "/_cloudcafe/outbox")] == ["ops@example.com"]  # the subscription's confirmation
    # Mistakes read as ArgumentParser words them, with serve's usage
    for args, words in [
        (["--iam", "bogus"], "Error: --iam must be enforce, audit or off"),
        (["--port", "port"], "Error: The value 'port' is invalid for '--port <port>'"),
        (["--bogus", "1"], "Error: Unknown option '--bogus'"),
        (["--port"], "Error: Missing value for '--port <port>'"),
        (["--strict-auth=yes"], "Error: "),
        (["--clock-rate", "-1"], "Error: "),
    ]:
        result = run("serve", *args, "--outbox", str(tmp_path / "o"), "--cafe-db", str(tmp_path / "c.sqlite"))
        assert result.returncode != 0, args
        assert words in result.stderr and "Usage: cloudcafe serve" in result.stderr, (args, result.stderr)
    assert "--strict-auth" in run("serve", "--help").stdout


def test_stack_none_says_so(daemon_factory):
    d = daemon_factory("--stack", "none")
    log = (d.folder / "daemon.log").read_text()
    assert "no stack deployed" in log and "café stack deployed" not in log


def test_the_version_is_told(friday):
    version = run("--version").stdout.strip()
    assert version and version[0].isdigit()
    assert friday.api("GET", "/_cloudcafe/health")["version"] == version


def test_logs_filters_and_orders_through_the_daemon(friday):
    # Orders go to the daemon's database through --endpoint, as the other verbs find the daemon
    placed = friday.cli("orders", "add", "--at", "2026-11-27T14:05:00", "Croissant=1", "Hot Chocolate=2")
    assert placed.stdout.startswith("order 1 placed at 2026-11-27")
    assert friday.cli("orders", "generate", "--from", "2026-11-20", "--days", "7").stdout.endswith("orders placed from 2026-11-20 over 7 days\n")
    bad = friday.cli("orders", "add", "--at", "2026-11-27T14:05:00", "Bagel=1", check=False)
    assert bad.returncode != 0 and "no product named 'Bagel'" in bad.stderr
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    body = friday.api("GET", "/_cloudcafe/outbox/latest?format=json")["body"]
    assert "Croissant" in body
    # --tail, --since, --request-id
    lines = friday.cli("logs", "salesAnalysisReport", "--tail", "2").stdout.splitlines()
    assert len(lines) == 2 and " END RequestId: " in lines[0] and " REPORT RequestId: " in lines[1]
    assert friday.cli("logs", "salesAnalysisReport", "--since", "2026-11-27T20:00:01Z").stdout == ""
    friday.cli("invoke", "salesAnalysisReport")
    every = friday.cli("logs", "salesAnalysisReport").stdout.splitlines()
    request = every[-1].split("REPORT RequestId: ")[1].split("\t")[0]
    one = friday.cli("logs", "salesAnalysisReport", "--request-id", request).stdout.splitlines()
    assert one[0].endswith(f"START RequestId: {request} Version: $LATEST") and one[-1].split(" ", 1)[1].startswith(f"REPORT RequestId: {request}")
    assert len(one) < len(every)
