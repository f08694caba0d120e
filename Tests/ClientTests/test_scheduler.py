"""EventBridge Scheduler through boto3: one-time and recurring schedules, time zones across
a daylight-saving change, the execution role, ActionAfterCompletion."""
import datetime
import json

from test_wire import client, error_of

TOPIC = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
REPORT = "arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReport"


def scheduler_role(daemon):
    iam = client(daemon, "iam")
    iam.create_role(RoleName="schedulerRole", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="schedulerRole", PolicyName="targets", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "sns:Publish"], "Resource": "*"}]}))
    return "arn:aws:iam::000000000000:role/schedulerRole"


def notices(daemon):
    return [(m["time"]) for m in daemon.api("GET", "/_cloudcafe/outbox") if m["subject"] == "AWS Notification Message"]


def test_one_time_schedule_runs_the_report_and_deletes_itself(friday):
    s = client(friday, "scheduler")
    role = scheduler_role(friday)
    arn = s.create_schedule(Name="tonight", ScheduleExpression="at(2026-11-27T15:30:00)", ScheduleExpressionTimezone="America/New_York",
                            FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": REPORT, "RoleArn": role}, ActionAfterCompletion="DELETE")["ScheduleArn"]
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/default/tonight"
    got = s.get_schedule(Name="tonight")
    assert got["ScheduleExpressionTimezone"] == "America/New_York" and got["State"] == "ENABLED"
    assert friday.cli("schedules", "next", "tonight").stdout.split() == ["2026-11-27T20:30:00Z"]
    moved = friday.api("POST", "/_cloudcafe/clock", {"advance": "1h"})
    [tonight] = [f for f in moved["fired"] if f["rule"] == "default/tonight"]
    assert (tonight["time"], tonight["kind"], tonight["emails"]) == ("2026-11-27T20:30:00Z", "schedule", 1)
    assert [i["function"] for i in tonight["invocations"]] == ["salesAnalysisReport", "salesAnalysisReportDataExtractor"]
    reports = [m["time"] for m in friday.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"]
    assert reports == ["2026-11-27T20:00:00Z", "2026-11-27T20:30:00Z"]
    assert error_of(lambda: s.get_schedule(Name="tonight")) == ("ResourceNotFoundException", "Schedule tonight does not exist.", 404)


def test_recurring_schedule_in_a_time_zone_across_fall_back(daemon_factory):
    d = daemon_factory("--clock-rate", "0", "--start-time", "2026-10-30T12:00:00Z")
    s = client(d, "scheduler")
    role = scheduler_role(d)
    s.create_schedule(Name="lateNight", ScheduleExpression="cron(30 1 * * ? *)", ScheduleExpressionTimezone="America/New_York",
                      FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": TOPIC, "RoleArn": role, "Input": "night check"},
                      EndDate=datetime.datetime(2026, 11, 3, tzinfo=datetime.timezone.utc))
    d.api("POST", "/_cloudcafe/clock", {"advance": "1w"})
    # 01:30 EDT on Oct 31 and Nov 1 (once, though 01:30 happens twice that night), 01:30 EST on Nov 2; then the end date
    assert notices(d) == ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]


def test_schedule_management_and_errors(friday):
    s = client(friday, "scheduler")
    role = scheduler_role(friday)
    s.create_schedule_group(Name="cafe")
    s.create_schedule(Name="hourly", GroupName="cafe", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
                      Target={"Arn": TOPIC, "RoleArn": role, "Input": "tick"}, State="DISABLED")
    assert [x["Name"] for x in s.list_schedules(GroupName="cafe")["Schedules"]] == ["hourly"]
    assert [g["Name"] for g in s.list_schedule_groups()["ScheduleGroups"]] == ["default", "cafe"]
    assert error_of(lambda: s.create_schedule(Name="hourly", GroupName="cafe", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
                                              Target={"Arn": TOPIC, "RoleArn": role}))[0::2] == ("ConflictException", 409)
    assert error_of(lambda: s.create_schedule(Name="bad", ScheduleExpression="cron(0 20 * * * *)", FlexibleTimeWindow={"Mode": "OFF"},
                                              Target={"Arn": TOPIC, "RoleArn": role})) == ("ValidationException", "Invalid Schedule Expression cron(0 20 * * * *).", 400)
    assert error_of(lambda: s.create_schedule(Name="x", GroupName="nope", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
                                              Target={"Arn": TOPIC, "RoleArn": role}))[0] == "ResourceNotFoundException"
    # Disabled: nothing in an hour. Enabled with a flexible window: within 15 minutes after each hour.
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2h"})
    assert notices(friday) == []
    s.update_schedule(Name="hourly", GroupName="cafe", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
                      Target={"Arn": TOPIC, "RoleArn": role, "Input": "tick"}, State="ENABLED")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "3h"})
    times = [datetime.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in notices(friday)]
    base = datetime.datetime(2026, 11, 27, 21, 59, tzinfo=datetime.timezone.utc)
    assert len(times) >= 2
    assert all(datetime.timedelta(0) <= t - (base + datetime.timedelta(hours=i + 1)) < datetime.timedelta(minutes=15) for i, t in enumerate(times))
    s.delete_schedule_group(Name="cafe")
    assert s.list_schedules()["Schedules"] == []


