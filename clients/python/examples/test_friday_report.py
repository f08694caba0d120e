"""The café's Friday report, tested with the pytest plugin (pip install ./clients/python)."""


def test_friday_report_lists_the_day_s_sales(cloudcafe_isolated):
    cafe = cloudcafe_isolated
    cafe.place_order("2026-11-27T14:05:00", "Croissant=1", "Hot Chocolate=2")
    assert cafe.clock.now() == "2026-11-27T19:59:00Z"

    moved = cafe.clock.advance("2m")

    assert [f["rule"] for f in moved["fired"]] == ["salesAnalysisReportDailyTrigger"]
    report = cafe.outbox(subject="Daily Sales Analysis Report")[-1]
    assert report["From"] == "SARTopic <no-reply@sns.amazonaws.com>"
    body = report.get_content()
    assert "Date: 2026-11-27" in body and "Croissant" in body and "Hot Chocolate" in body
    assert any(line.startswith("REPORT RequestId: ") for line in cafe.logs("salesAnalysisReport"))


def test_each_test_starts_from_the_deployment(cloudcafe_isolated):
    assert cloudcafe_isolated.clock.now() == "2026-11-27T19:59:00Z"
    assert cloudcafe_isolated.outbox(subject="Daily") == []
