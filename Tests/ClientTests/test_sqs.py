"""SQS as a real queue: batches, FIFO, redrive, long polling on the virtual clock, and the
error codes boto3 reports."""
import json
import threading
import time

import pytest

from test_wire import client, error_of

ACCOUNT = "000000000000"


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_batches_send_delete_and_change_visibility(friday):
    sqs = client(friday, "sqs")
    url = sqs.create_queue(QueueName="batch")["QueueUrl"]
    sent = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": f"body {i}"} for i in range(3)])
    assert [e["Id"] for e in sent["Successful"]] == ["m0", "m1", "m2"] and sent.get("Failed", []) == []
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["body 0", "body 1", "body 2"]
    changed = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 0}, {"Id": "b", "ReceiptHandle": "bogus", "VisibilityTimeout": 0}])
    assert [e["Id"] for e in changed["Successful"]] == ["a"] and changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    again = sqs.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in again] == ["body 0"]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "x", "ReceiptHandle": again[0]["ReceiptHandle"]}, {"Id": "y", "ReceiptHandle": got[1]["ReceiptHandle"]}])
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["x", "y"]
    assert error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}]))[0] == (
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": "b"} for i in range(11)])
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as missing:
        sqs.get_queue_url(QueueName="missing")
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_fifo_queues_deduplicate_and_keep_each_group_in_order(friday):
    sqs = client(friday, "sqs")
    assert error_of(lambda: sqs.create_queue(QueueName="orders.fifo"))[0] == "InvalidParameterValue"
    url = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    assert error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x"))[0:2] == ("MissingParameter", "The request must contain the parameter MessageGroupId.")
    first = sqs.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="a")
    assert sqs.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="a")["MessageId"] == first["MessageId"]  # a duplicate
    sqs.send_message(QueueUrl=url, MessageBody="a2", MessageGroupId="a")
    sqs.send_message(QueueUrl=url, MessageBody="b1", MessageGroupId="b")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["a1"] and got[0]["Attributes"]["MessageGroupId"] == "a"
    # While a1 is in flight, group a waits; group b does not.
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["b1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["a2"]
    friday.api("POST", "/_cloudcafe/clock", {"advance": "6m"})
    assert sqs.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="a")["MessageId"] != first["MessageId"]


def test_redrive_moves_a_message_received_too_often(friday):
    sqs = client(friday, "sqs")
    dlq = sqs.create_queue(QueueName="poison-dlq")["QueueUrl"]
    assert error_of(lambda: sqs.create_queue(QueueName="work", Attributes={"RedrivePolicy": json.dumps({
        "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:nope", "maxReceiveCount": 2})}))[0] == "InvalidParameterValue"
    url = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "10", "RedrivePolicy": json.dumps({
        "deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 2})})["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="poison")["MessageId"]
    for _ in range(2):
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["poison"]
        friday.api("POST", "/_cloudcafe/clock", {"advance": "11s"})
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert [(m["MessageId"], m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in moved] == [(sent, "poison", "1")]


def test_long_polling_returns_when_a_message_arrives_or_the_wait_ends(friday):
    sqs = client(friday, "sqs")
    url = sqs.create_queue(QueueName="poll")["QueueUrl"]
    # The clock is frozen: the wait ends after its real seconds at the most.
    start = time.monotonic()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    assert 0.9 <= time.monotonic() - start < 5
    # A message sent while a receive waits is returned at once.
    threading.Timer(0.3, lambda: client(friday, "sqs").send_message(QueueUrl=url, MessageBody="late")).start()
    start = time.monotonic()
    late = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)["Messages"]
    assert [m["Body"] for m in late] == ["late"]
    assert time.monotonic() - start < 10
    sqs.delete_message(QueueUrl=url, ReceiptHandle=late[0]["ReceiptHandle"])
    # Moving the clock past the wait's end ends it too.
    threading.Timer(0.3, lambda: friday.api("POST", "/_cloudcafe/clock", {"advance": "30s"})).start()
    start = time.monotonic()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", []) == []
    assert time.monotonic() - start < 10
    assert error_of(lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21))[0] in ("InvalidParameterValue", "ValidationException")


def test_the_query_protocol_older_sdks_speak(friday):
    import http.client
    import urllib.parse
    host, port = friday.url.replace("http://", "").split(":")

    def call(**params):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/", body=urllib.parse.urlencode({**params, "Version": "2012-11-05"}), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"})
        r = conn.getresponse()
        return r.status, r.read().decode()

    status, body = call(Action="CreateQueue", QueueName="legacy")
    assert status == 200 and "<QueueUrl>" in body
    url = body.split("<QueueUrl>")[1].split("</QueueUrl>")[0]
    assert call(Action="SendMessage", QueueUrl=url, MessageBody="old school")[0] == 200
    # The same queue through boto3's JSON.
    assert [m["Body"] for m in client(friday, "sqs").receive_message(QueueUrl=url)["Messages"]] == ["old school"]
    status, body = call(Action="DeleteQueue", QueueUrl=url.replace("legacy", "nope"))
    assert status == 400 and "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in body
