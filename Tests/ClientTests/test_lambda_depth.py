"""Lambda as AWS runs it: versions and aliases, concurrency and throttling, asynchronous
destinations and dead-letter queues, SQS event source mappings. boto3 against the real
daemon, on the virtual clock (frozen at Friday 19:59: the clock is moved explicitly)."""
import concurrent.futures
import json

from test_runtimes import deploy, invoke, log_messages, package
from test_wire import client, error_of

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def worker_role(d) -> str:
    """A role that may log, use queues and topics, put events and invoke functions."""
    iam = client(d, "iam")
    arn = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="worker", PolicyName="all", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:*", "sqs:*", "sns:Publish", "events:PutEvents", "lambda:InvokeFunction"], "Resource": "*"}]}))
    return arn


def advance(d, step: str):
    return d.api("POST", "/_cloudcafe/clock", {"advance": step})


def receive_all(sqs, url, attributes=False):
    out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"])
    return out.get("Messages", [])


def test_versions_and_an_alias_shifted_from_one_to_two(friday):
    lam = deploy(friday, "versioned", "def handler(event, context):\n    return 'one'\n")
    first = lam.publish_version(FunctionName="versioned", Description="first")
    assert (first["Version"], first["FunctionArn"].endswith(":versioned:1")) == ("1", True)
    # Unchanged code and configuration: the same version again
    assert lam.publish_version(FunctionName="versioned")["Version"] == "1"
    lam.update_function_code(FunctionName="versioned", ZipFile=package({"handler.py": "def handler(event, context):\n    return 'two'\n"}))
    latest = lam.get_function_configuration(FunctionName="versioned")
    code, _, status = error_of(lambda: lam.publish_version(FunctionName="versioned", RevisionId="stale"))
    assert (code, status) == ("PreconditionFailedException", 412)
    assert error_of(lambda: lam.publish_version(FunctionName="versioned", CodeSha256="nope"))[0] == "InvalidParameterValueException"
    assert lam.publish_version(FunctionName="versioned", RevisionId=latest["RevisionId"], CodeSha256=latest["CodeSha256"])["Version"] == "2"
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="versioned")["Versions"]] == ["$LATEST", "1", "2"]
    # Each version runs its own code, and says so
    failure, answer, out = invoke(lam, "versioned", Qualifier="1")
    assert (answer, out["ExecutedVersion"]) == ("one", "1")
    assert invoke(lam, "versioned:2")[1] == "two"
    assert lam.get_function(FunctionName="versioned", Qualifier="1")["Configuration"]["Version"] == "1"
    assert any(m.startswith("START RequestId: ") and m.endswith(" Version: 1") for m in log_messages(friday, "versioned"))
    # An alias on version 1, then shifted to 2: traffic follows
    alias = lam.create_alias(FunctionName="versioned", Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(":function:versioned:live")
    assert {invoke(lam, "versioned", Qualifier="live")[1] for _ in range(3)} == {"one"}
    lam.update_alias(FunctionName="versioned", Name="live", FunctionVersion="2", RevisionId=alias["RevisionId"])
    assert {invoke(lam, "versioned", Qualifier="live")[1] for _ in range(3)} == {"two"}
    # Weighted: half of the traffic on version 1, half on 2
    lam.update_alias(FunctionName="versioned", Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    seen = [invoke(lam, "versioned", Qualifier="live")[2]["ExecutedVersion"] for _ in range(30)]
    assert set(seen) == {"1", "2"}
    assert [a["Name"] for a in lam.list_aliases(FunctionName="versioned")["Aliases"]] == ["live"]
    # Permissions and policies per qualifier
    lam.add_permission(FunctionName="versioned", Qualifier="live", StatementId="events", Action="lambda:InvokeFunction", Principal="events.amazonaws.com")
    policy = json.loads(lam.get_policy(FunctionName="versioned", Qualifier="live")["Policy"])
    assert policy["Statement"][0]["Resource"].endswith(":function:versioned:live")
    assert error_of(lambda: lam.get_policy(FunctionName="versioned"))[0] == "ResourceNotFoundException"
    # A version an alias uses cannot go; unknown qualifiers are not found
    assert error_of(lambda: lam.delete_function(FunctionName="versioned", Qualifier="1"))[0] == "ResourceConflictException"
    assert error_of(lambda: lam.invoke(FunctionName="versioned", Qualifier="7"))[0] == "ResourceNotFoundException"
    lam.delete_alias(FunctionName="versioned", Name="live")
    assert error_of(lambda: lam.get_alias(FunctionName="versioned", Name="live"))[0] == "ResourceNotFoundException"
    lam.delete_function(FunctionName="versioned", Qualifier="1")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="versioned")["Versions"]] == ["$LATEST", "2"]


