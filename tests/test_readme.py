"""The README's examples run as written, and show what they give.

README.md is read as it is when the tests run, so every claim a later edit makes is checked:
- a ```python block runs statement by statement; a statement whose trailing comment shows a
  value (`a.rin.latex()  # 'r_{\\pi}'`, `textbook(gain)  # -beta*(RC || RL || ro)/(Rs + rpi)`,
  `x  # 1.0, 'Correct.', ...`) must give that value: the comment is matched against the value
  as Python prints it (its `str` or `repr`; a tuple item by item), `...` standing for any text,
  and prose after the value allowed only once the value is complete (`# 470000*rpi1/(...):
  R1∥R2∥r_π1`). A number shown rounded matches to the digits shown. `name = expr` claims
  (`# h11 = rpi1, h21 = gm1*rpi1, ...`) read entry ij of the set `name` of the value. A comment
  that does not begin like a value (a word: `# the AC equivalent, as a netlist`) is prose;
- a ```text block that starts with `$ symsig ...`, or that follows a one-command ```sh block, is
  a command and its output: the command runs (this checkout's symsig) and prints exactly that.
"""

from __future__ import annotations

import ast
import io
import itertools
import os
import re
import shlex
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
BLOCKS = [(m.group(1), m.group(2), m.start(), m.end()) for m in FENCE.finditer(README)]
PYTHON = [code for lang, code, _, _ in BLOCKS if lang == "python"]


def _commands() -> list[tuple[str, str]]:
    """(command, expected output) for each shown run of the command line."""
    out = []
    for i, (lang, text, start, _) in enumerate(BLOCKS):
        if lang != "text":
            continue
        lines = text.rstrip("\n").split("\n")
        if lines[0].startswith("$ symsig "):
            out.append((lines[0][2:], "\n".join(lines[1:])))
            continue
        if i == 0:
            continue
        before, code, _, end = BLOCKS[i - 1]
        commands = [x for x in code.strip().split("\n") if x.strip()]
        if before == "sh" and README[end:start].strip() == "" and len(commands) == 1 \
                and commands[0].startswith("symsig "):
            out.append((commands[0], "\n".join(lines)))
    return out


COMMANDS = _commands()


# -- matching a value against the comment that shows it ---------------------------------------

_VALUE_START = re.compile(r"""^(SymPy: )?[-+\d'"\[(]""")
_ENTRY = re.compile(r"^([a-z]+)(\d)(\d)$")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?(e[-+]?\d+)?$")


def _renderings(value) -> list[str]:
    """The ways Python prints `value`: str and repr (a string also as its text in quotes, the
    way a reader writes it); a tuple item by item, joined by ', '."""
    out = [str(value), repr(value)] + ([f"'{value}'"] if isinstance(value, str) else [])
    if isinstance(value, tuple) and 1 < len(value) <= 4:
        items = [[repr(x), f"'{x}'"] if isinstance(x, str) else [str(x), repr(x)]
                 for x in value]
        out += [", ".join(combo) for combo in itertools.product(*items)]
    return out


def _same_number(shown: str, value) -> bool:
    """`shown` is `value` rounded to the digits shown."""
    if not _NUMBER.match(shown):
        return False
    try:
        x = complex(value)
    except (TypeError, ValueError):
        return False
    if x.imag:
        return False
    mantissa = shown.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(shown.lower().split("e")[1]) if "e" in shown.lower() else 0
    return abs(x.real - float(shown)) <= 0.5 * 10.0 ** (exponent - decimals) * (1 + 1e-12)


def _fits(claim: str, value) -> bool:
    """The claim is exactly one of the value's renderings, `...` (with the spaces around it)
    standing for any text."""
    pattern = ".*?".join(re.escape(part) for part in re.split(r" ?(?:\.\.\.|…) ?", claim))
    return _same_number(claim, value) or any(
        re.fullmatch(pattern, text, re.S) for text in _renderings(value))


def value_matches(comment: str, value) -> bool:
    """The comment shows the value, perhaps followed by prose after ', ' or ': '."""
    claim = comment.removeprefix("SymPy: ")
    cuts = [m.start() for m in re.finditer(r", |: | \(", claim)] + [len(claim)]
    return any(_fits(claim[:cut].rstrip(), value) for cut in cuts)


def entries_match(comment: str, value) -> list[str]:
    """`h11 = rpi1, h21 = gm1*rpi1, ...`: each named entry of the value's set; the problems."""
    problems = []
    for part in comment.split(", "):
        if part.strip() in ("...", "…"):
            continue
        name, _, shown = part.partition(" = ")
        m = _ENTRY.match(name.strip())
        if m is None:
            problems.append(f"cannot read the claim {part!r}")
            continue
        entry = getattr(value, m.group(1))[int(m.group(2)) - 1, int(m.group(3)) - 1]
        if not value_matches(shown.strip(), entry):
            problems.append(f"{name.strip()} is {entry}, the README shows {shown.strip()}")
    return problems


