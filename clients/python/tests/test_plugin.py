"""The plugin's own tests: they run against a real daemon through its fixtures."""
import pytest

from pytest_cloudcafe import CloudCafe
from pytest_cloudcafe.daemon import CloudCafeError


def test_the_session_daemon_is_the_cafe_on_a_frozen_clock(cloudcafe: CloudCafe):
    assert cloudcafe.clock.now() == "2026-11-27T19:59:00Z"
    functions = [f["FunctionName"] for f in cloudcafe.client("lambda").list_functions()["Functions"]]
    assert functions == ["salesAnalysisReport", "salesAnalysisReportDataExtractor"]


def test_invoke_logs_outbox_and_timeline(cloudcafe_isolated: CloudCafe):
    cafe = cloudcafe_isolated
    result = cafe.invoke("salesAnalysisReport", {"time": "2026-11-27T20:00:00Z"})
    assert result == {"statusCode": 200, "body": '"Sale Analysis Report sent."'}
    assert [m["Subject"] for m in cafe.outbox()] == ["AWS Notification - Subscription Confirmation", "Daily Sales Analysis Report"]
    assert cafe.outbox(to="nobody@example.com") == []
    assert cafe.logs("salesAnalysisReport")[0].startswith("START RequestId: ")
    assert any(e["kind"] == "invocation" for e in cafe.timeline(function="salesAnalysisReport"))
    with pytest.raises(CloudCafeError):
        cafe.invoke("salesAnalysisReportDataExtractor", {"dbUrl": "nowhere", "dbName": "x", "dbUser": "root", "dbPassword": "?"})


def test_snapshots_and_reset(cloudcafe_isolated: CloudCafe):
    cafe = cloudcafe_isolated
    cafe.clock.advance("2m")
    cafe.snapshot("after-friday")
    cafe.clock.set("2026-11-28T20:01:00Z")
    assert len(cafe.outbox(subject="Daily")) == 2
    cafe.restore("after-friday")
    assert cafe.clock.now() == "2026-11-27T20:01:00Z" and len(cafe.outbox(subject="Daily")) == 1
    cafe.reset(clock="2026-11-28T19:59:00Z")
    assert cafe.clock.now() == "2026-11-28T19:59:00Z" and cafe.outbox(subject="Daily") == []


def test_the_isolated_fixture_undoes_the_previous_test(cloudcafe_isolated: CloudCafe):
    assert cloudcafe_isolated.clock.now() == "2026-11-27T19:59:00Z"
    assert cloudcafe_isolated.outbox(subject="Daily") == []