def test_reserved_concurrency_throttles_a_burst(friday):
    lam = deploy(friday, "slow", "import time\ndef handler(event, context):\n    time.sleep(0.8)\n    return 'done'\n")
    lam.put_function_concurrency(FunctionName="slow", ReservedConcurrentExecutions=1)
    assert lam.get_function_concurrency(FunctionName="slow")["ReservedConcurrentExecutions"] == 1
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 999
    # A burst of five synchronous invokes: one runs, the surplus gets 429
    def attempt(_):
        try:
            return invoke(client(friday, "lambda"), "slow")[1]
        except Exception as e:  # botocore's ClientError
            return (e.response["Error"]["Code"], e.response.get("Reason"), e.response["ResponseMetadata"]["HTTPStatusCode"])
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        outcomes = list(pool.map(attempt, range(5)))
    assert outcomes.count("done") >= 1
    throttled = [o for o in outcomes if o != "done"]
    assert throttled and all(o == ("TooManyRequestsException", "ReservedFunctionConcurrentInvocationLimitExceeded", 429) for o in throttled)
    # Zero disables the function; a reservation leaving under 100 unreserved is refused
    lam.put_function_concurrency(FunctionName="slow", ReservedConcurrentExecutions=0)
    assert error_of(lambda: lam.invoke(FunctionName="slow"))[0] == "TooManyRequestsException"
    code, message, _ = error_of(lambda: lam.put_function_concurrency(FunctionName="slow", ReservedConcurrentExecutions=950))
    assert code == "InvalidParameterValueException" and "minimum value of [100]" in message
    lam.delete_function_concurrency(FunctionName="slow")
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="slow")


def test_a_throttled_event_waits_in_the_queue_and_runs_later(friday):
    lam = deploy(friday, "later", "def handler(event, context):\n    print('ran', event['n'])\n")
    lam.put_function_concurrency(FunctionName="later", ReservedConcurrentExecutions=0)
    assert lam.invoke(FunctionName="later", InvocationType="Event", Payload='{"n": 1}')["StatusCode"] == 202
    advance(friday, "5s")
    assert not any(m == "ran 1" for m in _messages(friday, "later"))
    lam.delete_function_concurrency(FunctionName="later")
    advance(friday, "10m")
    assert [m for m in _messages(friday, "later") if m.startswith("ran")] == ["ran 1"]


def _messages(d, name):
    try:
        return log_messages(d, name)
    except Exception:
        return []


def test_asynchronous_failure_lands_in_the_on_failure_queue_and_the_dlq(friday):
    role = worker_role(friday)
    sqs = client(friday, "sqs")
    failures = sqs.create_queue(QueueName="failures")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    successes = sqs.create_queue(QueueName="successes")["QueueUrl"]
    arn = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam = deploy(friday, "flaky", "def handler(event, context):\n    if event.get('fail'):\n        raise ValueError('bad event')\n    return {'ok': event['n']}\n",
                 role=role, DeadLetterConfig={"TargetArn": arn(dlq)})
    config = lam.put_function_event_invoke_config(
        FunctionName="flaky", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn(failures)}, "OnSuccess": {"Destination": arn(successes)}})
    assert config["FunctionArn"].endswith(":function:flaky:$LATEST") and config["MaximumRetryAttempts"] == 1
    # A failing event: tried, retried a minute later, then recorded as AWS records it
    lam.invoke(FunctionName="flaky", InvocationType="Event", Payload=json.dumps({"fail": True, "n": 1}))
    assert receive_all(sqs, failures) == []
    advance(friday, "2m")
    [message] = receive_all(sqs, failures)
    record = json.loads(message["Body"])
    assert record["version"] == "1.0"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"].endswith(":function:flaky:$LATEST")
    assert record["requestPayload"] == {"fail": True, "n": 1}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "ValueError" and record["responsePayload"]["errorMessage"] == "bad event"
    # The dead-letter queue has the event itself, with Lambda's attributes
    [dead] = receive_all(sqs, dlq)
    assert json.loads(dead["Body"]) == {"fail": True, "n": 1}
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["ErrorMessage"] == "bad event" and attributes["ErrorCode"] == "200" and len(attributes["RequestID"]) == 36
    # A success goes to OnSuccess with the response
    lam.invoke(FunctionName="flaky", InvocationType="Event", Payload=json.dumps({"n": 2}))
    advance(friday, "1s")
    [ok] = receive_all(sqs, successes)
    assert json.loads(ok["Body"])["requestContext"]["condition"] == "Success"
    assert json.loads(ok["Body"])["responsePayload"] == {"ok": 2}
    # The configuration can be read, updated, listed and deleted
    assert lam.update_function_event_invoke_config(FunctionName="flaky", MaximumEventAgeInSeconds=120)["MaximumEventAgeInSeconds"] == 120
    assert len(lam.list_function_event_invoke_configs(FunctionName="flaky")["FunctionEventInvokeConfigs"]) == 1
    lam.delete_function_event_invoke_config(FunctionName="flaky")
    assert error_of(lambda: lam.get_function_event_invoke_config(FunctionName="flaky"))[0] == "ResourceNotFoundException"


