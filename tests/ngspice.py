"""Minimal ngspice harness used as an independent numeric oracle in tests.

symsig derives transfer functions symbolically; ngspice solves the same
circuit numerically, so agreement between the two is strong evidence that
the symbolic MNA is right.  This module deliberately imports nothing from
symsig.

ngspice quirks found while writing this (ngspice-39, Debian):

* Precision: ``wrdata`` only prints 9 significant digits by default.
  ``set numdgt=16`` makes it print 17, i.e. full double precision; an RC
  low-pass then matches ``1/(1+jwRC)`` to ~1e-16 relative.
* gmin is *not* added to linear R/C/L elements (a 1 GOhm/1 GOhm divider
  gives 0.5 to the last bit), so no ``gmin=0`` option is needed.  gmin only
  shows up in gmin stepping when the DC operating point is singular.
* Before an AC analysis ngspice normally solves the DC operating point.  A
  node without a DC path (only capacitors) or a loop of V/E/H/L branches
  makes that singular; ngspice then tries gmin/source stepping and a
  "transient op" and carries on, with the AC answer unaffected for linear
  circuits.  ``run_ac`` sets ``.options noopac``, which skips the operating
  point for linear circuits altogether, so only the AC matrix matters.
  ``run_op`` rejects any run in which ngspice reports a singular matrix,
  because the stepped fallback solution is not trustworthy.
* A singular AC matrix (e.g. two parallel voltage sources) prints
  "matrix is singular" / "simulation(s) aborted" and produces no vectors;
  this is raised as ``NgspiceSingularError`` so callers can skip it.
* Unknown vectors and most netlist errors do *not* change the exit status
  (it is 0 thanks to ``quit``), they only print to stderr.  Results are
  therefore judged by whether the expected ``wrdata`` files exist.
* ngspice lowercases all names; probes are lowercased before use, the
  returned dict is keyed by the caller's original probe string.
* ``i(vname)`` is the current through a voltage source flowing from its
  ``+`` node through the source to its ``-`` node (so a source delivering
  power has a negative current).  ``v(a,b)`` works inside ``real()``.
* A batch run with a ``.control`` block and no ``quit`` exits with status 1;
  ``quit`` fixes that.  ``HOME`` is pointed at the temp dir so a user's
  ``~/.spiceinit`` cannot change the simulator settings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

__all__ = [
    "NgspiceError",
    "NgspiceSingularError",
    "ngspice_ac",
    "ngspice_available",
    "run_ac",
    "run_op",
]

NGSPICE = "ngspice"
TIMEOUT = 60.0

_SETTINGS = """\
set filetype=ascii
set numdgt=16
set wr_singlescale
set wr_vecnames
"""


class NgspiceError(RuntimeError):
    """ngspice failed, or a requested probe was not produced."""


class NgspiceSingularError(NgspiceError):
    """ngspice reported a singular circuit matrix (callers may skip)."""


def ngspice_available() -> bool:
    """True if an ``ngspice`` executable is on PATH (tests skip otherwise)."""
    return shutil.which(NGSPICE) is not None


def _fmt(x: float) -> str:
    """repr() round-trips a float exactly and is valid SPICE number syntax."""
    return repr(float(x))


def _run(deck: str, workdir: Path) -> str:
    """Run ngspice in batch mode in *workdir*; return combined stdout+stderr."""
    exe = shutil.which(NGSPICE)
    if exe is None:
        raise NgspiceError("ngspice executable not found on PATH")
    (workdir / "deck.cir").write_text(deck)
    env = dict(os.environ, HOME=str(workdir))
    try:
        proc = subprocess.run(
            [exe, "-b", "deck.cir"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise NgspiceError(f"ngspice timed out after {TIMEOUT} s") from exc
    log = f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    if proc.returncode != 0:
        raise NgspiceError(
            f"ngspice exited with status {proc.returncode}\n--- deck ---\n{deck}\n{log}"
        )
    return log


def _check_singular(log: str, deck: str) -> None:
    if "singular" in log.lower():
        raise NgspiceSingularError(
            f"ngspice reports a singular matrix\n--- deck ---\n{deck}\n{log}"
        )


def _read_last_row(path: Path) -> np.ndarray:
    """Read the single data row of a ``wrdata`` file (header line skipped)."""
    rows = np.loadtxt(path, skiprows=1, ndmin=2)
    if rows.shape[0] != 1:
        raise NgspiceError(f"expected one data row in {path.name}, got {rows.shape[0]}")
    return rows[0]


def run_ac(netlist_body: str, freqs: list[float], probes: list[str]) -> dict[str, np.ndarray]:
    """AC-analyse a numeric linear netlist at exactly the given frequencies.

    *netlist_body* holds element lines only (no title, no ``.end``).  Each
    frequency gets its own ``ac lin 1 f f`` run, so arbitrary, unsorted
    frequency lists work.  Returns ``{probe: complex array, len(freqs)}``.
    """
    freqs = [float(f) for f in freqs]
    probes = list(probes)
    if not freqs or not probes:
        raise ValueError("need at least one frequency and one probe")
    lines = [_SETTINGS]
    for k, f in enumerate(freqs):
        lines.append(f"ac lin 1 {_fmt(f)} {_fmt(f)}")
        for j, p in enumerate(probes):
            q = p.strip().lower()
            lines.append(f"wrdata ac_{k}_{j}.txt real({q}) imag({q})")
    deck = (
        "* symsig test deck (ac)\n"
        f"{netlist_body.strip()}\n"
        ".options noopac\n"
        ".control\n" + "\n".join(lines) + "\nquit\n.endc\n.end\n"
    )
    out = {p: np.empty(len(freqs), dtype=complex) for p in probes}
    with tempfile.TemporaryDirectory(prefix="symsig_ngspice_") as tmp:
        work = Path(tmp)
        log = _run(deck, work)
        _check_singular(log, deck)
        for k, f in enumerate(freqs):
            for j, p in enumerate(probes):
                path = work / f"ac_{k}_{j}.txt"
                if not path.exists():
                    raise NgspiceError(
                        f"probe {p!r} not produced at f={f}\n--- deck ---\n{deck}\n{log}"
                    )
                fcol, re, im = _read_last_row(path)
                if not np.isclose(fcol, f, rtol=1e-12, atol=0.0):
                    raise NgspiceError(f"ngspice ran at f={fcol}, asked for f={f}")
                out[p][k] = complex(re, im)
    return out


def run_op(netlist_body: str, probes: list[str]) -> dict[str, float]:
    """DC operating point of a numeric netlist; returns ``{probe: value}``.

    Uses each source's ``DC`` value (``AC`` values are ignored).  Raises
    ``NgspiceSingularError`` if the DC matrix is singular (e.g. a node
    reached only through capacitors), since ngspice would otherwise return a
    gmin-stepped guess.
    """
    probes = list(probes)
    if not probes:
        raise ValueError("need at least one probe")
    lines = [_SETTINGS, "op"]
    for j, p in enumerate(probes):
        lines.append(f"wrdata op_{j}.txt {p.strip().lower()}")
    deck = (
        "* symsig test deck (op)\n"
        f"{netlist_body.strip()}\n"
        ".control\n" + "\n".join(lines) + "\nquit\n.endc\n.end\n"
    )
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="symsig_ngspice_") as tmp:
        work = Path(tmp)
        log = _run(deck, work)
        _check_singular(log, deck)
        for j, p in enumerate(probes):
            path = work / f"op_{j}.txt"
            if not path.exists():
                raise NgspiceError(f"probe {p!r} not produced\n--- deck ---\n{deck}\n{log}")
            # With wr_singlescale the first column is an arbitrary "scale"
            # vector of the op plot; the probe is the last column.
            out[p] = float(_read_last_row(path)[-1])
    return out


def ngspice_ac(netlist: str, freq: float, output: str) -> complex:
    """ngspice's own `.ac` answer for a netlist as written, title line and devices included
    (its operating point first, as ngspice always does for a nonlinear circuit)."""
    body = netlist.strip()
    if body.lower().endswith(".end"):
        body = body[:-4]
    control = [
        "set filetype=ascii", "set numdgt=16", "set wr_singlescale", "set wr_vecnames",
        f"ac lin 1 {freq!r} {freq!r}", f"wrdata ac.txt real({output}) imag({output})", "quit",
    ]
    deck = f"{body}\n.control\n" + "\n".join(control) + "\n.endc\n.end\n"
    with tempfile.TemporaryDirectory(prefix="symsig_ac_") as tmp:
        work = Path(tmp)
        log = _run(deck, work)
        out = work / "ac.txt"
        if not out.exists():
            raise NgspiceError(f"ngspice produced no {output}\n--- deck ---\n{deck}\n{log}")
        f, re, im = _read_last_row(out)
    if not np.isclose(f, freq, rtol=1e-12, atol=0.0):
        raise NgspiceError(f"ngspice ran at f={f}, asked for f={freq}")
    return complex(re, im)
