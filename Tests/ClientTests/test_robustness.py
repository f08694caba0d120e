"""Bad input gets AWS's error, never a crash or a hang: malformed bodies, wrong types,
missing members, unknown operations and oversized payloads, on every protocol."""
import http.client
import json

AUTH = "AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"


def post(daemon, service, body, path="/", target=None, content_type="application/x-amz-json-1.1", method="POST"):
    host, port = daemon.url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": AUTH.format(service), "Content-Type": content_type}
    if target:
        headers["X-Amz-Target"] = target
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, dict(response.getheaders())


def test_json_protocols(friday):
    cases = [
        ("ssm", "AmazonSSM.GetParameter", b"{not json", 400, "SerializationException"),
        ("ssm", "AmazonSSM.GetParameter", b"{}", 400, "ValidationException"),
        ("ssm", "AmazonSSM.GetParameter", b'{"Name": 5}', 400, "ValidationException"),
        ("ssm", "AmazonSSM.PutParameter", b'{"Name":"/x","Value":"v","Type":"Bogus"}', 400, "ValidationException"),
        ("ssm", "AmazonSSM.NoSuchThing", b"{}", 400, "UnknownOperationException"),
        ("logs", "Logs_20140328.PutLogEvents", b'{"logGroupName":"/g","logStreamName":"s","logEvents":[]}', 400, "InvalidParameterException"),
        ("events", "AWSEvents.PutRule", b'{"Name":"' + b"x" * 100 + b'","ScheduleExpression":"rate(1 day)"}', 400, "ValidationException"),
        ("events", "AWSEvents.PutEvents", b'{"Entries":[]}', 400, "ValidationException"),
        ("sqs", "AmazonSQS.SendMessage", b'{"QueueUrl":"http://x/000000000000/none","MessageBody":"m"}', 400, "QueueDoesNotExist"),
        ("ssm", "AmazonSSM.GetParameter", b"[" * 100_000, 400, "SerializationException"),
    ]
    for service, target, body, status, code in cases:
        got, data, _ = post(friday, service, body, target=target)
        assert got == status, (target, got, data[:200])
        assert json.loads(data)["__type"] == code, (target, data[:200])


def test_query_protocol(friday):
    for body, code in [(b"Action=Publish&Version=2010-03-31", "InvalidParameter"), (b"Action=Nope&Version=2010-03-31", "InvalidAction"),
                       (b"Version=2010-03-31", "MissingAction"), (b"Action=Publish&TopicArn=%ZZ&Message=x", "InvalidParameter")]:
        status, data, _ = post(friday, "sns", body, content_type="application/x-www-form-urlencoded")
        assert status == 400, (body, status, data)
        assert f"<Code>{code}</Code>".encode() in data and b"<RequestId>" in data
    status, data, _ = post(friday, "iam", b"Action=CreateRole&Version=2010-05-08&RoleName=r", content_type="application/x-www-form-urlencoded")
    assert status == 400 and b"<Code>ValidationError</Code>" in data


def test_rest_json(friday):
    status, data, headers = post(friday, "lambda", b"{bad", path="/2015-03-31/functions/salesAnalysisReport/invocations", content_type="application/json")
    assert status == 400 and headers.get("x-amzn-ErrorType") == "InvalidRequestContentException"
    status, data, headers = post(friday, "lambda", b'{"FunctionName": 1}', path="/2015-03-31/functions", content_type="application/json")
    assert status == 400 and headers.get("x-amzn-ErrorType") == "ValidationException"
    status, _, headers = post(friday, "lambda", b"", path="/2015-03-31/nowhere", content_type="application/json", method="GET")
    assert status == 404 and headers.get("x-amzn-ErrorType") == "UnknownOperationException"
    big = b'"' + b"x" * 6_291_456 + b'"'
    status, _, headers = post(friday, "lambda", big, path="/2015-03-31/functions/salesAnalysisReport/invocations", content_type="application/json")
    assert status == 413 and headers.get("x-amzn-ErrorType") == "RequestTooLargeException"
    status, _, headers = post(friday, "scheduler", b'{"x":1}', path="/schedules/s", content_type="application/json")
    assert status == 400 and headers.get("x-amzn-ErrorType") == "ValidationException"


def test_the_daemon_survives_all_of_it(friday):
    for blob in (b"\x00\xff" * 1000, b"Action=" + b"A" * 10_000, b"{" * 50_000):
        for service in ("sns", "ssm", "lambda", "unknown"):
            status, _, _ = post(friday, service, blob, content_type="application/octet-stream")
            assert 400 <= status < 500
    assert friday.api("GET", "/_cloudcafe/health")["status"] == "ok"
    assert friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})["fired"][0]["rule"] == "salesAnalysisReportDailyTrigger"


