"""The aws CLI and boto3 against the real daemon, with nothing but an endpoint URL."""
import base64
import datetime
import os
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REPO

VENV_BIN = str(Path(__file__).resolve().parents[2] / ".venv" / "bin")


def client(daemon, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=daemon.url, region_name=region, aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    e = info.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_lab_deployed_by_the_aws_cli(daemon_factory):
    # Given an empty CloudCafe
    d = daemon_factory("--stack", "none", "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ["PATH"], "ENDPOINT": d.url}
    # When the lab is deployed with the lab's aws CLI commands and invoked once
    out = subprocess.run(["bash", str(REPO / "docs" / "deploy-lab.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '{"statusCode": 200, "body": "\\"Sale Analysis Report sent.\\""}'
    # Then the direct run emailed, and the scheduled rule fires at 20:00 and emails again
    moved = d.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert [(f["rule"], f["time"], f["emails"]) for f in moved["fired"]] == [("salesAnalysisReportDailyTrigger", "2026-11-27T20:00:00Z", 1)]
    subjects = [m["subject"] for m in d.api("GET", "/_cloudcafe/outbox")]
    assert subjects == ["AWS Notification - Subscription Confirmation", "Daily Sales Analysis Report", "Daily Sales Analysis Report"]


def test_sts_and_ssm(friday):
    sts, ssm = client(friday, "sts"), client(friday, "ssm")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    assert ssm.get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert ssm.put_parameter(Name="/secret", Value="s3cr3t", Type="SecureString")["Version"] == 1
    assert ssm.get_parameter(Name="/secret")["Parameter"]["Value"] != "s3cr3t"
    assert ssm.get_parameter(Name="/secret", WithDecryption=True)["Parameter"]["Value"] == "s3cr3t"
    assert error_of(lambda: ssm.get_parameter(Name="/nope")) == ("ParameterNotFound", "Parameter /nope not found.", 400)
    assert error_of(lambda: ssm.put_parameter(Name="/secret", Value="x", Type="String"))[0] == "ParameterAlreadyExists"
    # Regions are kept apart.
    assert error_of(lambda: client(friday, "ssm", "eu-west-1").get_parameter(Name="/cafe/dbName"))[0] == "ParameterNotFound"


def test_lambda(friday):
    lam = client(friday, "lambda")
    config = lam.get_function_configuration(FunctionName="salesAnalysisReport")
    assert config["Handler"] == "salesAnalysisReport.lambda_handler"
    assert config["Environment"]["Variables"]["topicARN"] == "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
    out = lam.invoke(FunctionName="salesAnalysisReport", LogType="Tail")
    assert out["StatusCode"] == 200 and "FunctionError" not in out
    assert out["Payload"].read() == b'{"statusCode": 200, "body": "\\"Sale Analysis Report sent.\\""}'
    assert base64.b64decode(out["LogResult"]).decode().startswith("START RequestId: ")
    failed = lam.invoke(FunctionName="salesAnalysisReportDataExtractor", Payload=b'{"dbUrl":"localhost","dbName":"x","dbUser":"root","dbPassword":"p"}')
    assert failed["FunctionError"] == "Unhandled"
    assert b'"errorType":"Runtime.ExitError"' in failed["Payload"].read()
    assert lam.invoke(FunctionName="salesAnalysisReport", InvocationType="DryRun")["StatusCode"] == 204
    assert lam.invoke(FunctionName="salesAnalysisReport", InvocationType="Event")["StatusCode"] == 202
    assert error_of(lambda: lam.get_function_configuration(FunctionName="nope")) == (
        "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope", 404)
    assert error_of(lambda: lam.invoke(FunctionName="salesAnalysisReport", Payload=b"{oops"))[0] == "InvalidRequestContentException"


def test_sns(friday):
    sns = client(friday, "sns")
    arn = sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:000000000000:orders"
    assert sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="chef@example.com")["SubscriptionArn"] == "pending confirmation"
    assert friday.api("GET", "/_cloudcafe/outbox")[-1]["subject"] == "AWS Notification - Subscription Confirmation"
    assert sns.publish(TopicArn=arn, Message="hello")["MessageId"]
    assert error_of(lambda: sns.publish(TopicArn=arn + "x", Message="hi")) == ("NotFound", "Topic does not exist", 404)
    assert error_of(lambda: sns.publish(TopicArn=arn, Message="hi", Subject="x" * 101)) == ("InvalidParameter", "Invalid parameter: Subject", 400)
    assert error_of(lambda: sns.confirm_subscription(TopicArn=arn, Token="bad"))[0] == "InvalidParameter"


def test_events_and_logs(friday):
    events, logs = client(friday, "events"), client(friday, "logs")
    assert events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")["RuleArn"] == "arn:aws:events:us-east-1:000000000000:rule/hourly"
    assert error_of(lambda: events.put_rule(Name="bad", ScheduleExpression="cron(0 20 * * * *)")) == (
        "ValidationException", "Parameter ScheduleExpression is not valid.", 400)
    logs.create_log_group(logGroupName="/app")
    logs.create_log_stream(logGroupName="/app", logStreamName="s")
    now = int(datetime.datetime.fromisoformat(friday.api("GET", "/_cloudcafe/clock")["now"].replace("Z", "+00:00")).timestamp() * 1000)
    put = logs.put_log_events(logGroupName="/app", logStreamName="s", logEvents=[
        {"timestamp": 1, "message": "1970"}, {"timestamp": now, "message": "a"}, {"timestamp": now + 1, "message": "b"},
        {"timestamp": now + 3 * 3_600_000, "message": "too new"}])
    # Events too far in the past or the future are refused one by one, as CloudWatch Logs does.
    assert put["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 0, "tooNewLogEventStartIndex": 3}
    got = logs.get_log_events(logGroupName="/app", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in got] == ["a", "b"]
    assert error_of(lambda: logs.put_log_events(logGroupName="/app", logStreamName="s", logEvents=[
        {"timestamp": now - 2 * 86_400_000, "message": "x"}, {"timestamp": now, "message": "y"}])) == (
        "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.", 400)
    assert error_of(lambda: logs.create_log_group(logGroupName="/app"))[0] == "ResourceAlreadyExistsException"
    assert error_of(lambda: logs.get_log_events(logGroupName="/none", logStreamName="s")) == (
        "ResourceNotFoundException", "The specified log group does not exist.", 400)


def test_unimplemented_operations_answer_with_an_aws_error(friday):
    assert error_of(lambda: client(friday, "sns").create_platform_application(Name="a", Platform="GCM", Attributes={}))[0] == "InvalidAction"
    assert error_of(lambda: client(friday, "ssm").label_parameter_version(Name="/cafe/dbName", Labels=["x"]))[0] == "UnknownOperationException"
    assert error_of(lambda: client(friday, "lambda").list_function_url_configs(FunctionName="salesAnalysisReport"))[0] == "UnknownOperationException"


def test_pagination(friday):
    ssm = client(friday, "ssm")
    pages = list(ssm.get_paginator("get_parameters_by_path").paginate(Path="/cafe", Recursive=True, PaginationConfig={"PageSize": 2}))
    assert [len(p["Parameters"]) for p in pages] == [2, 2, 2, 1]
    assert [p["Name"] for page in pages for p in page["Parameters"]][:2] == ["/cafe/currency", "/cafe/dbName"]
    assert len(ssm.describe_parameters(MaxResults=3)["Parameters"]) == 3
    lam = client(friday, "lambda")
    names = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 1}) for f in page["Functions"]]
    assert names == ["salesAnalysisReport", "salesAnalysisReportDataExtractor"]
    iam = client(friday, "iam")
    first = iam.list_roles(MaxItems=1)
    assert first["IsTruncated"] and len(first["Roles"]) == 1
    assert len(iam.list_roles(Marker=first["Marker"])["Roles"]) == 1
    events = client(friday, "events")
    for i in range(3):
        events.put_rule(Name=f"r{i}", ScheduleExpression="rate(1 day)")
    listed = events.list_rules(NamePrefix="r", Limit=2)
    assert [r["Name"] for r in listed["Rules"]] == ["r0", "r1"]
    assert [r["Name"] for r in events.list_rules(NamePrefix="r", NextToken=listed["NextToken"])["Rules"]] == ["r2"]


def test_iam_and_sts(friday):
    iam, sts = client(friday, "iam"), client(friday, "sts")
    role = iam.get_role(RoleName="salesAnalysisReportRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert sorted(p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="salesAnalysisReportRole")["AttachedPolicies"]) == [
        "AWSLambdaRole", "AmazonSNSFullAccess", "AmazonSSMReadOnlyAccess"]
    assert iam.list_role_policies(RoleName="salesAnalysisReportRole")["PolicyNames"] == ["AWSLambdaBasicRunRole"]
    assert {p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]} >= {
        "arn:aws:iam::aws:policy/AmazonSNSFullAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"}
    assert error_of(lambda: iam.delete_role(RoleName="salesAnalysisReportRole")) == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    assert error_of(lambda: iam.get_role(RoleName="nope")) == ("NoSuchEntity", "The role with name nope cannot be found.", 404)
    assert error_of(lambda: iam.create_role(RoleName="salesAnalysisReportRole", AssumeRolePolicyDocument="{}"))[0:2] == (
        "EntityAlreadyExists", "Role with name salesAnalysisReportRole already exists.")
    policy = iam.create_policy(PolicyName="readLogs", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}')["Policy"]
    assert policy["Arn"] == "arn:aws:iam::000000000000:policy/readLogs" and policy["DefaultVersionId"] == "v1"
    assert iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")["PolicyVersion"]["Document"]["Statement"][0]["Action"] == "logs:Get*"
    assert error_of(lambda: iam.create_policy(PolicyName="bad", PolicyDocument="{not json"))[0] == "MalformedPolicyDocument"

    # Keys identify their user; AssumeRole's credentials act as the role's session.
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    iam.create_access_key(UserName="alice")
    assert error_of(lambda: iam.create_access_key(UserName="alice"))[0] == "LimitExceeded"
    alice = boto3.client("sts", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert alice.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/alice"
    # Root cannot assume roles; a user can, when its policy and the role's trust policy allow it.
    assert error_of(lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="demo")) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)
    alice_sts = boto3.client("sts", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    denied = error_of(lambda: alice_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="demo"))
    assert denied == ("AccessDenied", "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: "
                      "arn:aws:iam::000000000000:role/salesAnalysisReportRole because no identity-based policy allows the sts:AssumeRole action", 403)
    iam.put_user_policy(UserName="alice", PolicyName="assume", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}')
    # The role's trust policy must allow it too.
    assert error_of(lambda: alice_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="demo"))[1].endswith(
        "because no resource-based policy allows the sts:AssumeRole action")
    iam.update_assume_role_policy(RoleName="salesAnalysisReportRole", PolicyDocument='{"Version":"2012-10-17","Statement":['
                                  '{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},'
                                  '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}')
    creds = alice_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="demo")
    assert creds["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/demo"
    c = creds["Credentials"]
    session = boto3.client("sts", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                           aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    assert session.get_caller_identity()["Arn"] == "arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/demo"
    # Session credentials expire on the virtual clock, and then act as no one.
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2h"})
    assert error_of(lambda: session.get_caller_identity()) == ("ExpiredToken", "The security token included in the request is expired", 403)


def test_events_management(friday):
    events = client(friday, "events")
    rule = events.describe_rule(Name="salesAnalysisReportDailyTrigger")
    assert rule["ScheduleExpression"] == "cron(0 20 ? * MON-SAT *)" and rule["State"] == "ENABLED"
    assert rule["Description"] == "Initiates report generation on a daily basis"
    fn = "arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReport"
    assert events.list_rule_names_by_target(TargetArn=fn)["RuleNames"] == ["salesAnalysisReportDailyTrigger"]
    assert error_of(lambda: events.delete_rule(Name="salesAnalysisReportDailyTrigger")) == ("ValidationException", "Rule can't be deleted since it has targets.", 400)
    # A disabled rule does not fire; a removed target is not invoked.
    events.disable_rule(Name="salesAnalysisReportDailyTrigger")
    assert friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})["fired"] == []
    events.enable_rule(Name="salesAnalysisReportDailyTrigger")
    events.remove_targets(Rule="salesAnalysisReportDailyTrigger", Ids=["salesAnalysisReport"])
    assert len(friday.api("POST", "/_cloudcafe/clock", {"advance": "1d"})["fired"]) == 1
    assert [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox")] == ["AWS Notification - Subscription Confirmation"]
    events.delete_rule(Name="salesAnalysisReportDailyTrigger")
    assert error_of(lambda: events.describe_rule(Name="salesAnalysisReportDailyTrigger")) == (
        "ResourceNotFoundException", "Rule salesAnalysisReportDailyTrigger does not exist.", 400)
    arn = events.put_rule(Name="tagged", ScheduleExpression="rate(5 minutes)")["RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "cafe"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "cafe"}]


def test_sns_confirmation_flow(friday):
    sns = client(friday, "sns")
    arn = sns.create_topic(Name="kitchen")["TopicArn"]
    assert sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="chef@example.com")["SubscriptionArn"] == "pending confirmation"
    sns.publish(TopicArn=arn, Message="not yet")
    subjects = lambda: [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox") if m["to"] == "chef@example.com"]
    assert subjects() == ["AWS Notification - Subscription Confirmation"]
    assert [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]] == ["PendingConfirmation"]
    # The link in the confirmation email confirms it, as in AWS.
    status, raw = friday.get("/_cloudcafe/outbox/latest")
    import email as email_lib
    body = email_lib.message_from_bytes(raw).get_payload(decode=True).decode()
    link = next(line for line in body.splitlines() if "/confirmation.html?" in line)
    status, page = friday.get(link[len(friday.url):])
    assert status == 200 and b"Subscription confirmed!" in page
    sub = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"][0]["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["SubscriptionsConfirmed"] == "1"
    sns.publish(TopicArn=arn, Message="now", Subject="Order up")
    out = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{"Id": "1", "Message": "a"}, {"Id": "2", "Message": "b", "Subject": "x" * 101}])
    assert [s["Id"] for s in out["Successful"]] == ["1"] and [f["Id"] for f in out["Failed"]] == ["2"]
    assert subjects() == ["AWS Notification - Subscription Confirmation", "Order up", "AWS Notification Message"]
    sns.unsubscribe(SubscriptionArn=sub)
    sns.publish(TopicArn=arn, Message="gone")
    assert len(subjects()) == 3
    sns.delete_topic(TopicArn=arn)
    assert arn not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]


