"""Functions' own code through the Lambda Runtime API: Python through AWS's runtime
interface client, any language through a `bootstrap`, under IAM, logs and the virtual clock.
Deployed with boto3 and the aws CLI against the real daemon."""
import base64
import concurrent.futures
import datetime
import email
import email.policy
import io
import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from test_wire import VENV_BIN, client, error_of

ROLE = "arn:aws:iam::000000000000:role/salesAnalysisReportRole"
TOPIC = "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"


def package(files: dict, executable=()) -> bytes:
    """A zip of `files` (name -> text), with the named ones executable (mode 0755)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100755 if name in executable else 0o100644) << 16
            z.writestr(info, text)
    return buffer.getvalue()


def deploy(d, name, code: str = "", *, files=None, handler="handler.handler", runtime="python3.11", role=ROLE, **extra):
    lam = client(d, "lambda")
    lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler=handler,
                        Code={"ZipFile": package(files or {"handler.py": code}, executable=("bootstrap",))}, **extra)
    return lam


def invoke(lam, name, event=None, **extra):
    out = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}), **extra)
    return out.get("FunctionError"), json.loads(out["Payload"].read() or b"null"), out


def log_messages(d, name):
    logs = client(d, "logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    return [e["message"] for e in events]


def emails(d):
    folder = d.outbox / "new"
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.iterdir())]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_python_function_calls_ssm_and_sns_as_its_role(friday):
    # Given a Python function that reads SSM and publishes to the café's topic
    lam = deploy(friday, "notify", """
import boto3, os
print("cold start in", os.environ["AWS_LAMBDA_FUNCTION_NAME"])
def handler(event, context):
    name = boto3.client("ssm").get_parameter(Name="/cafe/dbName")["Parameter"]["Value"]
    who = boto3.client("sts").get_caller_identity()["Arn"]
    boto3.client("sns").publish(TopicArn=os.environ["TOPIC"], Message=f"{event['greeting']} from {name}", Subject="From Python")
    print("published for", context.aws_request_id)
    return {"db": name, "caller": who, "region": os.environ["AWS_REGION"], "left": context.get_remaining_time_in_millis()}
""", Environment={"Variables": {"TOPIC": TOPIC}})
    # When it is invoked twice
    failure, answer, out = invoke(lam, "notify", {"greeting": "hello"}, LogType="Tail")
    assert failure is None, answer
    again, _, _ = invoke(lam, "notify", {"greeting": "again"})
    # Then it ran as its execution role's session, named after the function
    assert answer["db"] == "cafe_db"
    assert answer["caller"] == "arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/notify"
    assert answer["region"] == "us-east-1" and 0 < answer["left"] <= 3000
    assert again is None
    # And its emails were delivered
    bodies = [m.get_payload(decode=True).decode() for m in emails(friday) if m["Subject"] == "From Python"]
    assert [b.split("\n\n--\n")[0] for b in bodies] == ["hello from cafe_db", "again from cafe_db"]
    # And its log has the runtime's framing: init output, START, its lines, END, REPORT with Init Duration once
    tail = base64.b64decode(out["LogResult"]).decode().splitlines()
    assert tail[0] == "cold start in notify"
    assert tail[1].startswith("START RequestId: ") and tail[1].endswith(" Version: $LATEST")
    assert tail[2].startswith("published for ") and tail[3].startswith("END RequestId: ") and "Init Duration" in tail[4]
    messages = log_messages(friday, "notify")
    reports = [m for m in messages if m.startswith("REPORT ")]
    assert len(reports) == 2 and sum("Init Duration" in r for r in reports) == 1
    assert sum(m.startswith("published for ") for m in messages) == 2


def test_a_role_without_publish_is_denied_and_says_so_in_the_log(friday):
    # Given a role that may read SSM and write logs, but not publish
    iam = client(friday, "iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="readOnly", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="readOnly", PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ssm:GetParameter", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}))
    before = len(emails(friday))
    lam = deploy(friday, "denied", """
import boto3
def handler(event, context):
    boto3.client("ssm").get_parameter(Name="/cafe/dbName")
    boto3.client("sns").publish(TopicArn="%s", Message="never")
""" % TOPIC, role=role)
    # When it runs
    failure, answer, _ = invoke(lam, "denied")
    # Then SNS refused it as AWS does, the error is in its log, and nothing was emailed
    assert failure == "Unhandled"
    assert answer["errorType"] == "AuthorizationErrorException"
    assert "User: arn:aws:sts::000000000000:assumed-role/readOnly/denied is not authorized to perform: sns:Publish" in answer["errorMessage"]
    errors = [m for m in log_messages(friday, "denied") if m.startswith("[ERROR] AuthorizationErrorException")]
    assert len(errors) == 1 and "\nTraceback (most recent call last):" in errors[0]
    assert len(emails(friday)) == before


def test_a_provided_runtime_runs_a_shell_bootstrap(friday):
    # Given a provided.al2023 function whose bootstrap is AWS's own tutorial script (sh and curl)
    bootstrap = """#!/bin/sh
