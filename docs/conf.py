"""Sphinx configuration for symsig's documentation.

Why Sphinx with myst-nb rather than MkDocs with mkdocs-jupyter and mkdocstrings: both were built
from the same notebooks and docstrings. myst-nb renders a stored notebook natively (MyST
Markdown, `$…$` maths in the text and in headings, LaTeX outputs, figures) without executing it,
and autodoc is part of Sphinx: three packages (sphinx, myst-nb and its myst-parser) against five
for MkDocs, whose notebook pages left headings' maths as raw `$h_{re}$` in the navigation.
The price: autodoc reads docstrings as reStructuredText, so a docstring's `|x|` or a
misindented continuation is a build error (mkdocstrings, reading Markdown, had none); the
few there were are fixed in the docstrings. The notebooks are executed by the test suite,
not here: the build only renders their outputs.

Build: `sphinx-build -W --keep-going -b html docs docs/_build/html` (warnings are errors, as in
the test suite).
"""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # document this checkout, installed or not

project = "symsig"
author = "the symsig authors"
copyright = "symsig authors, MIT licence"
release = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

extensions = ["myst_nb", "sphinx.ext.autodoc"]
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints"]

# Notebooks are stored with their outputs (the test suite executes them): render, never run.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# Docstrings write code in single backticks, as Markdown does.
default_role = "literal"
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "alabaster"
html_title = "symsig"
html_theme_options = {
    "description": "Exact small-signal circuit formulas from SPICE-like netlists",
    "page_width": "1320px",
    "sidebar_width": "240px",
    "fixed_sidebar": True,
}


def _copy_notebooks() -> None:
    """Sphinx reads only what is under docs/, and a symlink's target path breaks the notebooks'
    links to one another: the stored notebooks are copied to docs/notebooks/ (not in git),
    rewritten only when they changed."""
    target = Path(__file__).resolve().parent / "notebooks"
    target.mkdir(exist_ok=True)
    wanted = {p.name: p for p in (ROOT / "notebooks").glob("*.ipynb")}
    for old in target.glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    for name, source in wanted.items():
        copy = target / name
        data = source.read_bytes()
        if not copy.exists() or copy.read_bytes() != data:
            copy.write_bytes(data)


_copy_notebooks()


def _draw_examples() -> None:
    """The getting-started page's schematic, drawn by symsig itself so that it never goes
    stale (docs/_generated/, not in git)."""
    import matplotlib

    matplotlib.use("Agg")
    from symsig import parse
    from symsig.draw.schematic import draw, save

    out = Path(__file__).resolve().parent / "_generated"
    out.mkdir(exist_ok=True)
    amp = parse((ROOT / "examples" / "ce_bias.cir").read_text())
    save(draw(amp, small_signal=True), out / "ce_bias_small_signal.svg")


_draw_examples()
