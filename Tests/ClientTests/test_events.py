"""EventBridge event patterns, PutEvents and target input shaping, through boto3."""
import datetime
import json

from test_wire import client, error_of

TOPIC = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
REPORT_FN = "arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReport"


def bodies(daemon, subject):
    import email
    out = []
    for m in daemon.api("GET", "/_cloudcafe/outbox"):
        if m["subject"] == subject:
            status, raw = daemon.get("/_cloudcafe/outbox/" + m["file"])
            out.append(email.message_from_bytes(raw).get_payload(decode=True).decode().split("\n\n--\n")[0])
    return out


def allow_eventbridge_to_publish(friday):
    client(friday, "sns").set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": TOPIC}]}))


def test_put_events_reach_matching_rules_with_transformed_input(friday):
    events = client(friday, "events")
    # Without a topic policy naming EventBridge, its deliveries are denied, as in AWS
    events.put_rule(Name="probe", EventPattern=json.dumps({"source": ["probe"]}))
    events.put_targets(Rule="probe", Targets=[{"Id": "t", "Arn": TOPIC}])
    events.put_events(Entries=[{"Source": "probe", "DetailType": "x", "Detail": "{}"}])
    assert bodies(friday, "AWS Notification Message") == []
    events.remove_targets(Rule="probe", Ids=["t"])
    allow_eventbridge_to_publish(friday)
    events.put_rule(Name="bigOrders", EventPattern=json.dumps({"source": ["cafe.orders"], "detail": {"quantity": [{"numeric": [">=", 10]}]}}))
    events.put_targets(Rule="bigOrders", Targets=[{
        "Id": "notify", "Arn": TOPIC,
        "InputTransformer": {"InputPathsMap": {"p": "$.detail.product", "q": "$.detail.quantity", "first": "$.resources[0]"},
                             "InputTemplate": "Big order: <q> x <p> for <first> (rule <aws.events.rule-name>)"}}])
    events.put_rule(Name="allOrders", EventPattern=json.dumps({"source": [{"prefix": "cafe."}]}))
    events.put_targets(Rule="allOrders", Targets=[{"Id": "raw", "Arn": TOPIC, "InputPath": "$.detail"}])
    out = events.put_events(Entries=[
        {"Source": "cafe.orders", "DetailType": "Order Placed", "Detail": json.dumps({"product": "Latte", "quantity": 12}), "Resources": ["table/orders"]},
        {"Source": "cafe.orders", "DetailType": "Order Placed", "Detail": json.dumps({"product": "Donut", "quantity": 2})},
        {"Source": "cafe.orders", "DetailType": "Order Placed", "Detail": "not json"},
    ])
    assert out["FailedEntryCount"] == 1
    assert out["Entries"][2]["ErrorCode"] == "InvalidArgument"
    assert all("EventId" in e for e in out["Entries"][:2])
    notices = bodies(friday, "AWS Notification Message")
    assert notices == ['{"product":"Latte","quantity":12}', "Big order: 12 x Latte for table/orders (rule bigOrders)", '{"product":"Donut","quantity":2}']


def test_a_pattern_rule_can_run_the_report(friday):
    events = client(friday, "events")
    events.put_rule(Name="onDemand", EventPattern=json.dumps({"detail-type": ["Report Requested"]}))
    events.put_targets(Rule="onDemand", Targets=[{"Id": "report", "Arn": "arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReport"}])
    client(friday, "lambda").add_permission(FunctionName="salesAnalysisReport", StatementId="onDemand", Action="lambda:InvokeFunction",
                                            Principal="events.amazonaws.com", SourceArn="arn:aws:events:us-east-1:000000000000:rule/onDemand")
    events.put_events(Entries=[{"Source": "cafe.manager", "DetailType": "Report Requested", "Detail": "{}"}])
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1s"})  # waits for the asynchronous invocation
    assert len(bodies(friday, "Daily Sales Analysis Report")) == 1


def test_invalid_patterns_are_refused(friday):
    events = client(friday, "events")
    assert error_of(lambda: events.put_rule(Name="bad", EventPattern='{"source":"cafe"}'))[0::2] == ("InvalidEventPatternException", 400)
    assert error_of(lambda: events.put_rule(Name="bad", EventPattern="nope"))[0] == "InvalidEventPatternException"


