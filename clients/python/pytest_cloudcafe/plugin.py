"""The pytest plugin (registered through the `pytest11` entry point): the `cloudcafe` and
`cloudcafe_isolated` fixtures."""
from __future__ import annotations

import os
import shlex
from typing import Iterator

import pytest

from .daemon import CloudCafe, start_args

DEPLOYED = "pytest-cloudcafe-deployed"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("cloudcafe_start_time", "The virtual clock's first instant (the clock is frozen there)", default="2026-11-27T19:59:00Z")
    parser.addini("cloudcafe_serve_args", "More `cloudcafe serve` arguments (`--stack FILE`, `--seed 7`)", default="")


@pytest.fixture(scope="session")
def cloudcafe(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudCafe]:
    """A CloudCafe daemon for the session: the one at `CLOUDCAFE_ENDPOINT`, or a new
    `cloudcafe serve --port 0` with the café stack and a frozen clock (one per pytest-xdist
    worker). Its freshly deployed state is saved as a snapshot, which `cloudcafe_isolated`
    puts back before each test."""
    attached = os.environ.get("CLOUDCAFE_ENDPOINT")
    if attached:
        cafe = CloudCafe(attached)
    else:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        extra = shlex.split(str(request.config.getini("cloudcafe_serve_args")))
        cafe = CloudCafe.start(*start_args(str(request.config.getini("cloudcafe_start_time")), extra), folder=tmp_path_factory.mktemp(f"cloudcafe-{worker}"))
    cafe.snapshot(DEPLOYED)
    yield cafe
    cafe.stop()


@pytest.fixture
def cloudcafe_isolated(cloudcafe: CloudCafe) -> CloudCafe:
    """The session's daemon, put back to its freshly deployed state before the test."""
    cloudcafe.restore(DEPLOYED)
    return cloudcafe