def test_an_sqs_mapping_delivers_batches_and_a_poison_message_ends_in_the_dlq(friday):
    role = worker_role(friday)
    sqs = client(friday, "sqs")
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    work = sqs.create_queue(QueueName="work", Attributes={
        "VisibilityTimeout": "5", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
    work_arn = sqs.get_queue_attributes(QueueUrl=work, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam = deploy(friday, "consumer", """
import json
def handler(event, context):
    failures = []
    for r in event["Records"]:
        print("got", r["body"], r["attributes"]["ApproximateReceiveCount"], r["eventSource"], r["eventSourceARN"].split(":")[-1])
        if r["body"] == "poison":
            failures.append({"itemIdentifier": r["messageId"]})
    return {"batchItemFailures": failures}
""", role=role)
    for body in ["a", "b", "poison"]:
        sqs.send_message(QueueUrl=work, MessageBody=body)
    mapping = lam.create_event_source_mapping(EventSourceArn=work_arn, FunctionName="consumer", BatchSize=10,
                                              FunctionResponseTypes=["ReportBatchItemFailures"])
    assert mapping["State"] == "Creating" and mapping["BatchSize"] == 10
    advance(friday, "1s")
    got = [m for m in log_messages(friday, "consumer") if m.startswith("got ")]
    assert sorted(got) == ["got a 1 aws:sqs work", "got b 1 aws:sqs work", "got poison 1 aws:sqs work"]
    # The poison message comes back after the visibility timeout, fails again, then moves to the DLQ
    advance(friday, "6s")
    advance(friday, "6s")
    poison = [m for m in log_messages(friday, "consumer") if m.startswith("got poison")]
    assert poison == ["got poison 1 aws:sqs work", "got poison 2 aws:sqs work"]
    assert [m["Body"] for m in receive_all(sqs, dlq)] == ["poison"]
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled"
    # Disabled, it leaves the queue alone
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    sqs.send_message(QueueUrl=work, MessageBody="later")
    advance(friday, "3s")
    assert not any(m.startswith("got later") for m in log_messages(friday, "consumer"))
    assert [m["FunctionArn"].endswith(":consumer") for m in lam.list_event_source_mappings(FunctionName="consumer")["EventSourceMappings"]] == [True]
    lam.delete_event_source_mapping(UUID=mapping["UUID"])
    assert error_of(lambda: lam.get_event_source_mapping(UUID=mapping["UUID"]))[0] == "ResourceNotFoundException"


def test_a_filter_drops_what_it_does_not_match(friday):
    role = worker_role(friday)
    sqs = client(friday, "sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam = deploy(friday, "keeper", "def handler(event, context):\n    for r in event['Records']:\n        print('kept', r['body'])\n", role=role)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="keeper", FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]})
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "keep", "n": 1}))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "drop", "n": 2}))
    sqs.send_message(QueueUrl=url, MessageBody="not json")
    advance(friday, "1s")
    assert [m for m in log_messages(friday, "keeper") if m.startswith("kept")] == ['kept {"kind": "keep", "n": 1}']
    # Filtered-out messages are deleted, not left to return
    advance(friday, "1m")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
    code, _, _ = error_of(lambda: lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="keeper"))
    assert code == "ResourceConflictException"


def test_logs_go_to_a_group_deleted_while_warm_and_to_one_the_role_may_not_create(friday):
    extractor = "salesAnalysisReportDataExtractor"
    lam, logs = client(friday, "lambda"), client(friday, "logs")
    event = {"dbUrl": "localhost", "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9", "reportDate": "2026-11-27"}
    assert invoke(lam, extractor, event)[0] is None
    logs.delete_log_group(logGroupName=f"/aws/lambda/{extractor}")
    # Warm: the environment finds its group gone and makes it again, with its stream.
    assert invoke(lam, extractor, event)[0] is None
    messages = log_messages(friday, extractor)
    assert [m.split(" RequestId")[0] for m in messages] == ["START", "END", "REPORT"]
    # The daemon's resident memory, capped at the function's 128 MB.
    assert 1 <= int(messages[2].split("Max Memory Used: ")[1].split(" MB")[0]) <= 128

    # A role with no logs:CreateLogGroup still logs to a group that exists, as in AWS.
    iam = client(friday, "iam")
    arn = iam.create_role(RoleName="streams-only", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="streams-only", PolicyName="logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}))
    for name in ("pre-created", "no-group"):
        deploy(friday, name, "def handler(event, context):\n    print('hello from', context.function_name)\n", role=arn)
    logs.create_log_group(logGroupName="/aws/lambda/pre-created")
    assert invoke(lam, "pre-created")[0] is None and invoke(lam, "no-group")[0] is None
    assert "hello from pre-created" in "".join(log_messages(friday, "pre-created"))
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/no-group")["logGroups"] == []
