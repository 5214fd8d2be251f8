"""Random linear circuits for property tests (symsig vs. ngspice).

Each circuit is emitted twice: symbolically (every element value is a
symbol named after the element, e.g. ``R3 n1 n2 R3``) and numerically (same
lines with numbers, for ngspice), plus the symbol -> number map, so a test
can solve the symbolic netlist, substitute ``values`` and compare with
``tests.ngspice.run_ac`` on ``numeric``.

Well-posedness by construction (so failures point at symsig, not at the
generator):

* a random spanning tree of resistors connects every node to ground, so
  every node has a DC path and the nodal conductance matrix is positive
  definite;
* V, E, H, L and the 0 V sense sources are "voltage-type" branches (shorts
  at DC); a union-find over them forbids any loop of such branches, so
  neither the DC nor the AC MNA matrix is structurally singular;
* with all controlled-source gains set to zero the circuit is a passive
  network with the above properties, hence nonsingular; the determinant is
  therefore a nonzero polynomial in the gains and random (log-uniform)
  gains give a singular matrix with probability zero.  Near-singular cases
  (a feedback loop gain close to 1) are possible but rare.

Only ``rng`` is used for randomness and no set/dict-hash ordering is relied
on, so a circuit is fully determined by the rng seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

__all__ = ["RandomCircuit", "random_circuit"]

GROUND = "0"

# log-uniform ranges (magnitudes); gains get a random sign
RANGES: dict[str, tuple[float, float]] = {
    "R": (10.0, 100e3),
    "C": (1e-12, 1e-6),
    "L": (1e-6, 10e-3),
    "E": (0.1, 10.0),
    "F": (0.1, 100.0),
    "G": (1e-4, 1e-1),
    "H": (10.0, 10e3),
}


@dataclass
class RandomCircuit:
    """A random circuit in symbolic and numeric form (see module docstring)."""

    symbolic: str  # symsig netlist, title line first, values are symbols
    numeric: str  # ngspice element lines only (no title, no .end)
    values: dict[str, float]  # symbol -> number
    nodes: list[str]  # non-ground nodes, creation order
    sources: list[str]  # independent AC sources ("Vin" or "Iin")
    vsources: list[str]  # every V element incl. 0 V sense sources
    elements: list[str] = field(default_factory=list)  # all element names

    def probes(self) -> list[str]:
        """ngspice probes for every node voltage and V-source current."""
        return [f"v({n})" for n in self.nodes] + [f"i({v})" for v in self.vsources]


def _fmt(x: float) -> str:
    """Shortest exact float text; valid SPICE number syntax."""
    return repr(float(x))


class _Builder:
    """Accumulates both netlists and the voltage-type union-find."""

    def __init__(self, rng: random.Random, reactive: bool) -> None:
        self.rng = rng
        self.reactive = reactive
        self.nodes: list[str] = []
        self.sym: list[str] = []
        self.num: list[str] = []
        self.values: dict[str, float] = {}
        self.elements: list[str] = []
        self.counters: dict[str, int] = {}
        self.parent: dict[str, str] = {}

    # -- naming / randomness -------------------------------------------------
    def name(self, prefix: str) -> str:
        k = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = k
        return f"{prefix}{k}"

    def new_node(self) -> str:
        node = f"n{len(self.nodes) + 1}"
        self.nodes.append(node)
        return node

    def pool(self) -> list[str]:
        return [*self.nodes, GROUND]

    def pair(self) -> tuple[str, str]:
        a, b = self.rng.sample(self.pool(), 2)
        return a, b

    def value(self, kind: str, signed: bool = False) -> float:
        lo, hi = RANGES[kind]
        x = 10.0 ** self.rng.uniform(math.log10(lo), math.log10(hi))
        x = float(f"{x:.4g}")  # short, readable, still exact in both netlists
        if signed and self.rng.random() < 0.5:
            x = -x
        return x

    # -- voltage-type union-find ---------------------------------------------
    def find(self, n: str) -> str:
        while self.parent.get(n, n) != n:
            n = self.parent[n]
        return n

    def can_short(self, a: str, b: str) -> bool:
        """True if a V-type branch a-b would not close a V/E/H/L loop."""
        return self.find(a) != self.find(b)

    def short(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        assert ra != rb, "voltage-type loop"
        self.parent[ra] = rb

    # -- emitting --------------------------------------------------------------
    def emit(self, name: str, sym: str, num: str) -> None:
        self.elements.append(name)
        self.sym.append(f"{name} {sym}")
        self.num.append(f"{name} {num}")

    def passive(self, kind: str, a: str, b: str) -> str:
        name = self.name(kind)
        if kind == "L":
            self.short(a, b)
        v = self.value(kind)
        self.values[name] = v
        self.emit(name, f"{a} {b} {name}", f"{a} {b} {_fmt(v)}")
        return name

    def controlled(self, kind: str, out: tuple[str, str], ctrl: tuple[str, str] | str) -> str:
        name = self.name(kind)
        if kind in "EH":
            self.short(*out)
        v = self.value(kind, signed=True)
        self.values[name] = v
        c = " ".join(ctrl) if isinstance(ctrl, tuple) else ctrl
        head = f"{out[0]} {out[1]} {c}"
        self.emit(name, f"{head} {name}", f"{head} {_fmt(v)}")
        return name

    def sense(self) -> str:
        """New 0 V sense source in series with an R (or C/L) between nodes.

        ``Vs a m DC 0`` plus ``X m b`` with a fresh node m, so the sense
        source cannot close a voltage-type loop and m has a DC path.
        """
        a = self.rng.choice(self.pool())
        b = self.rng.choice([n for n in self.pool() if n != a])
        m = self.new_node()
        name = self.name("Vs")
        self.short(a, m)
        self.emit(name, f"{a} {m} DC 0", f"{a} {m} DC 0")
        kind = self.rng.choices("RCL", weights=(3, 1, 1))[0] if self.reactive else "R"
        if kind == "L" and not self.can_short(m, b):
            kind = "R"
        self.passive(kind, m, b)
        return name


def random_circuit(
    rng: random.Random,
    n_nodes: int | None = None,
    *,
    n_controlled: int | None = None,
    controlled_kinds: str = "EFGH",
    reactive: bool = True,
) -> RandomCircuit:
    """Build a random well-posed linear circuit from *rng*.

    n_nodes: initial node count (default 2..5); F/H sense branches add one
    node each.  n_controlled: number of controlled sources (default 0..3),
    drawn from *controlled_kinds*.  reactive=False gives a purely resistive
    circuit (useful for narrowing down failures).
    """
    b = _Builder(rng, reactive)
    if n_nodes is None:
        n_nodes = rng.randint(2, 5)
    if n_nodes < 1:
        raise ValueError("n_nodes must be >= 1")
    for _ in range(n_nodes):
        b.new_node()

    # independent source: mostly a grounded V source, sometimes floating V
    # or a current source (exercises different MNA stamps)
    sources: list[str] = []
    vsources: list[str] = []
    r = rng.random()
    neg = GROUND
    if n_nodes >= 2 and rng.random() < 0.2:
        neg = b.nodes[1]
    if r < 0.75:
        b.short("n1", neg)
        b.emit("Vin", f"n1 {neg} AC 1", f"n1 {neg} DC 0 AC 1")
        sources.append("Vin")
        vsources.append("Vin")
    else:
        # current flows from neg through the source into n1.  Counted as a
        # voltage-type branch so no V/E/H/L path ever parallels it: an I
        # source across a path of E/H/0 V sources often gives an all-zero
        # response, which makes relative-error comparisons meaningless.
        b.short("n1", neg)
        b.emit("Iin", f"{neg} n1 AC 1", f"{neg} n1 DC 0 AC 1")
        sources.append("Iin")

    # resistor spanning tree to ground: DC path for every node
    order = list(b.nodes)
    rng.shuffle(order)
    connected = [GROUND]
    for node in order:
        b.passive("R", node, rng.choice(connected))
        connected.append(node)

    # extra passives
    for _ in range(rng.randint(1, n_nodes + 1)):
        kind = rng.choices("RCL", weights=(2, 3, 2))[0] if reactive else "R"
        x, y = b.pair()
        if kind == "L" and not b.can_short(x, y):
            kind = "C"
        b.passive(kind, x, y)

    # controlled sources
    if n_controlled is None:
        n_controlled = rng.randint(0, 3)
    for _ in range(n_controlled if controlled_kinds else 0):
        kind = rng.choice(controlled_kinds)
        ctrl: tuple[str, str] | str = ""
        if kind in "FH":
            # pick/create the sense source first: sense() may add an L that
            # changes the union-find, which the H output check relies on
            sensors = [e for e in b.elements if e.startswith("Vs")]
            if sensors and rng.random() < 0.4:
                ctrl = rng.choice(sensors)
            else:
                ctrl = b.sense()
                vsources.append(ctrl)
        out = b.pair()
        if kind in "EH":
            for _try in range(10):
                if b.can_short(*out):
                    break
                out = b.pair()
            else:  # no loop-free output pair left: use the current twin
                kind = {"E": "G", "H": "F"}[kind]
        if kind in "EG":
            ctrl = b.pair()
        b.controlled(kind, out, ctrl)

    title = f"* random linear circuit: {len(b.nodes)} nodes, {len(b.elements)} elements"
    return RandomCircuit(
        symbolic="\n".join([title, *b.sym]) + "\n",
        numeric="\n".join(b.num) + "\n",
        values=dict(b.values),
        nodes=list(b.nodes),
        sources=sources,
        vsources=vsources,
        elements=list(b.elements),
    )


def _demo() -> None:
    """Print two circuits and their ngspice AC solution."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ngspice import ngspice_available, run_ac

    for seed in (1, 2):
        c = random_circuit(random.Random(seed))
        print(f"--- seed {seed} ---")
        print(c.symbolic)
        print(c.values)
        if not ngspice_available():
            print("(ngspice not available)")
            continue
        res = run_ac(c.numeric, [10.0, 1e3, 1e5], c.probes())
        for probe, vals in res.items():
            print(f"{probe:>10}: " + "  ".join(f"{z:.6g}" for z in vals))


if __name__ == "__main__":
    _demo()
