"""IAM enforced on every call: the lab's lesson through the aws CLI's own calls, audit mode,
and the explanations."""
import json

import boto3
from botocore.config import Config

from test_wire import client, error_of

SNS_POLICY = "arn:aws:iam::aws:policy/AmazonSNSFullAccess"
DENIAL = ("User: arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/salesAnalysisReport is not authorized to perform: "
          "sns:Publish on resource: arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic because no identity-based policy allows the sns:Publish action")


def report_subjects(daemon):
    return [m["subject"] for m in daemon.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"]


def test_detaching_sns_access_fails_the_run_then_reattaching_mends_it(friday):
    iam, logs = client(friday, "iam"), client(friday, "logs")
    # Given the report's role without AmazonSNSFullAccess
    iam.detach_role_policy(RoleName="salesAnalysisReportRole", PolicyArn=SNS_POLICY)
    # When the schedule fires
    assert len(friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})["fired"]) == 1
    # Then no email, and the function's log group shows the authorization error
    assert report_subjects(friday) == []
    messages = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/salesAnalysisReport", filterPattern="AuthorizationError")["events"]]
    # the run at 20:00 and Lambda's first retry at 20:01
    assert messages == ["[ERROR] AuthorizationErrorException: An error occurred (AuthorizationError) when calling the Publish operation: " + DENIAL] * 2
    # And IAM explains the denial
    explained = friday.cli("iam", "explain").stdout
    assert "implicitDeny  arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/salesAnalysisReport  sns:Publish" in explained
    assert "no identity-based policy" in explained
    # When it is attached again, Lambda's second retry of the failed run (20:03) emails, then Saturday's run
    iam.attach_role_policy(RoleName="salesAnalysisReportRole", PolicyArn=SNS_POLICY)
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1d"})
    assert [m["time"] for m in friday.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"] == [
        "2026-11-27T20:03:00Z", "2026-11-28T20:00:00Z"]


