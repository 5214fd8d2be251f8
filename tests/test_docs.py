"""The documentation site builds without a warning, shows what it promises, and tells the truth:
every command on its pages prints what the page says, every Python block runs, and every
notebook the gallery renders is stored with its outputs."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from symsig.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GALLERY = [p for p in NOTEBOOKS if p.name.startswith("gallery_")]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def _need(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        if _in_ci():
            pytest.fail(f"{module} is missing: install the test extra (pip install '.[test]')")
        pytest.skip(f"{module} is not installed (pip install '.[docs]')")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built as the README says, with warnings as errors."""
    _need("sphinx")
    _need("myst_nb")
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"the docs build failed or warned:\n{run.stderr}{run.stdout}"
    return out / "html"


def test_site_has_its_pages(site):
    start = (site / "getting-started.html").read_text()
    for use in ("Derive", "LaTeX", "Check an answer", "Two-port", "Frequency response", "Draw"):
        assert use in start, use
    assert "ce_bias_small_signal.svg" in start and list(site.glob("_images/ce_bias_small_signal*"))
    netlist = (site / "netlist.html").read_text()
    for word in (".subckt", ".include", ".lib", ".param", ".model", "meg", "Rser=", "ignored"):
        assert word in netlist, word
    api = (site / "api.html").read_text()
    for target in ("symsig.transfer", "symsig.RationalFunction.bode",
                   "symsig.analysis.twoport.TwoPort", "symsig.check.grade",
                   "symsig.analysis.frequency.open_circuit_time_constants",
                   "symsig.forms.textbook"):
        assert f'id="{target}"' in api, target


def test_site_renders_every_notebook_with_its_outputs(site):
    gallery = (site / "gallery.html").read_text()
    for nb in NOTEBOOKS:
        page = site / "notebooks" / (nb.stem + ".html")
        assert page.exists(), page
        assert f"notebooks/{nb.stem}.html" in gallery, nb.name
    for nb in GALLERY:
        html = (site / "notebooks" / (nb.stem + ".html")).read_text()
        assert "cell_output" in html and "<img" in html, f"{nb.name}: no outputs rendered"


@pytest.mark.parametrize("path", GALLERY, ids=[p.name for p in GALLERY])
def test_gallery_notebook_is_stored_with_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "no code"
    for i, cell in enumerate(code):
        assert cell.execution_count == i + 1, f"cell {i}: not executed in order from the top"
        assert cell.outputs, f"cell {i}: stored without its output"
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i}: stored with an error"
            assert out.get("name") != "stderr", f"cell {i}: stored with warnings: {out.text}"


def test_gallery_page_lists_every_notebook():
    listed = set(re.findall(r"^notebooks/(\w+)$", (DOCS / "gallery.md").read_text(), re.M))
    assert listed == {p.stem for p in NOTEBOOKS}


# -- the pages' examples ---------------------------------------------------------------------
def _blocks(page: Path) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", page.read_text(), re.S)


def _commands(page: Path) -> list[tuple[str, str | None]]:
    """Each `symsig ...` command with the text block that follows it (None when none does)."""
    blocks = _blocks(page)
    out = []
    for i, (kind, body) in enumerate(blocks):
        if kind == "sh" and body.startswith("symsig "):
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body.strip(), after[1] if after and after[0] == "text" else None))
    return out


COMMANDS = [(p.name, c, t) for p in PAGES for c, t in _commands(p)]
PYTHON = [(p.name, b) for p in PAGES for k, b in _blocks(p) if k == "python"]


@pytest.fixture
def examples_here(tmp_path, monkeypatch):
    """A scratch directory with the repository's examples/, so files the examples write land
    there."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pages_have_examples():
    assert len(COMMANDS) >= 6 and len(PYTHON) >= 6


@pytest.mark.parametrize("page,command,shown", COMMANDS,
                         ids=[f"{p}:{c.split()[1]}{i}" for i, (p, c, _) in enumerate(COMMANDS)])
def test_page_command_prints_what_the_page_shows(page, command, shown, examples_here, capsys):
    import matplotlib

    matplotlib.use("Agg")
    code = main(shlex.split(command)[1:])
    out = capsys.readouterr().out
    assert code == 0, f"{page}: {command} exited {code}"
    if shown is None:  # a command that writes a file says so
        target = shlex.split(command)[-1]
        assert (examples_here / target).stat().st_size > 0
        return
    lines = out.splitlines()
    at = 0
    for want in shown.splitlines():  # in order; a line "..." stands for lines left out
        if want.strip() == "...":
            continue
        while at < len(lines) and lines[at] != want:
            at += 1
        assert at < len(lines), f"{page}: {command}\nmissing line: {want!r}\nprinted:\n{out}"
        at += 1


@pytest.mark.parametrize("page,code", PYTHON, ids=[f"{p}:block{i}" for i, (p, _) in
                                                   enumerate(PYTHON)])
def test_page_python_runs(page, code, examples_here):
    import matplotlib

    matplotlib.use("Agg")
    # Our own documentation, not user input: an example that raises fails.
    exec(compile(code, page, "exec"), {})
