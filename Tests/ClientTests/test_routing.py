"""Routing as AWS routes: SNS filter policies over attributes or body, SNS to SQS under the
queue's policy, raw delivery, per-protocol messages."""
import json
import threading
import time

import pytest

from test_wire import client, error_of

ACCOUNT = "000000000000"


def queue_for_topic(sqs, name, topic_arn):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                       "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})})
    return url, arn


def drain(sqs, url):
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
    for m in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_sns_fans_out_to_queues_through_filter_policies(friday):
    sns, sqs = client(friday, "sns"), client(friday, "sqs")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    lattes, lattes_arn = queue_for_topic(sqs, "lattes", topic)
    big, big_arn = queue_for_topic(sqs, "big-orders", topic)
    unpermitted = sqs.create_queue(QueueName="no-policy")["QueueUrl"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=lattes_arn, Attributes={
        "FilterPolicy": json.dumps({"drink": ["latte", {"prefix": "flat"}], "size": [{"anything-but": "S"}]}), "RawMessageDelivery": "true"})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big_arn, Attributes={
        "FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"order": {"total": [{"numeric": [">=", 20]}]}})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT}:no-policy")

    def publish(body, **attributes):
        sns.publish(TopicArn=topic, Message=json.dumps(body), MessageAttributes={
            k: {"DataType": "Number" if isinstance(v, (int, float)) else "String", "StringValue": str(v)} for k, v in attributes.items()})

    publish({"order": {"total": 4.5}}, drink="latte", size="M")
    publish({"order": {"total": 25}}, drink="flat white", size="S")
    publish({"order": {"total": 30}}, drink="espresso")

    got = drain(sqs, lattes)
    assert [json.loads(m["Body"])["order"]["total"] for m in got] == [4.5]
    assert got[0]["MessageAttributes"]["drink"] == {"StringValue": "latte", "DataType": "String"}
    notes = [json.loads(m["Body"]) for m in drain(sqs, big)]
    assert sorted(json.loads(n["Message"])["order"]["total"] for n in notes) == [25, 30]
    assert {n["Type"] for n in notes} == {"Notification"} and {n["TopicArn"] for n in notes} == {topic}
    assert notes[0]["MessageAttributes"]["drink"]["Type"] == "String"
    # Without a policy that lets SNS send, the queue receives nothing, as in AWS.
    assert drain(sqs, unpermitted) == []


def test_filter_policies_are_checked_as_sns_checks_them(friday):
    sns, sqs = client(friday, "sns"), client(friday, "sqs")
    topic = sns.create_topic(Name="checked")["TopicArn"]
    _, arn = queue_for_topic(sqs, "checked", topic)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    code, message, status = error_of(lambda: sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue='{"price":[{"numeric":["<","100"]}]}'))
    assert (code, status) == ("InvalidParameter", 400)
    assert message == ('Invalid parameter: FilterPolicy: Value of < must be numeric\n'
                       ' at [Source: (String)"{"price":[{"numeric":["<","100"]}]}"; line: 1, column: 28]')
    assert error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn + "x", Attributes={"FilterPolicy": '{"a":"b"}'}))[1].startswith(
        'Invalid parameter: Attributes Reason: FilterPolicy: "a" must be an object or an array')
    six = json.dumps({k: ["v"] for k in "abcdef"})
    assert error_of(lambda: sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=six))[1] == (
        "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys")
    complex_policy = json.dumps({"a": list(range(10)), "b": list(range(10)), "c": list(range(2))})
    assert error_of(lambda: sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=complex_policy))[1] == (
        "Invalid parameter: FilterPolicy: Filter policy is too complex")
    assert error_of(lambda: sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue='{"a":{"b":["c"]}}'))[1] == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageBody")
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue='{"a":{"b":["c"]}}')
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert (attributes["FilterPolicy"], attributes["FilterPolicyScope"]) == ('{"a":{"b":["c"]}}', "MessageBody")


