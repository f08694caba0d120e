"""serve --strict-auth: every SigV4 signature verified, headers and presigned URLs."""
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

from test_wire import error_of


def c(daemon, service, key="test", secret="test", token=None):
    return boto3.client(service, endpoint_url=daemon.url, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token, config=Config(retries={"max_attempts": 1}))


def test_strict_auth(daemon_factory):
    d = daemon_factory("--strict-auth", "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    # The root pair (--root-credentials, default test:test) signs correctly for every protocol
    assert c(d, "sts").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    assert c(d, "ssm").get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert c(d, "lambda").get_function(FunctionName="salesAnalysisReport")["Configuration"]["Handler"] == "salesAnalysisReport.lambda_handler"
    # A wrong secret or an unknown key is refused with each protocol's error
    assert error_of(lambda: c(d, "sts", secret="wrong").get_caller_identity())[0::2] == ("SignatureDoesNotMatch", 403)
    assert error_of(lambda: c(d, "ssm", secret="wrong").get_parameter(Name="/cafe/dbName"))[0::2] == ("InvalidSignatureException", 400)
    assert error_of(lambda: c(d, "lambda", secret="wrong").list_functions())[0::2] == ("InvalidSignatureException", 403)
    assert error_of(lambda: c(d, "sns", key="AKIAUNKNOWN").list_topics()) == ("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    assert error_of(lambda: c(d, "logs", key="AKIAUNKNOWN").describe_log_groups())[0::2] == ("UnrecognizedClientException", 400)
    # Presigned URLs verify too, and a tampered one does not
    url = c(d, "sts").generate_presigned_url("get_caller_identity", ExpiresIn=300)
    assert urllib.request.urlopen(url).status == 200
    try:
        urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
        raise AssertionError("accepted a tampered signature")
    except urllib.error.HTTPError as e:
        assert e.code == 403
    # Keys IAM issues sign for their user; session credentials need their token and expire on the virtual clock
    iam = c(d, "iam")
    iam.create_user(UserName="cook")
    key = iam.create_access_key(UserName="cook")["AccessKey"]
    assert c(d, "sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/cook"
    iam.put_user_policy(UserName="cook", PolicyName="assume", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}')
    iam.update_assume_role_policy(RoleName="salesAnalysisReportRole", PolicyDocument=
                                  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/cook"},"Action":"sts:AssumeRole"}]}')
    creds = c(d, "sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
        RoleArn="arn:aws:iam::000000000000:role/salesAnalysisReportRole", RoleSessionName="shift", DurationSeconds=900)["Credentials"]
    session = c(d, "sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert session.get_caller_identity()["Arn"] == "arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/shift"
    assert error_of(lambda: c(d, "sts", creds["AccessKeyId"], creds["SecretAccessKey"]).get_caller_identity())[0] == "InvalidClientTokenId"
    d.api("POST", "/_cloudcafe/clock", {"advance": "16m"})
    assert error_of(lambda: session.get_caller_identity()) == ("ExpiredToken", "The security token included in the request is expired", 403)


def test_expired_session_credentials_never_act_as_root(friday):
    """Without --strict-auth any unknown key is the root user, but a session CloudCafe issued and
    that has ended is refused, as AWS refuses it."""
    iam = c(friday, "iam")
    iam.update_assume_role_policy(RoleName="salesAnalysisReportRole", PolicyDocument=
                                  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}')
    iam.create_user(UserName="cook")
    key = iam.create_access_key(UserName="cook")["AccessKey"]
    iam.put_user_policy(UserName="cook", PolicyName="assume", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}')
    creds = c(friday, "sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
        RoleArn="arn:aws:iam::000000000000:role/salesAnalysisReportRole", RoleSessionName="shift", DurationSeconds=900)["Credentials"]
    session = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert c(friday, "sts", *session).get_caller_identity()["Arn"].endswith("assumed-role/salesAnalysisReportRole/shift")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "16m"})
    assert error_of(lambda: c(friday, "sts", *session).get_caller_identity()) == ("ExpiredToken", "The security token included in the request is expired", 403)
    assert error_of(lambda: c(friday, "ssm", *session).get_parameter(Name="/cafe/dbName"))[0::2] == ("ExpiredTokenException", 400)
    assert c(friday, "sts", "AKIAANYTHING", "x").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"


def test_strict_auth_binds_the_body_to_the_signature(daemon_factory):
    import hashlib
    import http.client
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    d = daemon_factory("--strict-auth", "--clock-rate", "0")
    signed_body = b'{"Name":"/cafe/dbName"}'
    request = AWSRequest(method="POST", url=d.url + "/", data=signed_body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter",
        "x-amz-content-sha256": hashlib.sha256(signed_body).hexdigest()})
    SigV4Auth(Credentials("test", "test"), "ssm", "us-east-1").add_auth(request)
    host, port = d.url.replace("http://", "").split(":")

    def send(body):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/", body=body, headers=dict(request.headers.items()))
        r = conn.getresponse()
        return r.status, r.read()

    assert send(signed_body)[0] == 200
    # Another body under the same signature (and the same claimed hash) is refused.
    status, body = send(b'{"Name":"/cafe/dbPassword"}')
    assert status == 400 and b"InvalidSignatureException" in body


def test_strict_auth_closes_the_admin_api_to_callers_without_the_token(daemon_factory):
    d = daemon_factory("--strict-auth", "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    token = d.token_file.read_text().strip()
    assert len(token) == 64 and (d.token_file.stat().st_mode & 0o777) == 0o600
    for path in ("/_cloudcafe/clock", "/_cloudcafe/outbox"):
        try:
            urllib.request.urlopen(d.url + path)
            raise AssertionError("answered without the token")
        except urllib.error.HTTPError as e:
            assert e.code == 401
    with urllib.request.urlopen(d.url + "/_cloudcafe/health") as r:
        assert r.status == 200
    wrong = urllib.request.Request(d.url + "/_cloudcafe/clock", headers={"Authorization": "Bearer " + "0" * 64})
    try:
        urllib.request.urlopen(wrong)
        raise AssertionError("answered a wrong token")
    except urllib.error.HTTPError as e:
        assert e.code == 401
    assert d.api("GET", "/_cloudcafe/clock")["now"] == "2026-11-27T19:59:00Z"
    # The cloudcafe CLI reads the token file.
    assert "2026-11-27T19:59:00Z" in d.cli("clock").stdout