def test_removing_the_events_permission_stops_the_trigger(friday):
    lam = client(friday, "lambda")
    lam.remove_permission(FunctionName="salesAnalysisReport", StatementId="salesAnalysisReportDailyTrigger-invoke")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert report_subjects(friday) == []
    lam.add_permission(FunctionName="salesAnalysisReport", StatementId="again", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com", SourceArn="arn:aws:events:us-east-1:000000000000:rule/salesAnalysisReportDailyTrigger")
    friday.api("POST", "/_cloudcafe/clock", {"advance": "1d"})
    assert report_subjects(friday) == ["Daily Sales Analysis Report"]


def test_a_user_is_limited_to_its_policies(friday):
    iam = client(friday, "iam")
    iam.create_user(UserName="barista")
    key = iam.create_access_key(UserName="barista")["AccessKey"]
    iam.put_user_policy(UserName="barista", PolicyName="readCafe", PolicyDocument=
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:*:*:parameter/cafe/*"}]}')
    ssm = boto3.client("ssm", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"], config=Config(retries={"max_attempts": 1}))
    assert ssm.get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert error_of(lambda: ssm.put_parameter(Name="/cafe/dbName", Value="x", Type="String", Overwrite=True)) == (
        "AccessDeniedException", "User: arn:aws:iam::000000000000:user/barista is not authorized to perform: ssm:PutParameter on resource: "
        "arn:aws:ssm:us-east-1:000000000000:parameter/cafe/dbName because no identity-based policy allows the ssm:PutParameter action", 400)
    iam.put_user_policy(UserName="barista", PolicyName="noSecrets", PolicyDocument=
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ssm:*","Resource":"arn:aws:ssm:*:*:parameter/cafe/dbPassword"}]}')
    assert error_of(lambda: ssm.get_parameter(Name="/cafe/dbPassword"))[1].endswith("with an explicit deny in an identity-based policy")
    sns = boto3.client("sns", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert error_of(lambda: sns.list_topics())[0:2] == ("AuthorizationError", "User: arn:aws:iam::000000000000:user/barista is not authorized to perform: "
                                                         "sns:ListTopics on resource: * because no identity-based policy allows the sns:ListTopics action")


def test_audit_mode_allows_and_records(daemon_factory):
    d = daemon_factory("--iam", "audit", "--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    client(d, "iam").detach_role_policy(RoleName="salesAnalysisReportRole", PolicyArn=SNS_POLICY)
    d.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert report_subjects(d) == ["Daily Sales Analysis Report"]
    denied = d.api("GET", "/_cloudcafe/iam/decisions?denied=true")
    assert denied["mode"] == "audit"
    assert [(x["action"], x["decision"]) for x in denied["decisions"]] == [("sns:Publish", "implicitDeny")]


def test_malformed_policies_are_rejected_with_iams_message(friday):
    iam = client(friday, "iam")
    assert error_of(lambda: iam.put_role_policy(RoleName="salesAnalysisReportRole", PolicyName="p", PolicyDocument=
                                                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish"}]}')) == (
        "MalformedPolicyDocument", "Policy statement must contain resources.", 400)
    assert error_of(lambda: iam.create_role(RoleName="r2", AssumeRolePolicyDocument=
                                            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}')) == (
        "MalformedPolicyDocument", "Missing required field Principal", 400)


def test_policy_simulator_uses_the_same_engine(friday):
    iam = client(friday, "iam")
    role = "arn:aws:iam::000000000000:role/salesAnalysisReportRole"
    topic = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"
    results = iam.simulate_principal_policy(PolicySourceArn=role, ActionNames=["sns:Publish", "ssm:PutParameter"], ResourceArns=[topic])["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [("sns:Publish", "allowed"), ("ssm:PutParameter", "implicitDeny")]
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "AmazonSNSFullAccess"
    custom = iam.simulate_custom_policy(
        PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*",'
                         '"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}'],
        ActionNames=["lambda:InvokeFunction"])["EvaluationResults"][0]
    assert custom["EvalDecision"] == "implicitDeny"
    assert custom["MissingContextValues"] == ["aws:SourceAccount"]
    given = iam.simulate_custom_policy(
        PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*",'
                         '"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}'],
        ActionNames=["lambda:InvokeFunction"],
        ContextEntries=[{"ContextKeyName": "aws:SourceAccount", "ContextKeyValues": ["000000000000"], "ContextKeyType": "string"}])["EvaluationResults"][0]
    assert given["EvalDecision"] == "allowed" and given["MissingContextValues"] == []


def test_source_ip_condition(friday):
    iam = client(friday, "iam")
    iam.create_user(UserName="remote")
    key = iam.create_access_key(UserName="remote")["AccessKey"]
    iam.put_user_policy(UserName="remote", PolicyName="fromElsewhere", PolicyDocument=
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"*",'
                        '"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}')
    ssm = boto3.client("ssm", endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert error_of(lambda: ssm.get_parameter(Name="/cafe/dbName"))[0] == "AccessDeniedException"
    iam.put_user_policy(UserName="remote", PolicyName="fromElsewhere", PolicyDocument=
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"*",'
                        '"Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}')
    assert ssm.get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"


def test_permissions_boundaries_and_session_policies(friday):
    iam, sts = client(friday, "iam"), client(friday, "sts")
    only_ssm = iam.create_policy(PolicyName="onlySSM", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.create_user(UserName="intern", PermissionsBoundary=only_ssm)
    iam.put_user_policy(UserName="intern", PolicyName="everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="intern")["AccessKey"]
    as_intern = lambda svc: boto3.client(svc, endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                                         aws_secret_access_key=key["SecretAccessKey"])
    assert as_intern("ssm").get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert error_of(lambda: as_intern("sns").list_topics())[1].endswith("because no permissions boundary allows the sns:ListTopics action")
    iam.delete_user_permissions_boundary(UserName="intern")
    assert as_intern("sns").list_topics()["Topics"]

    # A session policy caps what the assumed role may do
    iam.update_assume_role_policy(RoleName="salesAnalysisReportRole", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/intern"}, "Action": "sts:AssumeRole"}]}))
    creds = as_intern("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/salesAnalysisReportRole", RoleSessionName="capped",
                                         Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]}))["Credentials"]
    session = lambda svc: boto3.client(svc, endpoint_url=friday.url, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    assert session("ssm").get_parameter(Name="/cafe/dbName")["Parameter"]["Value"] == "cafe_db"
    assert error_of(lambda: session("sns").publish(TopicArn="arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic", Message="x"))[1].endswith(
        "because no session policy allows the sns:Publish action")
    role = iam.get_role(RoleName="salesAnalysisReportRole")["Role"]
    assert "PermissionsBoundary" not in role
    iam.put_role_permissions_boundary(RoleName="salesAnalysisReportRole", PermissionsBoundary=only_ssm)
    assert iam.get_role(RoleName="salesAnalysisReportRole")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == only_ssm
    # The report's own role is now capped too: the next run cannot publish
    friday.api("POST", "/_cloudcafe/clock", {"advance": "2m"})
    assert report_subjects(friday) == []


def test_iam_decides_and_words_as_aws(friday):
    iam = client(friday, "iam")

    def policy(*statements, version="2012-10-17"):
        return json.dumps({**({"Version": version} if version else {}), "Statement": list(statements)})

    publish = {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}
    # MalformedPolicyDocument in AWS's wording and order of checks.
    for document, message in [
        (policy(publish, version=None), "Policy document must be version 2012-10-17 or greater."),
        (policy({**publish, "Effect": "allow"}), "The policy failed legacy parsing"),
        (policy({**publish, "Resource": "aws:s3:::bucket"}), 'Partition "s3" is not valid for resource "arn:s3:::bucket:*".'),
        (policy({**publish, "Action": "s3:a:b", "Resource": "topic"}), 'Resource topic must be in ARN format or "*".'),
        (policy({**publish, "Extra": 1}), "Syntax errors in policy."),
    ]:
        assert error_of(lambda: iam.create_policy(PolicyName="p", PolicyDocument=document)) == ("MalformedPolicyDocument", message, 400)
    trust = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"})
    assert error_of(lambda: iam.create_role(RoleName="r3", AssumeRolePolicyDocument=trust)) == ("MalformedPolicyDocument", "Has prohibited field Resource", 400)

    def decision(**kwargs):
        return iam.simulate_custom_policy(ActionNames=["sns:Publish"], **kwargs)["EvaluationResults"][0]["EvalDecision"]

    # A permissions boundary given to the simulator caps what the policies grant.
    assert decision(PolicyInputList=[policy(publish)]) == "allowed"
    assert decision(PolicyInputList=[policy(publish)], PermissionsBoundaryPolicyInputList=[policy({**publish, "Action": "sqs:*"})]) == "implicitDeny"
    # Across accounts both the caller's policies and the resource's policy must allow.
    shared = "arn:aws:sns:us-east-1:111122223333:shared"
    topic_policy = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:role/salesAnalysisReportRole"},
                           "Action": "sns:Publish", "Resource": shared})
    role = "arn:aws:iam::000000000000:role/salesAnalysisReportRole"
    assert decision(PolicyInputList=[policy(publish)], ResourceArns=[shared]) == "implicitDeny"
    assert decision(PolicyInputList=[policy(publish)], ResourceArns=[shared], ResourcePolicy=topic_policy, CallerArn=role) == "allowed"
    assert decision(PolicyInputList=[policy(publish)], ResourceArns=[shared], ResourcePolicy=topic_policy,
                    CallerArn="arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/salesAnalysisReport") == "allowed"
    assert decision(PolicyInputList=[policy(publish)], ResourceArns=[shared], ResourcePolicy=topic_policy,
                    CallerArn="arn:aws:iam::000000000000:user/someoneElse") == "implicitDeny"
    assert error_of(lambda: decision(PolicyInputList=[policy(publish)], CallerArn="arn:aws:iam::000000000000:group/g"))[:2] == (
        "InvalidInput", "Invalid ARN: arn:aws:iam::000000000000:group/g")
    # ${*} is an asterisk, not a wildcard.
    star = policy({**publish, "Resource": "arn:aws:sns:us-east-1:000000000000:t${*}"})
    assert decision(PolicyInputList=[star], ResourceArns=["arn:aws:sns:us-east-1:000000000000:t*"]) == "allowed"
    assert decision(PolicyInputList=[star], ResourceArns=["arn:aws:sns:us-east-1:000000000000:tx"]) == "implicitDeny"


def test_iams_quotas(friday):
    iam = client(friday, "iam")

    def sized(n):
        """A valid policy of exactly n characters other than white space."""
        base = '{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}'
        return base.replace('"Sid":""', '"Sid":"' + "a" * (n - len(base)) + '"')

    assert error_of(lambda: iam.create_policy(PolicyName="big", PolicyDocument=sized(6_145))) == (
        "LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)
    iam.create_policy(PolicyName="fits", PolicyDocument=sized(6_144) + "\n   ")  # white space does not count
    iam.create_user(UserName="quota")
    iam.put_user_policy(UserName="quota", PolicyName="one", PolicyDocument=sized(1_500))
    assert error_of(lambda: iam.put_user_policy(UserName="quota", PolicyName="two", PolicyDocument=sized(600))) == (
        "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user quota", 409)
    iam.put_user_policy(UserName="quota", PolicyName="three", PolicyDocument=sized(540))  # fits only because "two" was not kept
    arns = [iam.create_policy(PolicyName=f"p{i}", PolicyDocument=sized(200))["Policy"]["Arn"] for i in range(11)]
    for arn in arns[:10]:
        iam.attach_user_policy(UserName="quota", PolicyArn=arn)
    assert error_of(lambda: iam.attach_user_policy(UserName="quota", PolicyArn=arns[10])) == (
        "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10", 409)
