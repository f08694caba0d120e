"""Input validation from botocore's models, over each protocol, with AWS's codes and words.

botocore checks some constraints itself; these clients switch that off, as an SDK in
another language would not have it, so the daemon's own answers are what is asserted.
"""
import boto3
from botocore.config import Config

from test_wire import error_of


def raw_client(daemon, service):
    return boto3.client(service, endpoint_url=daemon.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def test_json_protocol_lists_every_violation(friday):
    ssm = raw_client(friday, "ssm")
    names = [f"/p{i}" for i in range(1, 12)]
    assert error_of(lambda: ssm.get_parameters(Names=names)) == (
        "ValidationException",
        "1 validation error detected: Value '[" + ", ".join(names) + "]' at 'names' failed to satisfy constraint: "
        "Member must have length less than or equal to 10", 400)
    logs = raw_client(friday, "logs")
    assert error_of(lambda: logs.create_log_group(logGroupName="bad name")) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", 400)
    assert error_of(lambda: logs.describe_log_streams(logGroupName="/aws/lambda/x", limit=51, orderBy="Size")) == (
        "InvalidParameterException",
        "2 validation errors detected: Value 'Size' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: "
        "[LogStreamName, LastEventTime]; Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50", 400)


def test_rest_json_binds_headers_and_validates_them(friday):
    lam = raw_client(friday, "lambda")
    assert error_of(lambda: lam.invoke(FunctionName="salesAnalysisReport", InvocationType="Later")) == (
        "ValidationException",
        "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Event, RequestResponse, DryRun]", 400)
    # A DryRun answers 204 with no payload, the status taken from the model's StatusCode member.
    out = lam.invoke(FunctionName="salesAnalysisReport", InvocationType="DryRun")
    assert out["StatusCode"] == 204


def test_query_protocol_uses_the_services_code(friday):
    sts = raw_client(friday, "sts")
    assert error_of(lambda: sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/salesAnalysisReportRole", RoleSessionName="x",
                                            DurationSeconds=60)) == (
        "ValidationError",
        "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
        "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", 400)


def test_modelled_errors_raise_boto3s_exception_classes(friday):
    """Error codes come from the models' error shapes, so boto3's generated exception classes catch them."""
    import pytest
    sqs = raw_client(friday, "sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="missing")
    sqs.create_queue(QueueName="orders", Attributes={"DelaySeconds": "0"})
    with pytest.raises(sqs.exceptions.QueueNameExists):
        sqs.create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})
    sns = raw_client(friday, "sns")
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:000000000000:missing")
    iam = raw_client(friday, "iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="missing")
    lam = raw_client(friday, "lambda")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName="missing")
    ssm = raw_client(friday, "ssm")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/missing")
    events = raw_client(friday, "events")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_rule(Name="missing")
    scheduler = raw_client(friday, "scheduler")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name="missing")