def test_inputs_that_once_trapped_are_answered(friday):
    import urllib.error
    import urllib.parse
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:000000000000:${}"}]})
    body = urllib.parse.urlencode({"Action": "SimulateCustomPolicy", "Version": "2010-05-08", "PolicyInputList.member.1": policy,
                                   "ActionNames.member.1": "sns:Publish", "ResourceArns.member.1": "arn:aws:sns:us-east-1:000000000000:t"}).encode()
    status, data, _ = post(friday, "iam", body, content_type="application/x-www-form-urlencoded")
    assert status == 200 and b"<EvalDecision>implicitDeny</EvalDecision>" in data
    for rate in (1e300, -1, 2_000_000):
        try:
            friday.api("POST", "/_cloudcafe/clock", {"rate": rate})
            raise AssertionError(f"rate {rate} accepted")
        except urllib.error.HTTPError as e:
            assert e.code == 400 and b"rate must be a number from 0 to 1000000" in e.read()
    post(friday, "logs", b'{"logGroupName":"/robust"}', target="Logs_20140328.CreateLogGroup")
    status, data, _ = post(friday, "logs", b'{"logGroupName":"/robust","nextToken":"n/-5"}', target="Logs_20140328.FilterLogEvents")
    assert status == 400 and json.loads(data) == {"__type": "InvalidParameterException", "message": "The specified nextToken is invalid."}
    assert friday.api("GET", "/_cloudcafe/health")["status"] == "ok"


