"""CloudCafe for Python test suites: start or attach to a daemon, move its clock, read its
emails and logs, invoke functions, and put the whole state back between tests."""
from .daemon import Clock, CloudCafe

__all__ = ["CloudCafe", "Clock"]
