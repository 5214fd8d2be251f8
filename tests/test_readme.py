"""The README's Python examples run as written (the public API they show exists and works)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the examples read examples/*.cir
    # Our own documentation, not user input. Like the notebooks, an example that raises fails.
    exec(compile(code, "README.md", "exec"), {})
