"""Start-up stays light: `import symsig` and `symsig --help` load no SymPy (its import is most
of a small command's time); public names still resolve, and the lazy top-level help says what
each command's own parser says. Checked through sys.modules in a fresh interpreter, not by
timing."""

import subprocess
import sys

import pytest

import symsig
from symsig import cli

HEAVY = ("sympy", "numpy", "flint", "mpmath", "matplotlib")


def loaded_after(code: str) -> set[str]:
    """Top-level packages in sys.modules after running `code` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return {m.split(".")[0] for m in done.stdout.split()}


def test_import_symsig_loads_no_heavy_module():
    assert not loaded_after("import symsig") & set(HEAVY)


def test_symsig_help_loads_no_heavy_module():
    code = ("import sys\nfrom symsig.cli import main\nsys.argv = ['symsig', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    assert not loaded_after(code) & set(HEAVY)


def test_import_symsig_does_load_what_a_name_needs():
    assert "sympy" in loaded_after("import symsig\nsymsig.parse")


@pytest.mark.parametrize("name", sorted(symsig.__all__))
def test_every_public_name_resolves(name):
    assert getattr(symsig, name) is not None
    assert name in dir(symsig)


def test_unknown_names_still_raise():
    with pytest.raises(AttributeError):
        symsig.no_such_thing  # noqa: B018


def test_top_level_help_lists_each_commands_own_help():
    full = cli.build_parser()
    lazy = cli.build_parser(["--help"], every=False)

    def helps(parser):
        action = next(a for a in parser._actions if a.dest == "command")
        return {c.dest: c.help for c in action._choices_actions}

    assert helps(lazy) == helps(full)
    assert list(helps(full)) == list(cli.COMMANDS)