set -eu
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
while true; do
  HEADERS="$(mktemp)"
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")
  curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE" >/dev/null
done
"""
    script = """handler () {
  echo "shell got $1" 1>&2
  echo "{\\"today\\": \\"$(date -u +%Y-%m-%dT%H:%M)\\", \\"event\\": $1}"
}
"""
    lam = deploy(friday, "shell", files={"bootstrap": bootstrap, "function.sh": script}, runtime="provided.al2023", handler="function.handler")
    # When it is invoked
    failure, answer, _ = invoke(lam, "shell", {"n": 1})
    # Then its answer came through the Runtime API, on the virtual clock (Friday 19:59)
    assert failure is None, answer
    assert answer == {"today": "2026-11-27T19:59", "event": {"n": 1}}
    assert 'shell got {"n": 1}' in log_messages(friday, "shell")


def test_import_errors_crashes_exceptions_and_timeouts_fail_as_aws_reports_them(friday):
    lam = deploy(friday, "broken", """
import os, time
def crash(event, context):
    os._exit(3)
def throw(event, context):
    raise ValueError("boom")
def slow(event, context):
    time.sleep(5)
def ok(event, context):
    return "fine"
""", Timeout=1)
    # An import error is reported from init
    lam.update_function_configuration(FunctionName="broken", Handler="nothere.handler")
    failure, answer, _ = invoke(lam, "broken")
    assert failure == "Unhandled"
    assert answer["errorType"] == "Runtime.ImportModuleError"
    assert answer["errorMessage"] == "Unable to import module 'nothere': No module named 'nothere'"
    # An exception carries Python's type, message and stack trace; the traceback is one log event
    lam.update_function_configuration(FunctionName="broken", Handler="handler.throw")
    failure, answer, _ = invoke(lam, "broken")
    assert (failure, answer["errorType"], answer["errorMessage"]) == ("Unhandled", "ValueError", "boom")
    assert any('raise ValueError("boom")' in line for line in answer["stackTrace"])
    assert any(m.startswith("[ERROR] ValueError: boom\nTraceback (most recent call last):") for m in log_messages(friday, "broken"))
    # A process that exits is Runtime.ExitError with its status
    lam.update_function_configuration(FunctionName="broken", Handler="handler.crash")
    failure, answer, out = invoke(lam, "broken")
    request_id = out["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert answer["errorType"] == "Runtime.ExitError"
    assert answer["errorMessage"].endswith(" Error: Runtime exited with error: exit status 3")
    # A timeout kills the process after the function's timeout, in machine seconds
    lam.update_function_configuration(FunctionName="broken", Handler="handler.slow")
    started = time.monotonic()
    failure, answer, _ = invoke(lam, "broken")
    assert time.monotonic() - started < 4
    assert answer["errorType"] == "Sandbox.Timedout"
    assert answer["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert any(m.endswith("Task timed out after 1.00 seconds") for m in log_messages(friday, "broken"))
    assert any("\tStatus: timeout" in m for m in log_messages(friday, "broken"))
    # And the function works again afterwards, in a new environment
    lam.update_function_configuration(FunctionName="broken", Handler="handler.ok")
    assert invoke(lam, "broken")[:2] == (None, "fine")
    assert request_id


def test_a_layers_module_is_importable(friday):
    lam = client(friday, "lambda")
    layer = lam.publish_layer_version(LayerName="greetings", Content={"ZipFile": package({"python/greeting.py": "def hello(who):\n    return 'hello ' + who\n"})})
    deploy(friday, "layered", "from greeting import hello\ndef handler(event, context):\n    return hello(event['who'])\n", Layers=[layer["LayerVersionArn"]])
    assert invoke(lam, "layered", {"who": "café"})[:2] == (None, "hello café")
    # Without the layer the module is missing at import
    lam.update_function_configuration(FunctionName="layered", Layers=[])
    failure, answer, _ = invoke(lam, "layered", {"who": "café"})
    assert answer["errorMessage"] == "Unable to import module 'handler': No module named 'greeting'"


def test_code_sees_the_virtual_clock_and_real_sleeps(friday):
    lam = deploy(friday, "clock", """
import time, datetime, threading
def handler(event, context):
    t0 = time.monotonic()
    time.sleep(0.2)
    threading.Event().wait(0.1)
    return {"now": datetime.datetime.now(datetime.timezone.utc).isoformat(), "slept": time.monotonic() - t0,
            "left": context.get_remaining_time_in_millis()}