def test_put_rule_with_the_aws_cli(friday):
    import os
    import subprocess
    from test_wire import VENV_BIN
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    aws = [VENV_BIN + "/aws", "--endpoint-url", friday.url, "events"]
    ok = subprocess.run(aws + ["put-rule", "--name", "firstFriday", "--schedule-expression", "cron(0 9 ? * 6#1 *)"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["RuleArn"] == "arn:aws:events:us-east-1:000000000000:rule/firstFriday"
    for bad in ("cron(0 9 * * 6#1 *)", "cron(0 9 ? * 6#6 *)", "rate(1 hours)", "cron(bogus)"):
        out = subprocess.run(aws + ["put-rule", "--name", "bad", "--schedule-expression", bad], env=env, capture_output=True, text=True)
        assert out.returncode != 0
        assert "An error occurred (ValidationException) when calling the PutRule operation: Parameter ScheduleExpression is not valid." in out.stderr
    assert friday.cli("rules", "next", "firstFriday", "--count", "3").stdout.split() == [
        "2026-12-04T09:00:00Z", "2027-01-01T09:00:00Z", "2027-02-05T09:00:00Z"]


def test_a_month_of_time_travel_fires_exactly_the_schedule(friday):
    moved = friday.api("POST", "/_cloudcafe/clock", {"set": "2026-12-31T23:00:00Z"})
    times = [f["time"] for f in moved["fired"]]
    expected = []
    day = datetime.date(2026, 11, 27)
    while day <= datetime.date(2026, 12, 31):
        if day.weekday() != 6:  # Monday to Saturday
            expected.append(f"{day.isoformat()}T20:00:00Z")
        day += datetime.timedelta(days=1)
    assert times == expected
    assert len([m for m in friday.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"]) == len(expected)


def test_sns_delivers_to_lambda_and_email_json_subscribers(friday):
    sns, lam = client(friday, "sns"), client(friday, "lambda")
    topic = sns.create_topic(Name="reportRequests")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=REPORT_FN)
    # Without a permission for sns.amazonaws.com the function is not invoked
    sns.publish(TopicArn=topic, Message="run it")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1s"})
    assert len(bodies(friday, "Daily Sales Analysis Report")) == 0
    lam.add_permission(FunctionName="salesAnalysisReport", StatementId="fromSNS", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com", SourceArn=topic)
    sns.publish(TopicArn=topic, Message="run it")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1s"})
    assert len(bodies(friday, "Daily Sales Analysis Report")) == 1
    # email-json subscribers get the notification document
    sns.subscribe(TopicArn=TOPIC, Protocol="email-json", Endpoint="robot@example.com")
    status, raw = friday.get("/_cloudcafe/outbox/latest")
    import email as email_lib
    link = next(l for l in email_lib.message_from_bytes(raw).get_payload(decode=True).decode().splitlines() if "/confirmation.html?" in l)
    friday.get(link[len(friday.url):])
    sns.publish(TopicArn=TOPIC, Message="hello robots", Subject="Robots")
    robot = [m for m in friday.api("GET", "/_cloudcafe/outbox") if m["to"] == "robot@example.com" and m["subject"] == "Robots"]
    status, raw = friday.get("/_cloudcafe/outbox/" + robot[0]["file"])
    doc = json.loads(email_lib.message_from_bytes(raw).get_payload(decode=True).decode())
    assert doc["Type"] == "Notification" and doc["Message"] == "hello robots" and doc["TopicArn"] == TOPIC


def test_test_event_pattern_matches_as_rules_do(friday):
    events = client(friday, "events")
    event = json.dumps({"id": "1", "account": "000000000000", "source": "cafe.orders", "time": "2026-11-27T20:00:00Z",
                        "region": "us-east-1", "resources": [], "detail-type": "Order Placed",
                        "detail": {"total": 12.5, "ip": "10.0.0.17", "items": [{"name": "latte", "size": "L"}, {"name": "scone", "size": "S"}]}})

    def test(pattern):
        return events.test_event_pattern(EventPattern=json.dumps(pattern), Event=event)["Result"]

    assert test({"source": [{"prefix": "cafe."}], "detail": {"total": [{"numeric": [">", 10, "<=", 20]}]}})
    assert test({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}})
    assert not test({"detail": {"items": {"name": ["latte"], "size": ["S"]}}})
    assert test({"$or": [{"source": ["other"]}, {"detail.total": [12.5]}]})
    code, message, status = error_of(lambda: events.test_event_pattern(EventPattern='{"source": "cafe"}', Event=event))
    assert (code, status) == ("InvalidEventPatternException", 400)
    assert message == ('Event pattern is not valid. Reason: "source" must be an object or an array\n'
                       ' at [Source: (String)"{"source": "cafe"}"; line: 1, column: 13]')
    assert error_of(lambda: events.test_event_pattern(EventPattern='{"source": ["cafe"]}', Event='{"source": "cafe"}')) == (
        "InvalidEventPatternException", "Parameter Event is not valid.", 400)
