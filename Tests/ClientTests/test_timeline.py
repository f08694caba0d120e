"""The cause → effect timeline: the admin API, `cloudcafe timeline`, and OpenTelemetry
traces sent to a collector on loopback."""
import http.server
import json
import threading
import time

from test_cafe_report import place_friday_orders
from test_wire import client


def entries(d, query=""):
    out, token = [], "0"
    while token:
        page = d.api("GET", f"/_cloudcafe/timeline?nextToken={token}&limit=7{query}")
        out += page["entries"]
        token = page.get("nextToken")
    return out


def test_the_friday_run_is_one_tree_from_the_rule_to_the_email(friday):
    place_friday_orders(friday)
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    run = entries(friday, "&rule=salesAnalysisReportDailyTrigger")
    by_id = {e["id"]: e for e in run}
    [firing] = [e for e in run if e["kind"] == "firing"]
    assert firing["rule"] == "salesAnalysisReportDailyTrigger" and firing["time"] == "2026-11-27T20:00:00Z" and "cause" not in firing
    invocations = {e["function"]: e for e in run if e["kind"] == "invocation"}
    report, extractor = invocations["salesAnalysisReport"], invocations["salesAnalysisReportDataExtractor"]
    assert report["cold"] is True and report["result"] == "ok" and float(report["durationMs"]) > 0
    # The report is an effect of the firing; EventBridge's Invoke (and IAM's decision on it) sits beside it
    assert report["cause"] == firing["id"]
    [delivery] = [e for e in run if e["kind"] == "call" and e["caller"] == "events.amazonaws.com"]
    assert (delivery["operation"], delivery["cause"], delivery["decision"]) == ("Invoke", firing["id"], "allowed")
    assert delivery["statement"] == "resource-based policy/salesAnalysisReportDailyTrigger-invoke" or delivery["statement"].startswith("resource-based policy/")
    # The report's own calls, decided by IAM with the deciding statement
    calls = [e for e in run if e["kind"] == "call" and e.get("cause") == report["id"]]
    assert [c["operation"] for c in calls] == ["GetParameter"] * 5 + ["Invoke", "Publish"]
    assert all(c["decision"] == "allowed" for c in calls)
    publish = calls[-1]
    assert publish["statement"].startswith("AmazonSNSFullAccess/")
    assert by_id[extractor["cause"]]["operation"] == "Invoke" and by_id[extractor["cause"]]["cause"] == report["id"]
    # Under Publish, the email file
    [email] = [e for e in run if e["kind"] == "delivery"]
    assert email["cause"] == publish["id"] and email["subject"] == "Daily Sales Analysis Report"
    assert email["file"].endswith(".eml") and (friday.outbox / "new" / email["file"]).exists()
    # Filters by function and time
    assert {e["function"] for e in entries(friday, "&function=salesAnalysisReportDataExtractor") if e["kind"] == "invocation"} == {
        "salesAnalysisReportDataExtractor"}
    assert entries(friday, "&until=2026-11-27T19:59:59Z") == []
    # The terminal tree
    tree = friday.cli("timeline", "--rule", "salesAnalysisReportDailyTrigger").stdout.splitlines()
    assert tree[0] == "2026-11-27T20:00:00Z rule salesAnalysisReportDailyTrigger fired"
    assert tree[1].startswith("  2026-11-27T20:00:00Z call lambda.Invoke as events.amazonaws.com: allowed")
    assert tree[2].startswith("  2026-11-27T20:00:00Z invocation salesAnalysisReport (cold, ")
    assert tree[3].startswith("    2026-11-27T20:00:00Z call ssm.GetParameter as ")
    assert any(line.startswith("      2026-11-27T20:00:00Z invocation salesAnalysisReportDataExtractor (cold, ") for line in tree)
    assert tree[-2].startswith("    2026-11-27T20:00:00Z call sns.Publish as ")
    assert tree[-1].startswith("      2026-11-27T20:00:00Z email to admin@example.com: ")