""")
    _, answer, _ = invoke(lam, "clock")
    # The frozen clock reads Friday 19:59 and runs at machine speed inside the invocation
    now = datetime.datetime.fromisoformat(answer["now"])
    assert datetime.datetime(2026, 11, 27, 19, 59, tzinfo=datetime.timezone.utc) <= now < datetime.datetime(2026, 11, 27, 19, 59, 5, tzinfo=datetime.timezone.utc)
    # Sleeps and waits take real time, and the deadline is on the same clock as time.time()
    assert 0.29 <= answer["slept"] < 2
    assert 1500 < answer["left"] <= 2800
    # Moving the clock moves what the warm environment sees
    friday.api("POST", "/_cloudcafe/clock", {"set": "2031-06-01T08:00:00Z"})
    assert invoke(lam, "clock")[1]["now"].startswith("2031-06-01T08:00:0")


def test_ten_concurrent_invocations_use_several_environments(friday):
    lam = deploy(friday, "parallel", "import os, time\ndef handler(event, context):\n    time.sleep(0.3)\n    return os.getpid()\n")
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda i: invoke(client(friday, "lambda"), "parallel", {"i": i})[:2], range(10)))
    assert all(failure is None for failure, _ in results)
    assert len({pid for _, pid in results}) > 1


def test_images_and_extension_layers_are_refused(friday):
    lam = client(friday, "lambda")
    code, message, status = error_of(lambda: lam.create_function(
        FunctionName="image", Role=ROLE, PackageType="Image", Code={"ImageUri": "000000000000.dkr.ecr.us-east-1.amazonaws.com/x:latest"}))
    assert (code, status) == ("InvalidParameterValueException", 400) and "Docker" in message
    layer = lam.publish_layer_version(LayerName="ext", Content={"ZipFile": package({"extensions/agent": "#!/bin/sh\n"}, executable=("extensions/agent",))})
    code, message, _ = error_of(lambda: deploy(friday, "withext", "def handler(e, c): pass\n", Layers=[layer["LayerVersionArn"]]))
    assert code == "InvalidParameterValueException" and "Extensions API" in message


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_no_runtime_process_outlives_the_daemon(daemon_factory, stop):
    d = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    lam = deploy(d, "lingering", "import os\ndef handler(event, context):\n    return os.getpid()\n")
    pid = invoke(lam, "lingering")[1]
    assert pid_alive(pid)
    d.process.send_signal(stop)
    d.process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(pid)


def test_the_labs_python_report_emails_the_same_bytes_as_the_builtin(friday):
    # Given Friday's orders and the built-in report's email
    db = str(friday.cafe_db)
    friday.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-27T14:05:00", "Croissant=1", "Hot Chocolate=2")
    friday.offline("orders", "add", "--cafe-db", db, "--at", "2026-11-27T10:00:00", "Strawberry Blueberry Tart=12", "Latte=3", "Coffee=1")
    event = '{"time": "2026-11-27T20:00:00Z"}'
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ["PATH"], "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}

    def aws(*args):
        out = subprocess.run(["aws", "--endpoint-url", friday.url, *args], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout

    aws("lambda", "invoke", "--function-name", "salesAnalysisReport", "--payload", event, str(friday.folder / "builtin.json"))
    # When the lab's Python is deployed over the function with the aws CLI, still running the built-in…
    source = REPO / "fixtures" / "functions" / "salesAnalysisReport" / "salesAnalysisReport.py"
    (friday.folder / "report.zip").write_bytes(package({"salesAnalysisReport.py": source.read_text()}))
    aws("lambda", "update-function-code", "--function-name", "salesAnalysisReport", "--zip-file", f"fileb://{friday.folder / 'report.zip'}")
    aws("lambda", "invoke", "--function-name", "salesAnalysisReport", "--payload", event, str(friday.folder / "still-builtin.json"))
    # …then tagged to run its code
    arn = json.loads(aws("lambda", "get-function", "--function-name", "salesAnalysisReport"))["Configuration"]["FunctionArn"]
    aws("lambda", "tag-resource", "--resource", arn, "--tags", "cloudcafe:runtime=code")
    aws("lambda", "invoke", "--function-name", "salesAnalysisReport", "--payload", event, str(friday.folder / "python.json"))
    # Then the Python run answered and emailed exactly what the built-in did
    assert json.loads((friday.folder / "python.json").read_text()) == {"statusCode": 200, "body": '"Sale Analysis Report sent."'}
    reports = [m for m in emails(friday) if m["Subject"] == "Daily Sales Analysis Report"]
    assert len(reports) == 3
    builtin, python = reports[0].get_payload(decode=True), reports[2].get_payload(decode=True)
    assert python == builtin
    assert b"Product Group: Pastries" in python
    # And the built-in run said once, in the function's log, that the package's code was not run and how to run it
    notices = [m for m in log_messages(friday, "salesAnalysisReport") if "not the salesAnalysisReport.py in its package" in m]
    assert len(notices) == 1 and "cloudcafe:runtime=code" in notices[0]
    # And cloudcafe's verb switches it back to the built-in
    assert friday.cli("use-builtin", "salesAnalysisReport").stdout.strip() == "salesAnalysisReport runs its built-in handler"
    tags = client(friday, "lambda").list_tags(Resource=arn)["Tags"]
    assert tags["cloudcafe:runtime"] == "builtin"