def test_message_attributes_and_structure_are_validated(friday):
    sns = client(friday, "sns")
    topic = sns.create_topic(Name="attrs")["TopicArn"]
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="m", MessageAttributes={"n": {"DataType": "Number", "StringValue": "many"}})) == (
        "ParameterValueInvalid", "Could not cast message attribute 'n' value to number.", 400)
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="m", MessageAttributes={"x": {"DataType": "Blob", "StringValue": "v"}}))[1] == (
        "The message attribute 'x' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")
    assert error_of(lambda: sns.publish(TopicArn=topic, Message='{"email":"x"}', MessageStructure="json"))[0:2] == (
        "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body")


def test_per_protocol_messages_and_body_filters(friday):
    sns, sqs = client(friday, "sns"), client(friday, "sqs")
    topic = sns.create_topic(Name="structured")["TopicArn"]
    url, arn = queue_for_topic(sqs, "structured", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "for everyone", "sqs": "for queues"}))
    assert [m["Body"] for m in drain(sqs, url)] == ["for queues"]


def allow(sqs, url, principal, source_arn):
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sqs:SendMessage", "Resource": arn,
                       "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}}}]})})
    return arn


def test_a_rule_on_a_custom_bus_fans_out_through_sns_to_filtered_queues(friday):
    events, sns, sqs = client(friday, "events"), client(friday, "sns"), client(friday, "sqs")
    bus_arn = events.create_event_bus(Name="orders")["EventBusArn"]
    assert bus_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default", "orders"]
    topic = sns.create_topic(Name="order-events")["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic}]}))
    rule_arn = events.put_rule(Name="placed", EventBusName="orders", EventPattern=json.dumps({"source": ["cafe.orders"], "detail-type": ["Order Placed"]}))["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders/placed"
    assert events.put_targets(Rule="placed", EventBusName="orders", Targets=[{"Id": "topic", "Arn": topic}])["FailedEntryCount"] == 0
    hot, hot_arn = queue_for_topic(sqs, "hot-drinks", topic)
    big, big_arn = queue_for_topic(sqs, "big-orders", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=hot_arn, Attributes={
        "FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"detail": {"drink": [{"suffix": "latte"}, "espresso"]}})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big_arn, Attributes={
        "FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"detail": {"total": [{"numeric": [">", 20]}]}})})

    entries = [{"EventBusName": "orders", "Source": "cafe.orders", "DetailType": "Order Placed", "Detail": json.dumps(d)}
               for d in ({"drink": "oat latte", "total": 4}, {"drink": "tea", "total": 25}, {"drink": "espresso", "total": 30})]
    entries.append({"Source": "cafe.orders", "DetailType": "Order Placed", "Detail": "{}"})  # the default bus: no rule there
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    hot_drinks = sorted(json.loads(json.loads(m["Body"])["Message"])["detail"]["drink"] for m in drain(sqs, hot))
    big_totals = sorted(json.loads(json.loads(m["Body"])["Message"])["detail"]["total"] for m in drain(sqs, big))
    assert (hot_drinks, big_totals) == (["espresso", "oat latte"], [25, 30])
    assert events.put_events(Entries=[{"EventBusName": "nope", "Source": "s", "DetailType": "d", "Detail": "{}"}])["Entries"][0] == {
        "ErrorCode": "ResourceNotFoundException", "ErrorMessage": "Event bus nope does not exist."}


def test_sqs_targets_dead_letters_and_refused_targets(friday):
    events, sqs = client(friday, "events"), client(friday, "sqs")
    events.put_rule(Name="to-queue", EventPattern=json.dumps({"source": ["cafe.till"]}))
    rule_arn = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/to-queue"
    inbox = sqs.create_queue(QueueName="till")["QueueUrl"]
    inbox_arn = allow(sqs, inbox, "events.amazonaws.com", rule_arn)
    locked = sqs.create_queue(QueueName="locked")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="till-dlq")["QueueUrl"]
    dlq_arn = allow(sqs, dlq, "events.amazonaws.com", rule_arn)
    result = events.put_targets(Rule="to-queue", Targets=[
        {"Id": "inbox", "Arn": inbox_arn, "InputPath": "$.detail"},
        {"Id": "locked", "Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:locked", "DeadLetterConfig": {"Arn": dlq_arn}},
        {"Id": "stream", "Arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s"}])
    assert result["FailedEntryCount"] == 1
    assert result["FailedEntries"][0]["TargetId"] == "stream"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="to-queue")["Targets"]] == ["inbox", "locked"]
    events.put_events(Entries=[{"Source": "cafe.till", "DetailType": "Sale", "Detail": json.dumps({"amount": 7})}])
    assert [json.loads(m["Body"]) for m in drain(sqs, inbox)] == [{"amount": 7}]
    assert drain(sqs, locked) == []
    dead = drain(sqs, dlq)
    assert len(dead) == 1 and json.loads(dead[0]["Body"])["detail"] == {"amount": 7}
    assert dead[0]["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "AccessDeniedException"
    assert dead[0]["MessageAttributes"]["RULE_ARN"]["StringValue"] == rule_arn
    assert error_of(lambda: events.put_rule(Name="tick", EventBusName="nope", ScheduleExpression="rate(1 hour)")) == (
        "ResourceNotFoundException", "Event bus nope does not exist.", 400)
    events.create_event_bus(Name="custom")
    assert error_of(lambda: events.put_rule(Name="tick", EventBusName="custom", ScheduleExpression="rate(1 hour)"))[0:2] == (
        "ValidationException", "ScheduleExpression is supported only on the default event bus.")


def test_log_filter_patterns_metric_and_subscription_filters(friday):
    logs, lam = client(friday, "logs"), client(friday, "lambda")
    matches = logs.test_metric_filter(
        filterPattern="[ip, user, ..., status = 4*, bytes]",
        logEventMessages=["127.0.0.1 frank GET /a 404 10", "127.0.0.1 frank GET /b 200 20", "10.0.0.2 ann GET /c 403 30"])["matches"]
    assert [(m["eventNumber"], m["extractedValues"]["$ip"], m["extractedValues"]["$status"]) for m in matches] == [
        (1, "127.0.0.1", "404"), (3, "10.0.0.2", "403")]
    assert error_of(lambda: logs.test_metric_filter(filterPattern="ERROR:", logEventMessages=["x"]))[0:2] == (
        "InvalidParameterException", "Invalid character(s) in term 'ERROR:'")

    logs.create_log_group(logGroupName="/app/orders")
    logs.create_log_stream(logGroupName="/app/orders", logStreamName="s1")
    now = friday.api("GET", "/_cloudcafe/clock")["now"]
    import datetime
    millis = int(datetime.datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp() * 1000)
    lines = [json.dumps({"level": "error", "ms": 900, "drink": "latte"}), json.dumps({"level": "info", "ms": 20}), "plain ERROR line"]
    logs.put_log_events(logGroupName="/app/orders", logStreamName="s1", logEvents=[{"timestamp": millis, "message": m} for m in lines])
    found = logs.filter_log_events(logGroupName="/app/orders", filterPattern='{ $.level = "error" && $.ms > 500 }')["events"]
    assert [e["message"] for e in found] == [lines[0]]

    logs.put_metric_filter(logGroupName="/app/orders", filterName="errors", filterPattern="ERROR",
                           metricTransformations=[{"metricName": "Errors", "metricNamespace": "Cafe", "metricValue": "1"}])
    assert [f["filterName"] for f in logs.describe_metric_filters(logGroupName="/app/orders")["metricFilters"]] == ["errors"]

    # A subscription filter sends matching events to a function, which runs (its log shows it).
    lam.add_permission(FunctionName="salesAnalysisReportDataExtractor", StatementId="logs", Action="lambda:InvokeFunction",
                       Principal="logs.amazonaws.com")
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:salesAnalysisReportDataExtractor"
    logs.put_subscription_filter(logGroupName="/app/orders", filterName="to-fn", filterPattern="ERROR", destinationArn=fn)
    assert logs.describe_subscription_filters(logGroupName="/app/orders")["subscriptionFilters"][0]["destinationArn"] == fn

    def starts():
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReportDataExtractor", filterPattern="START")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return 0
        return len(events)

    before = starts()
    logs.put_log_events(logGroupName="/app/orders", logStreamName="s1", logEvents=[{"timestamp": millis + 1, "message": "INFO fine"}])
    assert starts() == before
    logs.put_log_events(logGroupName="/app/orders", logStreamName="s1", logEvents=[{"timestamp": millis + 2, "message": "ERROR broke"}])
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1s"})
    assert starts() == before + 1


def test_fifo_topics_deliver_in_order_to_fifo_queues_once(friday):
    sns, sqs = client(friday, "sns"), client(friday, "sqs")
    assert error_of(lambda: sns.create_topic(Name="orders", Attributes={"FifoTopic": "true"}))[0] == "InvalidParameter"
    topic = sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["FifoTopic"] == "true"
    url = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn}]})})
    standard, standard_arn = queue_for_topic(sqs, "standard", topic)
    assert error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=standard_arn))[0] == "InvalidParameter"
    assert error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com"))[0] == "InvalidParameter"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="x"))[1] == (
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    first = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g")
    assert sns.publish(TopicArn=topic, Message="one", MessageGroupId="g")["MessageId"] == first["MessageId"]
    second = sns.publish(TopicArn=topic, Message="two", MessageGroupId="g")
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["MessageGroupId"])["Messages"]
    assert [m["Body"] for m in got] == ["one"]
    assert got[0]["Attributes"]["MessageGroupId"] == "g"
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []  # "two" waits behind "one"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["two"]


