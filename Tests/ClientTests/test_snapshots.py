"""Snapshots of the whole daemon, as a test suite uses them: save after deployment, change
everything, load, and find the deployment again — clock, resources, orders, emails."""
from test_cafe_report import body, place_friday_orders, reports
from test_runtimes import deploy
from test_wire import client, error_of


def test_load_puts_everything_back(friday):
    # Given a snapshot of the freshly deployed Friday
    saved = friday.api("POST", "/_cloudcafe/state/save", {"name": "deployed"})
    assert (saved["status"], saved["now"]) == ("saved", "2026-11-27T19:59:00Z")
    # When a test changes everything: orders, a run, a function, a parameter, a queue message, the clock
    place_friday_orders(friday)
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    deploy(friday, "extra", "def handler(event, context):\n    return 1\n")
    client(friday, "ssm").put_parameter(Name="/cafe/dbName", Value="changed", Type="String", Overwrite=True)
    sqs = client(friday, "sqs")
    queue = sqs.create_queue(QueueName="temp")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="left over")
    assert len(reports(friday)) == 1
    # Then loading the snapshot puts back the deployment as it was
    loaded = friday.api("POST", "/_cloudcafe/state/load", {"name": "deployed"})
    assert (loaded["status"], loaded["now"]) == ("loaded", "2026-11-27T19:59:00Z")
    assert reports(friday) == []
    assert [f["FunctionName"] for f in client(friday, "lambda").list_functions()["Functions"]] == ["salesAnalysisReport", "salesAnalysisReportDataExtractor"]
    assert client(friday, "ssm").get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert sqs.list_queues().get("QueueUrls", []) == []
    # (the calls just made are the timeline's only entries: the run and the changes are gone)
    assert {e["kind"] for e in friday.api("GET", "/_cloudcafe/timeline")["entries"]} <= {"call"}
    # And the Friday run happens again, on the orders of the snapshot (none)
    moved = friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert [f["time"] for f in moved["fired"]] == ["2026-11-27T20:00:00Z"]
    [report] = reports(friday)
    assert "There were no orders today." in body(report[1])


def test_snapshots_are_named_listed_and_reloaded_again_and_again(friday):
    place_friday_orders(friday)
    assert friday.cli("state", "save", "with-orders").stdout.startswith("saved with-orders at 2026-11-27T19:59:00Z")
    for _ in range(3):
        friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
        [report] = reports(friday)
        assert "Product Group: Pastries" in body(report[1])
        assert friday.cli("state", "load", "with-orders").stdout.startswith("loaded with-orders; now 2026-11-27T19:59:00Z")
    assert friday.cli("state", "list").stdout.split() == ["with-orders", "2026-11-27T19:59:00Z"]
    missing = friday.cli("state", "load", "nope", check=False)
    assert missing.returncode != 0 and "no snapshot named nope" in missing.stderr
    bad = friday.cli("state", "save", "../x", check=False)
    assert bad.returncode != 0 and "1 to 64 letters" in bad.stderr