def claims(code: str) -> dict[int, str]:
    """Line number -> the comment at the end of that line."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string[1:].strip()
    return out


def run_block(code: str) -> list[tuple[str, str, object]]:
    """Run a README block statement by statement; (statement, comment, value) for each
    statement whose comment shows a value."""
    tree = ast.parse(code)
    comments = claims(code)
    namespace: dict = {"__name__": "__readme__"}
    shown = []
    for node in tree.body:
        source = ast.get_source_segment(code, node)
        comment = comments.get(node.end_lineno, "")
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), "README.md", "eval"), namespace)
        else:
            exec(compile(ast.Module([node], []), "README.md", "exec"), namespace)
            targets = node.targets if isinstance(node, ast.Assign) else []
            value = (namespace[targets[0].id] if len(targets) == 1
                     and isinstance(targets[0], ast.Name) else None)
        if comment and (_VALUE_START.match(comment) or re.match(r"^\w+ = ", comment)):
            shown.append((source, comment, value))
    return shown


@pytest.mark.parametrize("code", PYTHON, ids=[f"block{i}" for i in range(len(PYTHON))])
def test_readme_python_block_gives_what_it_shows(code, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples read examples/*.cir
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # a subprocess in a block runs this checkout
    # Our own documentation, not user input. An example that raises fails.
    wrong = []
    for source, comment, value in run_block(code):
        if re.match(r"^[a-z]+\d\d = ", comment):
            wrong += [f"{source}: {p}" for p in entries_match(comment, value)]
        elif not value_matches(comment, value):
            wrong.append(f"{source}\n    gives: {value!r}\n    README: {comment}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("command", "output"), COMMANDS,
                         ids=[c.split()[1] + str(i) for i, (c, _) in enumerate(COMMANDS)])
def test_readme_command_prints_what_it_shows(command, output):
    words = shlex.split(command)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "symsig.cli", *words[1:]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip("\n") == output.rstrip("\n")


# -- the matcher itself, on claims written by hand ---------------------------------------------

@pytest.mark.parametrize(("comment", "value", "ok"), [
    ("'r_{\\pi}'", "r_{\\pi}", True),
    ("'r_{\\pi}'", "r_{pi}", False),
    ("1.0, 'Correct.', '- \\\\frac{g...'", (1.0, "Correct.", "- \\frac{g_m}"), True),
    ("1.0, 'Correct.', '- \\frac{g...'", (1.0, "Correct.", "- \\frac{g_m}"), True),
    ("1.0, 'Correct.', '- \\\\frac{g...'", (0.5, "Correct.", "- \\frac{g_m}"), False),
    ("1.0: equal as r_o -> oo, which the question allows", 1.0, True),
    ("0.0: equal as r_o -> oo", 1.0, False),
    ("['ro -> oo'], the limit r_o -> oo", ["ro -> oo"], True),
    ("470000*rpi1/(57*rpi1 + 470000): R1∥R2∥r_π1", "470000*rpi1/(57*rpi1 + 470000)", True),
    ("470000*rpi1/(57*rpi1 + 470000): R1∥R2∥r_π1", "470000*rpi1/(56*rpi1 + 470000)", False),
    ("-86.0617", -86.06167142752508, True),
    ("-86.06", -86.06167142752508, True),
    ("-86.07", -86.06167142752508, False),
    ("2, '... sign error ...'", (2, "line 2: a sign error here"), True),
    ("2, '... sign error ...'", (3, "line 2: a sign error here"), False),
    ("-RC*RL*gm*ro*rpi/(...)", "-RC*RL*gm*ro*rpi/(Rs + rpi)", True),
    ("-RC*RL*gm*ro*rpi/(...)", "RC*RL*gm*ro*rpi/(Rs + rpi)", False),
])
def test_value_matcher(comment, value, ok):
    assert value_matches(comment, value) is ok


def test_no_value_claim_is_left_unread():
    """A comment that shows a value sits at the end of a statement (where `run_block` reads
    it), not inside one; and the README shows results at all."""
    stray, shown = [], 0
    for code in PYTHON:
        ends = {node.end_lineno for node in ast.parse(code).body}
        for line, comment in claims(code).items():
            if _VALUE_START.match(comment) or re.match(r"^\w+ = ", comment):
                shown += 1
                if line not in ends:
                    stray.append(code.split("\n")[line - 1])
    assert not stray
    assert shown >= 10
