"""Shared test helpers: an exact-equality check that states what it compares."""

import os
import shutil

import pytest
import sympy


def same(result, expected) -> bool:
    """True when symsig's exact result equals a hand-written SymPy formula identically."""
    got = result.expr if hasattr(result, "expr") else result
    return sympy.cancel(sympy.together(got - expected)) == 0


@pytest.fixture
def ngspice():
    """Skip without ngspice, except under CI (CI=true or CI=1), where it is a failure."""
    if shutil.which("ngspice") is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("ngspice is required under CI=true (apt-get install ngspice)")
        pytest.skip("ngspice is not installed (apt-get install ngspice)")
    return shutil.which("ngspice")