def test_without_a_trusting_role_nothing_is_delivered(friday):
    s = client(friday, "scheduler")
    s.create_schedule(Name="orphan", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"},
                      Target={"Arn": TOPIC, "RoleArn": "arn:aws:iam::000000000000:role/salesAnalysisReportRole", "Input": "x",
                              "RetryPolicy": {"MaximumRetryAttempts": 1}})
    friday.api("POST", "/_cloudcafe/clock", {"advance": "11m"})
    assert notices(friday) == []
    denied = friday.api("GET", "/_cloudcafe/iam/decisions?denied=true")["decisions"]
    assert any(x["principal"] == "scheduler.amazonaws.com" and x["action"] == "sts:AssumeRole" for x in denied)


def test_undeliverable_events_go_to_the_dead_letter_queue(friday):
    s, sqs, iam = client(friday, "scheduler"), client(friday, "sqs"), client(friday, "iam")
    iam.create_role(RoleName="sqsOnly", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="sqsOnly", PolicyName="dlq", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}))
    url = sqs.create_queue(QueueName="schedulerDLQ")["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert error_of(lambda: s.create_schedule(Name="bad", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
                                              Target={"Arn": TOPIC, "RoleArn": "arn:aws:iam::000000000000:role/sqsOnly",
                                                      "DeadLetterConfig": {"Arn": TOPIC}}))[0] == "ValidationException"
    # The role may not publish: each attempt is denied; after the retries the event goes to the DLQ
    s.create_schedule(Name="once", ScheduleExpression="at(2026-11-27T20:30:00)", FlexibleTimeWindow={"Mode": "OFF"},
                      Target={"Arn": TOPIC, "RoleArn": "arn:aws:iam::000000000000:role/sqsOnly", "Input": "hello",
                              "RetryPolicy": {"MaximumRetryAttempts": 2}, "DeadLetterConfig": {"Arn": dlq}})
    friday.api("POST", "/_cloudcafe/clock", {"advance": "32m"})
    # 20:30 and its retries at 20:31 and 20:32: nothing in the queue before the last one fails
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    messages = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"]).get("Messages", [])
    assert len(messages) == 1 and messages[0]["Body"] == "hello"
    attrs = {k: v["StringValue"] for k, v in messages[0]["MessageAttributes"].items()}
    assert attrs["ERROR_CODE"] == "AuthorizationError" and attrs["RETRY_ATTEMPTS"] == "2"
    assert "is not authorized to perform: sns:Publish" in attrs["ERROR_MESSAGE"]


def test_sqs_queues_on_the_virtual_clock(friday):
    sqs = client(friday, "sqs")
    url = sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert url.endswith("/000000000000/orders") and sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    sent = sqs.send_message(QueueUrl=url, MessageBody="latte x3", MessageAttributes={"size": {"DataType": "String", "StringValue": "large"}})
    import hashlib
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"latte x3").hexdigest()
    first = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], MessageAttributeNames=["All"])["Messages"][0]
    assert first["Body"] == "latte x3" and first["Attributes"]["ApproximateReceiveCount"] == "1"
    assert first["MessageAttributes"]["size"]["StringValue"] == "large"
    # Invisible until its visibility timeout passes on the virtual clock
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    friday.api("POST", "/_cloudcafe/clock", {"advance": "61s"})
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert error_of(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"]))[0] == "ReceiptHandleIsInvalid"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "0"
    assert url in sqs.list_queues(QueueNamePrefix="ord")["QueueUrls"]
    sqs.delete_queue(QueueUrl=url)
    # boto3 reports the query-protocol code SQS sends in x-amzn-query-error, as against AWS.
    assert error_of(lambda: sqs.get_queue_url(QueueName="orders"))[0] == "AWS.SimpleQueueService.NonExistentQueue"
