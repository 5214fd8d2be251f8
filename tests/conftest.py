"""Shared test helpers: an exact-equality check that states what it compares."""

import os
import shutil

import pytest
import sympy


def same(result, expected) -> bool:
    """True when symsig's exact result equals a hand-written SymPy formula identically."""
    got = result.expr if hasattr(result, "expr") else result
    return sympy.cancel(sympy.together(got - expected)) == 0


def under_ci() -> bool:
    """True when the CI variable is set to anything but false/0 (CI=true, CI=1, CI=yes, ...):
    then a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def require_tool(name: str, install: str) -> str:
    """The path of the program `name`; without it the test is skipped, or under CI (see
    `under_ci`) failed, with how to install it."""
    path = shutil.which(name)
    if path is None:
        if under_ci():
            pytest.fail(f"{name} is required under CI ({install})")
        pytest.skip(f"{name} is not installed ({install})")
    return path


@pytest.fixture
def ngspice():
    """ngspice's path; a skip without it, a failure under CI."""
    return require_tool("ngspice", "apt-get install ngspice")