def test_long_clock_moves_cap_what_they_list(friday):
    import boto3
    events = boto3.client("events", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    before = friday.api("GET", "/_cloudcafe/clock")["now"]
    moved = friday.api("POST", "/_cloudcafe/clock", {"advance": "1d"})
    assert len(moved["fired"]) == 1000 and moved["firedCount"] == 1441  # 1,440 minutes and the café's 20:00 run
    # A bad part of the request moves nothing.
    import urllib.error
    try:
        friday.api("POST", "/_cloudcafe/clock", {"advance": "1d", "rate": -1})
        raise AssertionError("accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 400
    assert friday.api("GET", "/_cloudcafe/clock")["now"] == moved["now"] != before


def test_lambda_quotas(friday):
    import boto3
    lam = boto3.client("lambda", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    from test_wire import error_of
    code, message, status = error_of(lambda: lam.update_function_configuration(
        FunctionName="salesAnalysisReport", Environment={"Variables": {"BIG": "x" * 4100}}))
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("Lambda was unable to configure your environment variables because the environment variables you have provided "
                              "exceeded the 4KB limit. String measured: {\"BIG\":\"xxx")
    big = b'{"a":"' + b"x" * 1_048_600 + b'"}'
    assert error_of(lambda: lam.invoke(FunctionName="salesAnalysisReport", InvocationType="Event", Payload=big))[0::2] == (
        "RequestTooLargeException", 413)
    arn = lam.get_function(FunctionName="salesAnalysisReport")["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={f"k{i}": "v" for i in range(50)})
    assert error_of(lambda: lam.tag_resource(Resource=arn, Tags={"one-more": "v"})) == (
        "InvalidParameterValueException", "Number of tags exceeds resource tag limit.", 400)
    assert len(lam.list_tags(Resource=arn)["Tags"]) == 50


def test_sigterm_stops_a_long_move_gracefully(daemon_factory):
    import threading
    import time
    import boto3
    d = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z", "--stack", "none")
    events = boto3.client("events", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    answer = {}
    mover = threading.Thread(target=lambda: answer.update(d.api("POST", "/_cloudcafe/clock", {"advance": "100y"})))
    mover.start()
    time.sleep(1.0)
    stopped = time.monotonic()
    d.process.terminate()
    mover.join(timeout=15)
    assert d.process.wait(timeout=15) == 0
    assert time.monotonic() - stopped < 10
    # The move answered with what fired before the stop.
    assert 0 < answer["firedCount"] < 100 * 365 * 1440 and len(answer["fired"]) == min(answer["firedCount"], 1000)
    # The clock stopped at the last firing, so nothing in between is skipped.
    assert answer["now"] < "2100"


def test_nothing_a_client_sends_reaches_an_email_header_unchecked(friday):
    import boto3
    from test_wire import error_of
    sns = boto3.client("sns", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    assert error_of(lambda: sns.create_topic(Name="inject", Attributes={"DisplayName": "Cafe\r\nBcc: victim@example.com"}))[0] == "InvalidParameter"
    topic = sns.create_topic(Name="inject")["TopicArn"]
    assert error_of(lambda: sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="x\nBcc: y"))[0] == "InvalidParameter"
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="m", Subject="hi\r\nBcc: victim@example.com"))[0] == "InvalidParameter"
    assert error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com\r\nBcc: b@example.com"))[0] == "InvalidParameter"


def test_the_extractor_never_migrates_another_file(friday, tmp_path):
    import boto3
    import json as _json
    other = tmp_path / "other.sqlite"
    other.write_bytes(b"")
    lam = boto3.client("lambda", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    payload = {"dbUrl": str(other), "dbName": "cafe_db", "dbUser": "root", "dbPassword": "Re:Start!9"}
    out = lam.invoke(FunctionName="salesAnalysisReportDataExtractor", Payload=_json.dumps(payload).encode())
    assert out["FunctionError"] == "Unhandled"
    logs = boto3.client("logs", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    lines = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReportDataExtractor")["events"]]
    assert any(line.startswith("Error Details: 2003 Can't connect to MySQL server") for line in lines)
    assert other.read_bytes() == b""  # never migrated, never written


def test_32_clients_of_mixed_load_lose_nothing(friday):
    """32 clients publish (to email), put log events, invoke and read parameters for a few
    seconds; afterwards every acknowledged publish is exactly one email and the daemon is up."""
    import threading
    import time

    import boto3
    from botocore.config import Config

    topic = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
    setup = boto3.client("logs", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    setup.create_log_group(logGroupName="/load")
    before = len(friday.api("GET", "/_cloudcafe/outbox"))
    acknowledged, errors, requests = [], [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + 4

    def worker(n):
        config = Config(retries={"max_attempts": 1}, read_timeout=60)
        kw = dict(endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test", config=config)
        sns, logs, lam, ssm = (boto3.client(s, **kw) for s in ("sns", "logs", "lambda", "ssm"))
        logs.create_log_stream(logGroupName="/load", logStreamName=f"client-{n}")
        i = 0
        while time.monotonic() < deadline:
            i += 1
            try:
                match i % 4:
                    case 0:
                        subject = f"load {n}-{i}"
                        sns.publish(TopicArn=topic, Subject=subject, Message=f"message {n}-{i}")
                        with lock:
                            acknowledged.append(subject)
                    case 1:
                        logs.put_log_events(logGroupName="/load", logStreamName=f"client-{n}",
                                            logEvents=[{"timestamp": 1_795_809_540_000, "message": f"event {i}"}])
                    case 2:
                        assert lam.invoke(FunctionName="salesAnalysisReportDataExtractor", Payload=b"{}")["StatusCode"] == 200
                    case 3:
                        assert ssm.get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
                with lock:
                    requests[0] += 1
            except Exception as e:  # noqa: BLE001 — every failure is what the test reports
                with lock:
                    errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert requests[0] >= 64 and len(acknowledged) >= 8
    subjects = [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox")[before:]]
    assert sorted(s for s in subjects if s.startswith("load ")) == sorted(acknowledged)
    assert friday.get("/_cloudcafe/health")[0] == 200
    print(f"32 clients: {requests[0]} requests, {len(errors)} errors, {len(acknowledged)} emails")


def test_an_outbox_that_cannot_be_written_fails_the_delivery_not_the_daemon(friday):
    import boto3
    import shutil
    sns = boto3.client("sns", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    topic = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
    before = len(friday.api("GET", "/_cloudcafe/outbox"))
    tmp = friday.outbox / "tmp"
    shutil.rmtree(tmp)
    tmp.write_text("not a folder")  # every write into tmp/ now fails, as on a full or read-only disk
    assert sns.publish(TopicArn=topic, Subject="lost", Message="m")["MessageId"]
    assert len(friday.api("GET", "/_cloudcafe/outbox")) == before
    assert "email delivery failed" in (friday.folder / "daemon.log").read_text()
    assert friday.get("/_cloudcafe/health")[0] == 200
    tmp.unlink()
    tmp.mkdir()
    sns.publish(TopicArn=topic, Subject="delivered", Message="m")
    subjects = [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox")[before:]]
    assert subjects == ["delivered"]


def test_a_corrupt_cafe_db_fails_the_run_with_retries_not_the_daemon(friday):
    import boto3
    friday.cafe_db.write_bytes(b"this is not a database" * 1000)
    friday.api("POST", "/_cloudcafe/clock", {"advance": "30m"})  # Friday 20:00: the scheduled run, and its retries
    logs = boto3.client("logs", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")

    def lines(function):
        return [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]]

    # The scheduled (asynchronous) run fails, and Lambda retries it twice; each attempt asks the extractor.
    for function in ("salesAnalysisReport", "salesAnalysisReportDataExtractor"):
        assert len([line for line in lines(function) if line.startswith("START RequestId:")]) == 3, lines(function)
    assert any(line.startswith("ERROR: Failed to connect to the Cafe database") for line in lines("salesAnalysisReportDataExtractor"))
    assert [m["subject"] for m in friday.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"] == []
    assert friday.get("/_cloudcafe/health")[0] == 200
