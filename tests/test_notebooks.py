"""Notebooks are documentation that runs: each one is executed top to bottom, against this
checkout's symsig (not an installed copy, which may be stale), and every cell that prints a
number asserts it against a hand formula, so a notebook that runs also shows true numbers."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Appended to each notebook before it runs: the kernel imported this checkout's symsig.
_WHICH_SYMSIG = f"""
import pathlib, symsig
here = pathlib.Path(symsig.__file__).resolve()
assert here.is_relative_to({str(ROOT.resolve())!r}), here
"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    # the kernel, and the command lines a notebook starts, import symsig from the checkout
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_WHICH_SYMSIG))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def test_notebooks_that_print_numbers_assert_them():
    """The notebooks whose cells print numbers check them (an assert in the same cell)."""
    for name in ("common_emitter", "quickstart", "two_ports", "latex_export",
                 "homework_checker", "frequency_response", "h_parameters"):
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        printing = [c for c in nb.cells if c.cell_type == "code" and "print(" in c.source
                    and any(ch.isdigit() for o in c.get("outputs", [])
                            for ch in str(o.get("text", "")))]
        unchecked = [c.source.splitlines()[0] for c in printing if "assert" not in c.source]
        assert not unchecked, f"{name}: cells print numbers without checking them: {unchecked}"
