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
    """Skip without ngspice, except under CI=true, where a missing ngspice is a failure."""
    if shutil.which("ngspice") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("ngspice is required under CI=true (apt-get install ngspice)")
        pytest.skip("ngspice is not installed (apt-get install ngspice)")
    return shutil.which("ngspice")