def test_lambda_management(friday):
    lam = client(friday, "lambda")
    fn = lam.get_function(FunctionName="salesAnalysisReport")
    import urllib.request
    with urllib.request.urlopen(fn["Code"]["Location"]) as r:
        assert r.read()[:2] == b"PK"
    policy = __import__("json").loads(lam.get_policy(FunctionName="salesAnalysisReport")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"] == "arn:aws:events:us-east-1:000000000000:rule/salesAnalysisReportDailyTrigger"
    assert lam.list_layers()["Layers"][0]["LatestMatchingVersion"]["LayerVersionArn"] == "arn:aws:lambda:us-east-1:000000000000:layer:pymysqlLibrary:1"
    assert lam.get_layer_version(LayerName="pymysqlLibrary", VersionNumber=1)["Description"] == "PyMySQL library modules"
    arn = fn["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"team": "cafe", "tmp": "1"})
    lam.untag_resource(Resource=arn, TagKeys=["tmp"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "cafe"}
    lam.delete_function(FunctionName="salesAnalysisReportDataExtractor")
    assert error_of(lambda: lam.get_function(FunctionName="salesAnalysisReportDataExtractor"))[0] == "ResourceNotFoundException"


def test_logs_cli(friday):
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    aws = [VENV_BIN + "/aws", "--endpoint-url", friday.url]
    filtered = subprocess.run(aws + ["logs", "filter-log-events", "--log-group-name", "/aws/lambda/salesAnalysisReport", "--filter-pattern", "REPORT"],
                              env=env, capture_output=True, text=True, check=True)
    events = __import__("json").loads(filtered.stdout)["events"]
    assert len(events) == 1 and events[0]["message"].startswith("REPORT RequestId: ")
    logs = client(friday, "logs")
    # What AWS CLI v2's `aws logs tail` asks (v1, the one PyPI has, lacks the verb): events since a time, interleaved.
    since = int(datetime.datetime(2026, 11, 27, 19, 59, tzinfo=datetime.timezone.utc).timestamp() * 1000)
    tail = logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReportDataExtractor", startTime=since, interleaved=True)["events"]
    assert [e["message"].split(" ")[0] for e in tail] == ["START", "END", "REPORT"]
    assert logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReportDataExtractor", startTime=since + 120_000)["events"] == []
    stream = logs.describe_log_streams(logGroupName="/aws/lambda/salesAnalysisReport")["logStreams"][0]["logStreamName"]
    first = logs.get_log_events(logGroupName="/aws/lambda/salesAnalysisReport", logStreamName=stream, startFromHead=True, limit=2)
    assert [e["message"][:5] for e in first["events"]] == ["START", "END R"]
    rest = logs.get_log_events(logGroupName="/aws/lambda/salesAnalysisReport", logStreamName=stream, nextToken=first["nextForwardToken"])
    assert [e["message"][:6] for e in rest["events"]] == ["REPORT"]
    logs.put_retention_policy(logGroupName="/aws/lambda/salesAnalysisReport", retentionInDays=7)
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/salesAnalysisReport")["logGroups"][0]["retentionInDays"] == 7
    # Eight virtual days later Friday's events have expired
    friday.api("POST", "/_cloudcafe/clock", {"set": "2026-12-05T19:00:00Z"})
    expired = logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReport", endTime=since + 86_400_000)["events"]
    assert expired == []
    assert error_of(lambda: logs.put_retention_policy(logGroupName="/aws/lambda/salesAnalysisReport", retentionInDays=8))[0] == "InvalidParameterException"


def test_sns_topic_tags(friday):
    import pytest
    sns = client(friday, "sns")
    arn = sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "cafe"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "barista"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "barista"}]
    sns.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "barista"}]
    with pytest.raises(sns.exceptions.ResourceNotFoundException) as missing:
        sns.list_tags_for_resource(ResourceArn="arn:aws:sns:us-east-1:000000000000:missing")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(sns.exceptions.TagLimitExceededException):
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert len(sns.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 1
