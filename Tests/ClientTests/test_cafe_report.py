"""The café sales report, end to end, through the real executable: orders placed with
the CLI, the clock moved through the admin API, the email read with Python's email
package, the logs read back."""
import datetime
import email
import email.policy
import re
from pathlib import Path

from conftest import REPO

REPORT = "Daily Sales Analysis Report"
FOOTER = re.compile(
    r"\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n"
    r"(http://127\.0\.0\.1:\d+/unsubscribe\.html\?SubscriptionArn=arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic:[0-9a-f-]{36}&Endpoint=admin@example\.com)"
    r"\n\nPlease do not reply directly to this email\. If you have any questions or comments regarding this email, please contact us at https://aws\.amazon\.com/support\Z")


def emails(daemon):
    """Every delivered message, parsed, in file-name order."""
    folder = daemon.outbox / "new"
    return [(p.name, email.message_from_bytes(p.read_bytes(), policy=email.policy.default)) for p in sorted(folder.iterdir())]


def reports(daemon):
    return [(name, m) for name, m in emails(daemon) if m["Subject"] == REPORT]


def body(message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


def golden(name: str) -> str:
    return (REPO / "fixtures" / "golden" / "report" / f"{name}.txt").read_text()


def place_friday_orders(daemon):
    db = str(daemon.cafe_db)
    daemon.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-27T14:05:00", "Croissant=1", "Hot Chocolate=2")
    daemon.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-27T10:00:00", "Strawberry Blueberry Tart=12", "Latte=3", "Coffee=1")
    # Just outside Friday, café local time: not in Friday's report.
    daemon.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-26T23:59:59", "Donut=5")
    daemon.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-28T00:00:00", "Muffin=5")


def test_friday_run_emails_the_exact_report(friday):
    # Given Friday 19:59 with Friday's orders
    place_friday_orders(friday)
    assert reports(friday) == []

    # When the clock advances two minutes
    moved = friday.api("POST", "/_cloudcafe/clock", {"advance": "PT2M"})

    # Then the rule fired once, at 20:00, and exactly one report arrived
    # Each firing says what it led to
    assert moved["fired"] == [{"rule": "salesAnalysisReportDailyTrigger", "time": "2026-11-27T20:00:00Z", "invocations": [{"function": "salesAnalysisReport", "result": "ok"}, {"function": "salesAnalysisReportDataExtractor", "result": "ok"}], "retries": 0, "emails": 1}]
    assert moved["now"] == "2026-11-27T20:01:00Z"
    got = reports(friday)
    assert len(got) == 1
    name, message = got[0]
    assert name.endswith(".eml")
    assert message["From"] == "SARTopic <no-reply@sns.amazonaws.com>"
    assert message["To"] == "admin@example.com"
    assert message["Date"] == "Fri, 27 Nov 2026 20:00:00 +0000"
    assert message["Message-ID"]
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"

    # And its decoded body is the lab's message byte for byte, then SNS's footer
    text = body(message)
    assert text.startswith(golden("lab-menu"))
    assert FOOTER.fullmatch(text[len(golden("lab-menu")):])

    # And each function's log group shows START, END and REPORT
    for function in ("salesAnalysisReport", "salesAnalysisReportDataExtractor"):
        events = friday.api("GET", f"/_cloudcafe/logs?group=/aws/lambda/{function}")["events"]
        lines = [e["message"] for e in events]
        assert re.fullmatch(r"START RequestId: [0-9a-f-]{36} Version: \$LATEST", lines[0])
        assert re.fullmatch(r"END RequestId: [0-9a-f-]{36}", lines[1])
        assert re.fullmatch(
            r"REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms",
            lines[2])
        assert {e["timestamp"] for e in events} == {int(datetime.datetime(2026, 11, 27, 20, tzinfo=datetime.timezone.utc).timestamp() * 1000)}


def test_schedule_over_a_weekend(friday):
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert len(reports(friday)) == 1

    # Sunday 20:01: only Saturday's report is added
    moved = friday.api("POST", "/_cloudcafe/clock", {"set": "2026-11-29T20:01:00Z"})
    assert [(f["rule"], f["time"], f["emails"]) for f in moved["fired"]] == [("salesAnalysisReportDailyTrigger", "2026-11-28T20:00:00Z", 1)]
    got = reports(friday)
    assert [m["Date"] for _, m in got] == ["Fri, 27 Nov 2026 20:00:00 +0000", "Sat, 28 Nov 2026 20:00:00 +0000"]
    saturday = body(got[1][1])
    assert saturday.startswith(golden("no-orders").replace("2026-11-29", "2026-11-28") + "\n\n--\n")

    # Monday 20:01: one more
    moved = friday.api("POST", "/_cloudcafe/clock", {"set": "2026-11-30T20:01:00Z"})
    assert [f["time"] for f in moved["fired"]] == ["2026-11-30T20:00:00Z"]
    assert len(reports(friday)) == 3


def test_cli_tour(friday):
    place_friday_orders(friday)
    assert friday.cli("clock").stdout.strip() == "2026-11-27T19:59:00Z (rate 0)"
    advanced = friday.cli("clock", "advance", "2m").stdout.splitlines()
    assert advanced == ["fired salesAnalysisReportDailyTrigger at 2026-11-27T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email", "now 2026-11-27T20:01:00Z"]
    listing = friday.cli("outbox", "list").stdout.splitlines()
    assert len(listing) == 2
    assert listing[0].endswith("admin@example.com  AWS Notification - Subscription Confirmation")
    assert listing[1].endswith("2026-11-27T20:00:00Z  admin@example.com  Daily Sales Analysis Report")
    shown = friday.cli("outbox", "show", "latest").stdout
    assert "Subject: Daily Sales Analysis Report" in shown
    assert golden("lab-menu") in shown
    logs = friday.cli("logs", "salesAnalysisReport").stdout.splitlines()
    assert logs[0].startswith("2026-11-27T20:00:00Z START RequestId: ")
    assert friday.cli("rules", "next", "salesAnalysisReportDailyTrigger", "--count", "3").stdout.split() == [
        "2026-11-28T20:00:00Z", "2026-11-30T20:00:00Z", "2026-12-01T20:00:00Z"]
    assert friday.cli("clock", "set", "2026-12-01T00:00:00Z").stdout.splitlines() == [
        "fired salesAnalysisReportDailyTrigger at 2026-11-28T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email", "fired salesAnalysisReportDailyTrigger at 2026-11-30T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email",
        "now 2026-12-01T00:00:00Z"]


def test_invoke_directly(friday):
    place_friday_orders(friday)
    out = friday.cli("invoke", "salesAnalysisReport")
    assert out.stdout.strip() == '{"statusCode": 200, "body": "\\"Sale Analysis Report sent.\\""}'
    assert len(reports(friday)) == 1
    failed = friday.cli("invoke", "salesAnalysisReportDataExtractor", '{"dbUrl":"localhost","dbName":"nope","dbUser":"root","dbPassword":"Re:Start!9"}', check=False)
    assert failed.returncode != 0
    assert '"errorType":"Runtime.ExitError"' in failed.stdout
    missing = friday.cli("invoke", "noSuchFunction", check=False)
    assert missing.returncode != 0
    assert "ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:noSuchFunction" in missing.stderr


def test_unsubscribe_link_works(friday):
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    link = FOOTER.search(body(reports(friday)[0][1])).group(1)
    status, page = friday.get(link[len(friday.url):])
    assert status == 200 and b"Subscription removed!" in page
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1d"})
    assert len(reports(friday)) == 1
    status, _ = friday.get(link[len(friday.url):])
    assert status == 404


def test_admin_api_rejects_bad_input(friday):
    import urllib.error
    import urllib.request
    for bad in ({"advance": "soon"}, {"set": "tomorrow"}, {"rate": -1}):
        request = urllib.request.Request(friday.url + "/_cloudcafe/clock", data=__import__("json").dumps(bad).encode(), method="POST")
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError(f"accepted {bad}")
        except urllib.error.HTTPError as e:
            assert e.code == 400
    status, _ = friday.get("/_cloudcafe/outbox/..%2F..%2Fcafe_db.sqlite")
    assert status == 404
    assert friday.api("GET", "/_cloudcafe/health")["status"] == "ok"


def test_reset_returns_to_the_freshly_deployed_stack(friday):
    # Given a Friday run with orders, an IAM denial and a timeline
    place_friday_orders(friday)
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    friday.cli("iam", "explain", check=False)
    # When the daemon is reset
    assert friday.api("POST", "/_cloudcafe/reset") == {"status": "reset", "now": "2026-11-27T19:59:00Z"}
    # Then the clock, the outbox, the orders, the timeline and IAM's history are as at start
    assert [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox")] == ["AWS Notification - Subscription Confirmation"]
    assert friday.api("GET", "/_cloudcafe/timeline")["entries"] == []
    decisions = friday.api("GET", "/_cloudcafe/iam/decisions?limit=200")["decisions"]
    assert {d["time"] for d in decisions} == {"2026-11-27T19:59:00Z"}  # only the deployment's
    # And moving to Friday 20:00 fires the Friday run again, now with no orders
    moved = friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert [f["time"] for f in moved["fired"]] == ["2026-11-27T20:00:00Z"]
    [report] = reports(friday)
    assert "There were no orders today." in body(report[1])
    # The CLI takes a clock too; the outbox filters by recipient, subject and time
    assert friday.cli("reset", "--clock", "2026-11-28T19:59:00Z").stdout.strip() == "reset; now 2026-11-28T19:59:00Z"
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox?subject=Daily")] == ["Daily Sales Analysis Report"]
    assert friday.api("GET", "/_cloudcafe/outbox?to=nobody@example.com") == []
    assert len(friday.api("GET", "/_cloudcafe/outbox?since=2026-11-28T19:59:30Z&until=2026-11-28T20:00:00Z")) == 1


def test_stack_none_deploys_nothing(daemon_factory):
    d = daemon_factory("--stack", "none", "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    assert d.api("GET", "/_cloudcafe/outbox") == []
    assert d.api("POST", "/_cloudcafe/clock", {"advance": "1w"})["fired"] == []
    assert d.cafe_db.exists()


def test_generated_orders_are_reproducible(tmp_path, friday):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (a, b):
        out = friday.offline("orders", "generate", "--cafe-db", str(path), "--from", "2026-11-01", "--days", "30", "--seed", "42").stdout
        assert out.endswith("orders placed from 2026-11-01 over 30 days\n")
    import sqlite3
    dump = lambda p: list(sqlite3.connect(p).execute('SELECT o.order_date_time, o.amount, i.product_id, i.quantity, i.amount FROM "order" o JOIN order_item i USING (order_number) ORDER BY 1, 3'))
    assert dump(a) == dump(b) and len(dump(a)) > 500


def test_long_advance_shows_progress(friday):
    out = friday.cli("clock", "advance", "3w")
    fired = [line for line in out.stdout.splitlines() if line.startswith("fired ")]
    assert len(fired) == 18  # three weeks of Monday-Saturday
    assert fired[0] == "fired salesAnalysisReportDailyTrigger at 2026-11-27T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email"
    assert out.stdout.splitlines()[-1] == "now 2026-12-18T19:59:00Z"
    assert "100% 2026-12-18T19:59:00Z — 18 firings" in out.stderr
    assert len(reports(friday)) == 18
