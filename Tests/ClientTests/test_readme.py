"""The README's five-minute tour, step by step as written, against a real daemon: every
command succeeds, and what the text promises happens."""
import os
import re
import subprocess

from conftest import BIN, REPO
from test_wire import VENV_BIN


def tour_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    tour = text[text.index("## A five-minute tour"):text.index("## Documentation")]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", tour, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if not line or line.startswith("#") or line.startswith(("swift build", "alias ", "export ")) or " serve " in f" {line} ":
                continue
            commands.append(line)
    return commands


def test_the_readme_tour_works_as_written(daemon_factory, tmp_path):
    # The tour's daemon: the café stack, the clock frozen on Friday 19:59
    d = daemon_factory("--clock-rate", "0", "--start-time", "2026-11-27T19:59:00Z")
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ["PATH"], "CLOUDCAFE_ENDPOINT": d.url, "AWS_ENDPOINT_URL": d.url,
           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    outputs = {}
    commands = tour_commands()
    assert any(c.startswith("cloudcafe clock advance 2m") for c in commands) and any(c.startswith("aws iam detach-role-policy") for c in commands)
    for command in commands:
        script = f'cloudcafe() {{ "{BIN}" "$@"; }}\n{command}'
        out = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, f"{command}\n{out.stdout}\n{out.stderr}"
        outputs[command] = out.stdout
    # The Friday run, as the tour shows it
    advanced = next(v for k, v in outputs.items() if k.startswith("cloudcafe clock advance 2m"))
    assert advanced.splitlines()[0] == (
        "fired salesAnalysisReportDailyTrigger at 2026-11-27T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email")
    assert "email to admin@example.com" in outputs["cloudcafe timeline"]
    # The generated month covers the week of reports: every report has orders
    reports = [m for m in d.api("GET", "/_cloudcafe/outbox") if m["subject"] == "Daily Sales Analysis Report"]
    bodies = [d.api("GET", f"/_cloudcafe/outbox/{m['file']}?format=json")["body"] for m in reports]
    week = [b for b, m in zip(bodies, reports) if "2026-11-28" <= m["time"][:10] <= "2026-12-05" and m["time"].endswith("T20:00:00Z")]
    assert len(week) == 7 and not any("There were no orders today." in b for b in week)
    # The IAM demo: the next run fails the way AWS fails it, and IAM explains it
    logs = next(v for k, v in outputs.items() if k.startswith("cloudcafe logs salesAnalysisReport --tail"))
    assert "AuthorizationErrorException" in logs and "is not authorized to perform: sns:Publish" in logs
    assert "no denials" not in outputs["cloudcafe iam explain"]


def test_the_docs_show_the_suites_and_the_labs_python_as_they_are():
    testing = (REPO / "docs" / "testing.md").read_text()
    assert (REPO / "clients" / "python" / "examples" / "test_friday_report.py").read_text() in testing
    assert (REPO / "Tests" / "CloudCafeTestingTests" / "FridayReportTests.swift").read_text() in testing
    runtimes = (REPO / "docs" / "runtimes.md").read_text()
    assert (REPO / "fixtures" / "functions" / "salesAnalysisReport" / "salesAnalysisReport.py").read_text() in runtimes
