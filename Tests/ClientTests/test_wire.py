"""The aws CLI and boto3 against the real daemon, with nothing but an endpoint URL."""
import base64
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
    assert moved["fired"] == [{"rule": "salesAnalysisReportDailyTrigger", "time": "2026-11-27T20:00:00Z"}]
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
    logs.put_log_events(logGroupName="/app", logStreamName="s", logEvents=[{"timestamp": 1, "message": "a"}, {"timestamp": 2, "message": "b"}])
    got = logs.get_log_events(logGroupName="/app", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in got] == ["a", "b"]
    assert error_of(lambda: logs.create_log_group(logGroupName="/app"))[0] == "ResourceAlreadyExistsException"
    assert error_of(lambda: logs.get_log_events(logGroupName="/none", logStreamName="s")) == (
        "ResourceNotFoundException", "The specified log group does not exist.", 400)


def test_unimplemented_operations_answer_with_an_aws_error(friday):
    assert error_of(lambda: client(friday, "sns").list_topics())[0] == "InvalidAction"
    assert error_of(lambda: client(friday, "ssm").describe_parameters())[0] == "UnknownOperationException"
    assert error_of(lambda: client(friday, "lambda").list_functions())[0] == "UnknownOperationException"