def test_denials_retries_and_skipped_deliveries_say_why(friday):
    sns = client(friday, "sns")
    topic = sns.create_topic(Name="news")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="someone@example.com")
    sns.publish(TopicArn=topic, Message="hello")
    skipped = [e for e in entries(friday) if e["kind"] == "delivery" and e.get("skipped")]
    assert skipped and skipped[-1]["skipped"] == "the subscription is pending confirmation" and skipped[-1]["endpoint"] == "someone@example.com"
    # A denied call shows IAM's decision and the error
    iam = client(friday, "iam")
    iam.detach_role_policy(RoleName="salesAnalysisReportRole", PolicyArn="arn:aws:iam::aws:policy/AmazonSNSFullAccess")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    run = entries(friday, "&rule=salesAnalysisReportDailyTrigger")
    publish = [e for e in run if e["kind"] == "call" and e["operation"] == "Publish"][0]
    assert publish["decision"] == "implicitDeny" and publish["error"] == "AuthorizationError"
    report = [e for e in run if e["kind"] == "invocation" and e["function"] == "salesAnalysisReport"][0]
    assert report["result"] == "AuthorizationErrorException"
    # The failed asynchronous invocation is retried a minute later, under the retry entry
    retry, again = [e for e in run if e["kind"] == "retry"]
    assert retry["cause"] == report["id"] and retry["due"] == "2026-11-27T20:01:00Z" and retry["reason"] == "function error"
    [second] = [e for e in run if e["kind"] == "invocation" and e.get("cause") == retry["id"]]
    assert (second["attempt"], second["requestId"]) == (2, report["requestId"])
    assert again["cause"] == second["id"] and again["due"] == "2026-11-27T20:03:00Z"


class Collector(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Collector.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_traces_go_to_an_otlp_collector(daemon_factory):
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        d = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z", "--otlp-endpoint", f"http://127.0.0.1:{server.server_port}")
        d.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
        deadline = time.monotonic() + 5
        spans = []
        while time.monotonic() < deadline and not any(s["name"] == "deliver email" for s in spans):
            time.sleep(0.1)
            spans = [s for path, body in Collector.received for rs in body["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
        assert all(path == "/v1/traces" for path, _ in Collector.received)
        [firing] = [s for s in spans if s["name"] == "fire salesAnalysisReportDailyTrigger"]
        trace = [s for s in spans if s["traceId"] == firing["traceId"]]
        names = [s["name"] for s in trace]
        for expected in ["lambda.Invoke", "invoke salesAnalysisReport", "ssm.GetParameter", "invoke salesAnalysisReportDataExtractor", "sns.Publish",
                         "deliver email"]:
            assert expected in names
        by_span = {s["spanId"]: s for s in trace}
        report = next(s for s in trace if s["name"] == "invoke salesAnalysisReport")
        assert by_span[report["parentSpanId"]] == firing
        assert int(firing["startTimeUnixNano"]) == 1795809600 * 10**9
    finally:
        server.shutdown()


def test_a_process_functions_sdk_calls_sit_under_its_invocation(friday):
    from test_runtimes import deploy, invoke
    lam = deploy(friday, "reader", "import boto3\ndef handler(event, context):\n    return boto3.client('ssm').get_parameter(Name='/cafe/dbName')['Parameter']['Value']\n")
    assert invoke(lam, "reader")[:2] == (None, "cafe_db")
    run = entries(friday, "&function=reader")
    [invocation] = [e for e in run if e["kind"] == "invocation"]
    [call] = [e for e in run if e["kind"] == "call"]
    assert (call["operation"], call["cause"], call["caller"]) == ("GetParameter", invocation["id"], "arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/reader")
    # Once the invocation has ended, the session's calls are its own again
    assert friday.api("GET", "/_cloudcafe/health")["status"] == "ok"