def test_http_subscriptions_confirm_and_receive_signed_notifications(friday, tmp_path):
    import base64
    import http.server
    import subprocess
    import urllib.request

    received = []

    class Endpoint(http.server.BaseHTTPRequestHandler):
        fail = 1  # the first notification is refused, to see SNS retry it

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            kind = self.headers["x-amz-sns-message-type"]
            if kind == "Notification" and Endpoint.fail > 0:
                Endpoint.fail -= 1
                self.send_response(500)
                self.end_headers()
                return
            received.append((kind, json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sns = client(friday, "sns")
        topic = sns.create_topic(Name="webhook")["TopicArn"]
        endpoint = f"http://127.0.0.1:{server.server_port}/hook"
        assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)["SubscriptionArn"] == "pending confirmation"
        for _ in range(100):
            if received:
                break
            time.sleep(0.05)
        kind, confirmation = received.pop(0)
        assert kind == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
        # Visiting the SubscribeURL confirms, as with AWS.
        with urllib.request.urlopen(confirmation["SubscribeURL"]) as r:
            assert r.status == 200 and b"<SubscriptionArn>arn:aws:sns:us-east-1" in r.read()
        subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert subs[0]["SubscriptionArn"].startswith(topic + ":")
        sns.publish(TopicArn=topic, Message="hello", Subject="greeting")
        friday.api("POST", "/_cloudcafe/clock", {"advance": "21s"})  # the refused POST is retried 20 s later
        for _ in range(100):
            if received:
                break
            time.sleep(0.05)
        kind, note = received.pop(0)
        assert kind == "Notification" and (note["Message"], note["Subject"], note["SignatureVersion"]) == ("hello", "greeting", "1")
        # The signature verifies with the certificate at SigningCertURL, as SNS's do.
        with urllib.request.urlopen(note["SigningCertURL"]) as r:
            (tmp_path / "cert.pem").write_bytes(r.read())
        text = "".join(f"{k}\n{note[k]}\n" for k in ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"])
        (tmp_path / "signed.txt").write_text(text)
        (tmp_path / "signature").write_bytes(base64.b64decode(note["Signature"]))
        pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")], capture_output=True, check=True).stdout
        (tmp_path / "pub.pem").write_bytes(pub)
        verified = subprocess.run(["openssl", "dgst", "-sha1", "-verify", str(tmp_path / "pub.pem"), "-signature", str(tmp_path / "signature"),
                                   str(tmp_path / "signed.txt")], capture_output=True, text=True)
        assert verified.stdout.strip() == "Verified OK"
    finally:
        server.shutdown()
