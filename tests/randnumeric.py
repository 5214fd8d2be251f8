"""Random numeric linear circuits, many degenerate on purpose, and an independent exact solver.

`generate(seed)` writes a netlist in symsig's language (R C L V I E F G H O, numbers only: SPICE
suffixes, exponents, braced rationals) with one driven source (`AC 1`) and an output node, and
says which element is the load and which node R_in is taken at. About half of the seeds add a
*motif* that makes a result exactly 0, infinite or not defined (see `MOTIFS`):

* ``held``: the output node is tied to ground by a DC V source (gain 0, R_out 0);
* ``driven_out``: an E, H or op-amp output sits at the output node (R_out 0);
* ``bridge``: a balanced bridge (R/R, R·C = R·C or L/R = L/R, balanced at every s) feeds an E or G
  that senses its diagonal: gain 0;
* ``dead``: the output is reached only through nodes that carry no signal (held at AC ground, or
  an island with DC sources only): gain 0;
* ``isolated_input``: the driven V source's node only feeds controlled-source inputs, and maybe a
  resistor to a node fed only by a current source: R_in infinite;
* ``dangling_source`` / ``dangling_load``: removing the driven source (or the load) leaves a node
  held only by a current source: R_in (R_out) not defined;
* ``current_out``: the output is fed by a current source (G, F, I) and the load: R_out infinite;
* ``cancel``: two controlled sources whose gains cancel (E+E in series, G+G or F+F in parallel,
  H+H in series): gain 0;
* ``virtual_ground``: the input is an op-amp's inverting input (R_in 0).

Every circuit is well posed for the gain: no loop of V/E/H/op-amp-output branches, no cut set of
current sources (I, G, F outputs), and a nonsingular MNA system; R_in and R_out may be anything.

`reference(case)` solves the circuit with its own MNA stamps and `fractions.Fraction` Gaussian
elimination (nothing shared with symsig) at rational values of s, and returns each of gain, R_in
and R_out as a `Ref`: a value at each s point (and whether it is identically 0), infinite, or not
defined. "Identically" is decided exactly: the MNA determinant and every Cramer numerator, times
s^(#L), are polynomials in s of degree at most #C + #L (each element enters as a rank-one stamp),
so vanishing at #C + #L + 1 points means vanishing everywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cache

__all__ = ["MOTIFS", "Case", "Part", "Ref", "S_POINTS", "generate", "reference"]

GROUND = "0"

#: values of the Laplace variable, tried in this order (distinct, positive, rational)
S_POINTS = [Fraction(3, 7), Fraction(11, 5)] + [
    Fraction(p, q) for p, q in ((5, 13), (7, 2), (2, 9), (13, 3), (17, 11), (9, 4), (19, 23),
                                (29, 6), (1, 31), (37, 10), (41, 17), (3, 43), (47, 8), (53, 19),
                                (59, 12), (4, 61), (67, 14), (71, 29), (73, 20), (79, 33))]

MOTIFS = {  # name: weight (None, the plain random circuit, gets the rest)
    "held": 5, "driven_out": 6, "bridge": 6, "dead": 5, "isolated_input": 5,
    "dangling_source": 4, "dangling_load": 4, "current_out": 5, "cancel": 6, "virtual_ground": 4,
}
PLAIN_WEIGHT = 50


# -- circuit --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One netlist element. `value` is what `text` means (for V and I: the DC value)."""

    name: str
    kind: str
    nodes: tuple[str, ...]
    value: Fraction = Fraction(0)
    text: str = "0"
    control: str | None = None
    ac: bool = False

    def line(self) -> str:
        head = " ".join((self.name, *self.nodes))
        if self.kind == "O":
            return head
        if self.kind in "FH":
            return f"{head} {self.control} {self.text}"
        if self.ac:
            return f"{head} {self.text} AC 1".replace("  ", " ")
        return f"{head} {self.text}"


@dataclass
class Case:
    seed: int
    parts: list[Part]
    source: str
    output: str
    input_node: str | None = None  # None: the driven node (symsig's default)
    load: str | None = None
    motif: str | None = None
    ending: str = ""

    @property
    def netlist(self) -> str:
        lines = [f"* symsig random numeric circuit, seed {self.seed}, motif {self.motif}"]
        lines += [p.line() for p in self.parts]
        return "\n".join(lines) + "\n" + self.ending

    @property
    def driven(self) -> Part:
        return next(p for p in self.parts if p.name == self.source)

    @property
    def rin_node(self) -> str:
        if self.input_node is not None:
            return self.input_node
        d = self.driven
        return d.nodes[1] if d.kind == "I" else d.nodes[0]

    @property
    def reactive(self) -> int:
        return sum(p.kind in "CL" for p in self.parts)

    def cli_args(self, path: str) -> list[str]:
        args = ["analyze", path, "--source", self.source, "--output", self.output]
        if self.input_node is not None:
            args += ["--input-node", self.input_node]
        if self.load is not None:
            args += ["--load", self.load]
        return args


# -- values -----------------------------------------------------------------------------------
_MANTISSAS = ["1", "1.5", "2", "2.2", "3.3", "4.7", "5.6", "6.8", "8.2", "10", "12", "15", "22",
              "33", "47", "68", "100", "150", "220", "330", "470", "680"]
_SCALE = {"": (1, 0), "k": (10**3, 3), "meg": (10**6, 6), "m": (Fraction(1, 10**3), -3),
          "u": (Fraction(1, 10**6), -6), "n": (Fraction(1, 10**9), -9),
          "p": (Fraction(1, 10**12), -12)}


def _fmt(x: Fraction) -> str:
    """`x` written exactly: an integer, a decimal in e-notation, or a braced ratio."""
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    for f in (2, 5):
        while d % f == 0:
            d //= f
    if d != 1:
        return f"{{{x.numerator}/{x.denominator}}}"
    with localcontext() as ctx:
        ctx.prec = 60
        return format(Decimal(x.numerator) / Decimal(x.denominator), "e")


def _spice(rng: random.Random, suffixes: list[str], signed: bool = False) -> tuple[Fraction, str]:
    """A random value as SPICE text: `4.7k`, `2.2E-6`, `{1000/3}`, and what it means."""
    sign = -1 if signed and rng.random() < 0.3 else 1
    form = rng.random()
    suffix = rng.choice(suffixes)
    scale, exponent = _SCALE[suffix]
    mant = rng.choice(_MANTISSAS)
    if form < 0.7:
        text = mant + (suffix.upper() if rng.random() < 0.2 else suffix)
        value = Fraction(mant) * scale
    elif form < 0.85:
        text = f"{mant}{rng.choice('eE')}{exponent}"
        value = Fraction(mant) * Fraction(10) ** exponent
    else:
        value = Fraction(rng.randint(1, 999), rng.choice([3, 7, 9, 11, 13])) * scale
        return sign * value, _fmt(sign * value)
    return sign * value, ("-" if sign < 0 else "") + text


def _ratio(rng: random.Random) -> tuple[Fraction, str]:
    """A dimensionless controlled-source gain, either sign."""
    form = rng.random()
    if form < 0.5:
        k = rng.choice([-10, -5, -3, -2, -1, 1, 2, 3, 4, 5, 10, 20, 50, 100])
        return Fraction(k), str(k)
    if form < 0.75:
        text = rng.choice(["0.5", "2.5", "-0.25", "1.5", "-1.5", "0.1", "12.5"])
        return Fraction(text), text
    value = Fraction(rng.choice([-1, 1]) * rng.randint(1, 30), rng.randint(2, 9))
    return value, _fmt(value)


def _dc(rng: random.Random) -> tuple[Fraction, str]:
    value, text = _spice(rng, ["", "", "m"], signed=True)
    if rng.random() < 0.15:
        return Fraction(0), "0"
    return value, ("DC " + text) if rng.random() < 0.5 else text


class _Builder:
    """Names parts, keeps the node lists, and knows which nodes a motif must not touch."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.parts: list[Part] = []
        self.count: dict[str, int] = {}
        self.fresh_count = 0
        self.nodes: list[str] = []  # every non-ground node conductive elements may touch
        self.sense_nodes: list[str] = []  # every non-ground node a control may sense

    def name(self, kind: str) -> str:
        self.count[kind] = self.count.get(kind, 0) + 1
        return f"{kind}{self.count[kind]}"

    def fresh(self, stem: str) -> str:
        self.fresh_count += 1
        return f"{stem}{self.fresh_count}"

    def add(self, kind: str, nodes: tuple[str, ...], value: Fraction = Fraction(0),
            text: str = "0", control: str | None = None, name: str | None = None,
            ac: bool = False) -> Part:
        part = Part(name or self.name(kind), kind, tuple(nodes), value, text, control, ac)
        self.parts.append(part)
        return part

    def passive(self, a: str, b: str, kind: str | None = None) -> Part:
        kind = kind or self.rng.choices("RCL", [7, 2, 1.5])[0]
        value, text = self.value(kind)
        return self.add(kind, (a, b), value, text)

    def value(self, kind: str) -> tuple[Fraction, str]:
        rng = self.rng
        if kind == "R":
            return _spice(rng, ["", "k", "k", "k", "meg"])
        if kind == "C":
            return _spice(rng, ["p", "n", "u", "u", "m"])
        if kind == "L":
            return _spice(rng, ["u", "m", "m", ""])
        if kind in "EF":
            return _ratio(rng)
        if kind == "G":
            return _spice(rng, ["m", "m", "u", ""], signed=True)
        if kind == "H":
            return _spice(rng, ["", "k"], signed=True)
        raise ValueError(kind)

    def touch(self, *exclude: str) -> list[str]:
        return [n for n in self.nodes + [GROUND] if n not in exclude]

    def sense(self, *exclude: str) -> list[str]:
        return [n for n in self.sense_nodes + [GROUND] if n not in exclude]

    def pair(self, nodes: list[str]) -> tuple[str, str]:
        a, b = self.rng.sample(nodes, 2)
        return a, b

    def ammeter(self, driven: str) -> str:
        """A V source to sense (F, H): a DC source already there, or a 0 V one put in series
        with a passive part."""
        rng = self.rng
        there = [p.name for p in self.parts if p.kind == "V" and p.name != driven]
        passives = [i for i, p in enumerate(self.parts) if p.kind in "RCL"]
        if there and (rng.random() < 0.4 or not passives):
            return rng.choice(there)
        i = rng.choice(passives)
        p = self.parts[i]
        m = self.fresh("m")
        a, b = p.nodes if rng.random() < 0.5 else p.nodes[::-1]
        self.parts[i] = Part(p.name, p.kind, (a, m), p.value, p.text)
        self.nodes.append(m)
        self.sense_nodes.append(m)
        zero = rng.choice(["0", "DC 0", "0"])
        return self.add("V", (m, b), Fraction(0), zero, name=self.name("Vsn")).name

    def opamp_stage(self, u: str, x: str, inverting: bool | None = None) -> str:
        """An op-amp stage with feedback from input node u to output node x; returns the
        inverting-input node."""
        rng = self.rng
        q = self.fresh("q")
        self.nodes.append(q)
        self.sense_nodes.append(q)
        if inverting is None:
            inverting = rng.random() < 0.5
        if inverting:
            self.add("O", (x, GROUND, q))
            self.passive(u, q, "R")
        else:
            self.add("O", (x, u, q))
            self.passive(q, GROUND, rng.choice("RRC"))
        self.passive(q, x, "R")
        if rng.random() < 0.3:
            self.passive(q, x, "C")
        return q


# -- generator --------------------------------------------------------------------------------
def _build(rng: random.Random, seed: int, motif: str | None) -> Case:
    b = _Builder(rng)
    internal = [f"n{i}" for i in range(1, rng.randint(2, 6))]
    kind = "V"
    if motif in (None, "held", "driven_out", "bridge", "dead", "current_out", "cancel",
                 "dangling_load"):
        kind = "V" if rng.random() < 0.8 else "I"
    elif motif == "virtual_ground":
        kind = rng.choice("VI")
    isolated = motif == "isolated_input"
    drive_dc = rng.choice(["", "", "DC 2", "DC 0", "DC 1.5m"])
    if kind == "V":
        if motif == "dangling_source":
            minus = b.fresh("m")
        elif rng.random() < 0.15 and not isolated:
            minus = rng.choice(internal)
        else:
            minus = GROUND
        source = b.add("V", ("in", minus), text=drive_dc, name="Vs", ac=True)
    else:
        source = b.add("I", (GROUND, "in"), text=drive_dc, name="Is", ac=True)
    minus = source.nodes[1] if kind == "V" else GROUND
    b.nodes = ([] if isolated else ["in"]) + internal + ["out"]
    b.sense_nodes = ["in"] + internal + ["out"]
    if minus not in (GROUND, *internal):
        b.sense_nodes.append(minus)

    # a tree of passive parts, grown mostly from the input
    order = b.nodes[1:]
    rng.shuffle(order)
    done: list[str] = []
    for n in b.nodes[:1] + order:  # mostly a tree from the input, so the signal gets around
        if done and rng.random() < 0.9:
            b.passive(n, rng.choice(done))
            if rng.random() < 0.3:
                b.passive(n, GROUND)
        elif n != "in" or kind == "I" or source.nodes[1] != GROUND or rng.random() < 0.5:
            b.passive(n, GROUND)
        done.append(n)
    if isolated:
        _isolated_input(b, internal)

    # random extra parts
    for _ in range(rng.randint(0, 2 + len(internal))):
        _random_part(b, source.name)

    output = "out" if rng.random() < 0.85 else rng.choice(b.sense_nodes)
    case = Case(seed, b.parts, source.name, output, motif=motif)
    if motif is not None and motif != "isolated_input":
        _MOTIF_BUILDERS[motif](b, case, minus)
    if case.load is None and rng.random() < 0.4:
        touching = [p.name for p in b.parts if p.kind in "RCL" and case.output in p.nodes]
        if touching and rng.random() < 0.6:
            case.load = rng.choice(touching)
        else:
            case.load = b.add("R", (case.output, GROUND), *b.value("R"), name="RL").name
    if case.input_node is None and rng.random() < 0.12:
        case.input_node = rng.choice(sorted({n for p in b.parts for n in p.nodes} - {GROUND}))
    case.ending = rng.choice(["", "", ".end\n"])
    return case


def _random_part(b: _Builder, driven: str) -> None:
    rng = b.rng
    kind = rng.choices("RCLEGFHVIO", [4, 2, 1.5, 1.2, 1.2, 0.8, 0.8, 0.6, 0.6, 0.6])[0]
    if kind in "RCL":
        b.passive(*b.pair(b.touch()), kind)
    elif kind in "EG":
        cp, cn = b.pair(b.sense())
        if rng.random() < 0.05:
            cn = cp  # senses nothing
        b.add(kind, (*b.pair(b.touch()), cp, cn), *b.value(kind))
    elif kind in "FH":
        sense = b.ammeter(driven)
        b.add(kind, b.pair(b.touch()), *b.value(kind), control=sense)
    elif kind == "V":
        b.add("V", b.pair(b.touch()), *_dc(rng))
    elif kind == "I":
        b.add("I", b.pair(b.touch()), *_dc(rng))
    else:
        x = rng.choice(b.touch(GROUND))
        if rng.random() < 0.2:  # a bare op-amp, feedback or not
            inp, inn = b.pair(b.sense())
            b.add("O", (x, inp, inn))
        else:
            b.opamp_stage(rng.choice(b.sense(GROUND)), x,
                          inverting=False if "in" not in b.nodes else None)


def _isolated_input(b: _Builder, internal: list[str]) -> None:
    """`in` (held by Vs) feeds only controlled-source inputs, and maybe a resistor to a node
    that nothing but a current source holds: R_in is infinite."""
    rng = b.rng
    way = rng.choice(["E", "G", "O"])
    x = rng.choice(internal + ["out"])
    if way == "E":
        b.add("E", (x, GROUND, "in", GROUND), *b.value("E"))
    elif way == "G":
        b.add("G", (x, rng.choice([GROUND, *internal]), "in", GROUND), *b.value("G"))
    else:
        b.opamp_stage("in", x, inverting=False)
    if rng.random() < 0.5:
        d = b.fresh("d")
        b.passive("in", d, "R")
        b.add("I", (d, GROUND) if rng.random() < 0.5 else (GROUND, d), *_dc(rng))
        b.sense_nodes.append(d)
        if rng.random() < 0.5:
            b.add("E", (rng.choice(internal), GROUND, d, GROUND), *b.value("E"))


def _motif_held(b: _Builder, case: Case, minus: str) -> None:
    case.output = "out"
    b.add("V", ("out", GROUND), *_dc(b.rng))


def _motif_driven_out(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    case.output = "out"
    way = rng.choice("EHO")
    if way == "E":
        b.add("E", ("out", GROUND, *b.pair(b.sense())), *b.value("E"))
    elif way == "H":
        sense = b.ammeter(case.source)
        b.add("H", ("out", GROUND), *b.value("H"), control=sense)
    else:
        b.opamp_stage(rng.choice(b.sense(GROUND, "out")), "out")


def _balanced_bridge(b: _Builder, top: str) -> tuple[str, str]:
    """Z1 top-b1, Z2 b1-0, Z3 top-b2, Z4 b2-0 with Z1/Z2 = Z3/Z4 at every s."""
    rng = b.rng
    b1, b2 = b.fresh("b"), b.fresh("b")
    t = rng.choice([Fraction(2), Fraction(1, 2), Fraction(3), Fraction(10), Fraction(47, 10),
                    Fraction(1, 3), Fraction(1)])
    shape = rng.choice(["RR", "RC", "LR", "CC"])
    k1, k2 = shape
    v1, _ = b.value(k1)
    v2, _ = b.value(k2)
    # Z1 scaled by t and Z2 scaled by t keeps the ratio: impedance t*Z is R*t, L*t or C/t
    v3 = v1 / t if k1 == "C" else v1 * t
    v4 = v2 / t if k2 == "C" else v2 * t
    b.add(k1, (top, b1), v1, _fmt(v1))
    b.add(k2, (b1, GROUND), v2, _fmt(v2))
    b.add(k1, (top, b2), v3, _fmt(v3))
    b.add(k2, (b2, GROUND), v4, _fmt(v4))
    if rng.random() < 0.4:
        b.passive(b1, b2, "R")  # a detector across the balanced diagonal carries nothing
    b.sense_nodes += [b1, b2]
    return b1, b2


def _motif_bridge(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    top = rng.choice(b.touch(GROUND))
    b1, b2 = _balanced_bridge(b, top)
    out = b.fresh("bo")
    if rng.random() < 0.5:
        b.add("E", (out, GROUND, b1, b2), *b.value("E"))
        if rng.random() < 0.5:
            b.passive(out, GROUND)
    else:
        b.add("G", (out, GROUND, b1, b2), *b.value("G"))
        load = b.passive(out, GROUND, "R")
        if rng.random() < 0.5:
            case.load = load.name
    case.output = out


def _motif_dead(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    out = b.fresh("z")
    way = rng.choice(["held", "island", "sense"])
    if way in ("held", "sense"):
        h = b.fresh("h")
        b.add("V", (h, GROUND), *_dc(rng))
        for _ in range(rng.randint(1, 2)):
            b.passive(rng.choice(b.touch(GROUND)), h)
        if way == "held":
            b.passive(h, out)
            if rng.random() < 0.7:
                b.passive(out, GROUND)
        else:
            b.add(rng.choice("EG"), (out, GROUND, h, GROUND), *b.value("E"))
            b.passive(out, GROUND, "R")
        b.sense_nodes.append(h)
    else:  # an island joined to the rest only at ground, with DC sources only
        b.passive(out, GROUND)
        i2 = b.fresh("i")
        b.passive(out, i2)
        b.passive(i2, GROUND, rng.choice("RC"))
        b.add("I", (GROUND, out), *_dc(rng))
        if rng.random() < 0.5:
            b.add("V", (i2, GROUND) if rng.random() < 0.5 else (i2, out), *_dc(rng))
    case.output = out


def _motif_dangling_source(b: _Builder, case: Case, minus: str) -> None:
    """Vs in m: m is held only by Vs and a current source; without Vs it floats."""
    rng = b.rng
    if rng.random() < 0.5:
        b.add("I", (minus, GROUND) if rng.random() < 0.5 else (GROUND, minus), *_dc(rng))
    else:
        b.add("G", (minus, GROUND, *b.pair(b.sense(minus))), *b.value("G"))


def _motif_dangling_load(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    m = b.fresh("m")
    case.output = "out"
    load = b.passive("out", m, rng.choice("RRC"))
    b.add("I", (m, GROUND) if rng.random() < 0.5 else (GROUND, m), *_dc(rng))
    case.load = load.name
    b.sense_nodes.append(m)


def _motif_current_out(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    out = b.fresh("co")
    way = rng.choice("GFI")
    if way == "G":
        b.add("G", (out, GROUND, *b.pair(b.sense())), *b.value("G"))
        load = b.passive(out, GROUND, rng.choice("RRC"))
    elif way == "F":
        sense = b.ammeter(case.source)
        b.add("F", (GROUND, out), *b.value("F"), control=sense)
        load = b.passive(out, GROUND, rng.choice("RRL"))
    else:
        b.add("I", (out, GROUND), *_dc(rng))
        load = b.passive(out, rng.choice(b.touch(GROUND)), "R")
    case.load = load.name
    case.output = out


def _motif_cancel(b: _Builder, case: Case, minus: str) -> None:
    rng = b.rng
    out = b.fresh("co")
    way = rng.choice(["EE", "GG", "FF", "HH"])
    if way in ("EE", "HH"):
        x = b.fresh("x")
        value, text = b.value(way[0])
        if way == "EE":
            cp, cn = b.pair(b.sense())
            first, second = {"nodes": (cp, cn)}, {"nodes": (cp, cn)}
        else:
            sense = b.ammeter(case.source)
            first, second = {"control": sense}, {"control": sense}
        order = [(x, GROUND, value, text, first), (out, x, -value, _fmt(-value), second)]
        if rng.random() < 0.5:
            order = [(x, GROUND, -value, _fmt(-value), first), (out, x, value, text, second)]
        for p, n, v, t, extra in order:
            b.add(way[0], (p, n, *extra.get("nodes", ())), v, t, extra.get("control"))
        if rng.random() < 0.5:
            b.passive(out, GROUND)
    else:
        value, text = b.value(way[0])
        if way == "GG":
            cp, cn = b.pair(b.sense())
            b.add("G", (out, GROUND, cp, cn), value, text)
            if rng.random() < 0.5:
                b.add("G", (GROUND, out, cp, cn), value, text)
            else:
                b.add("G", (out, GROUND, cn, cp), value, text)
        else:
            sense = b.ammeter(case.source)
            b.add("F", (out, GROUND), value, text, sense)
            b.add("F", (out, GROUND), -value, _fmt(-value), sense)
        load = b.passive(out, GROUND, "R")
        if rng.random() < 0.5:
            case.load = load.name
    case.output = out


def _motif_virtual_ground(b: _Builder, case: Case, minus: str) -> None:
    """The input node is an inverting amplifier's summing node (held at 0 V by the op-amp)."""
    rng = b.rng
    out = b.fresh("vo")
    q = b.fresh("q")
    if case.driven.kind == "I":
        q = "in"
    else:
        b.passive("in", q, "R")
        case.input_node = q
    b.add("O", (out, GROUND, q))
    b.passive(q, out, "R")
    if rng.random() < 0.4:
        b.passive(q, out, "C")
    case.output = out


_MOTIF_BUILDERS = {
    "held": _motif_held, "driven_out": _motif_driven_out, "bridge": _motif_bridge,
    "dead": _motif_dead, "dangling_source": _motif_dangling_source,
    "dangling_load": _motif_dangling_load, "current_out": _motif_current_out,
    "cancel": _motif_cancel, "virtual_ground": _motif_virtual_ground,
}


def _voltage_loop(parts: list[Part]) -> bool:
    root: dict[str, str] = {}

    def find(n: str) -> str:
        while root.get(n, n) != n:
            n = root[n]
        return n

    for p in parts:
        if p.kind in "VEHO":
            a, c = (p.nodes[0], GROUND) if p.kind == "O" else p.nodes[:2]
            ra, rc = find(a), find(c)
            if ra == rc:
                return True
            root[ra] = rc
    return False


def _current_cut(parts: list[Part]) -> bool:
    """True when some node reaches ground only through current sources (I, G, F outputs)."""
    root: dict[str, str] = {}

    def find(n: str) -> str:
        while root.get(n, n) != n:
            n = root[n]
        return n

    for p in parts:
        if p.kind not in "IGF":
            a, c = (p.nodes[0], GROUND) if p.kind == "O" else p.nodes[:2]
            root[find(a)] = find(c)
    nodes = {n for p in parts for n in p.nodes}
    return any(find(n) != find(GROUND) for n in nodes)


def _well_posed(case: Case) -> bool:
    if _voltage_loop(case.parts) or _current_cut(case.parts):
        return False
    for p in case.parts:
        if p.kind in "RCLVI" and p.nodes[0] == p.nodes[1]:
            return False
        if p.kind == "O" and p.nodes[1] == p.nodes[2]:
            return False
    return _gain(case) is not None


@cache
def generate(seed: int) -> Case:
    """The circuit of `seed` (deterministic: one `random.Random(seed)` draws everything)."""
    rng = random.Random(seed)
    names = [None, *MOTIFS]
    motif = rng.choices(names, [PLAIN_WEIGHT, *MOTIFS.values()])[0]
    for attempt in range(400):
        case = _build(rng, seed, motif if attempt < 300 else None)
        if _well_posed(case):
            return case
    raise RuntimeError(f"seed {seed}: no well-posed circuit in 400 attempts")


# -- the independent reference ------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """A reference result: kind "value" (with `values` at s points and `zero`), "infinite" or
    "undefined" (the system stays singular even with a test voltage)."""

    kind: str
    values: dict[Fraction, Fraction] = field(default_factory=dict)
    zero: bool = False


def _solve(parts: list[Part], s: Fraction, drive: dict[str, Fraction],
           want: tuple[str, str]) -> Fraction | None:
    """One unknown of the MNA system at Laplace value s, or None when it is singular.

    Unknowns: non-ground node voltages, then one current per V, E, H and op-amp output (the
    current enters the first node and flows through the element to the second, or to ground).
    Row i of a node states: current leaving it through the elements = current injected.
    """
    node: dict[str, int] = {}
    for p in parts:
        for n in p.nodes:
            if n != GROUND and n not in node:
                node[n] = len(node)
    branch: dict[str, int] = {}
    for p in parts:
        if p.kind in "VEHO":
            branch[p.name.lower()] = len(node) + len(branch)
    size = len(node) + len(branch)
    a: list[dict[int, Fraction]] = [{} for _ in range(size)]
    rhs = [Fraction(0)] * size

    def put(i: int | None, j: int | None, v: Fraction) -> None:
        if i is not None and j is not None:
            a[i][j] = a[i].get(j, 0) + v

    def at(n: str) -> int | None:
        return None if n == GROUND else node[n]

    for p in parts:
        k, name = p.kind, p.name.lower()
        if k in "RCLG":
            y = {"R": 1 / p.value if k == "R" else None, "C": s * p.value,
                 "L": 1 / (s * p.value) if k == "L" else None, "G": p.value}[k]
            o1, o2 = at(p.nodes[0]), at(p.nodes[1])
            c1, c2 = (o1, o2) if k != "G" else (at(p.nodes[2]), at(p.nodes[3]))
            put(o1, c1, y)
            put(o1, c2, -y)
            put(o2, c1, -y)
            put(o2, c2, y)
        elif k == "I":
            value = drive.get(name, Fraction(0))
            o1, o2 = at(p.nodes[0]), at(p.nodes[1])
            if o1 is not None:
                rhs[o1] -= value
            if o2 is not None:
                rhs[o2] += value
        elif k == "F":
            j = branch[p.control.lower()]
            put(at(p.nodes[0]), j, p.value)
            put(at(p.nodes[1]), j, -p.value)
        elif k == "O":
            r = branch[name]
            put(at(p.nodes[0]), r, Fraction(1))
            put(r, at(p.nodes[1]), Fraction(1))
            put(r, at(p.nodes[2]), Fraction(-1))
        else:  # V, E, H: v(p) - v(n) = drive | gain * v(cp, cn) | r * i(control)
            r = branch[name]
            o1, o2 = at(p.nodes[0]), at(p.nodes[1])
            put(o1, r, Fraction(1))
            put(o2, r, Fraction(-1))
            put(r, o1, Fraction(1))
            put(r, o2, Fraction(-1))
            if k == "V":
                rhs[r] = drive.get(name, Fraction(0))
            elif k == "E":
                put(r, at(p.nodes[2]), -p.value)
                put(r, at(p.nodes[3]), p.value)
            else:
                put(r, branch[p.control.lower()], -p.value)
    target = node[want[1]] if want[0] == "v" else branch[want[1]]
    return _gauss(a, rhs, target)


def _gauss(a: list[dict[int, Fraction]], rhs: list[Fraction], target: int) -> Fraction | None:
    n = len(a)
    rows = [({j: v for j, v in row.items() if v}, rhs[i]) for i, row in enumerate(a)]
    pivots: list[tuple[int, dict[int, Fraction], Fraction]] = []
    remaining = rows
    for col in range(n):
        candidates = [r for r in remaining if col in r[0]]
        if not candidates:
            return None
        prow, pb = min(candidates, key=lambda r: len(r[0]))
        remaining = [r for r in remaining if r[0] is not prow]
        inv = 1 / prow[col]
        prow = {j: v * inv for j, v in prow.items()}
        pb = pb * inv
        updated = []
        for row, b in remaining:
            f = row.get(col)
            if f:
                row = dict(row)
                for j, v in prow.items():
                    w = row.get(j, 0) - f * v
                    if w:
                        row[j] = w
                    else:
                        row.pop(j, None)
                b = b - f * pb
            updated.append((row, b))
        remaining = updated
        pivots.append((col, prow, pb))
    x: dict[int, Fraction] = {}
    for col, prow, pb in reversed(pivots):
        x[col] = pb - sum(v * x[j] for j, v in prow.items() if j != col)
    return x[target]


def _generic(case: Case, parts: list[Part], drive: dict[str, Fraction],
             want: tuple[str, str]) -> Ref | None:
    """The solution at S_POINTS, or None if the system is singular for every s."""
    k = case.reactive
    values: dict[Fraction, Fraction] = {}
    singular = 0
    nonzero = False
    for s in _s_points():
        x = _solve(parts, s, drive, want)
        if x is None:
            singular += 1
            if singular > k:
                return None  # the determinant vanishes at k + 1 points: identically
            continue
        nonzero = nonzero or x != 0
        values[s] = x
        if k == 0:
            return Ref("value", values, zero=not nonzero)
        if len(values) >= 2 and (nonzero or len(values) > k):
            return Ref("value", dict(list(values.items())[:2]), zero=not nonzero)
    raise AssertionError("unreachable")


def _s_points():
    yield from S_POINTS
    n = 1
    while True:  # as many more distinct points as a large circuit needs
        n += 1
        yield Fraction(n, 97)


def _impedance(case: Case, parts: list[Part], node: str) -> Ref:
    """v(node) for 1 A pushed into node (sources zeroed); if that is singular, infinite when a
    1 V test voltage draws exactly no current, else not defined."""
    test = Part("__itest", "I", (GROUND, node))
    z = _generic(case, parts + [test], {"__itest": Fraction(1)}, ("v", node))
    if z is not None:
        return z
    vtest = Part("__vtest", "V", (node, GROUND))
    y = _generic(case, parts + [vtest], {"__vtest": Fraction(1)}, ("i", "__vtest"))
    if y is None:
        return Ref("undefined")
    assert y.zero, f"seed {case.seed}: singular with a test current, yet it draws current"
    return Ref("infinite")


def _gain(case: Case) -> Ref | None:
    return _generic(case, case.parts, {case.source.lower(): Fraction(1)}, ("v", case.output))


def reference(case: Case) -> dict[str, Ref]:
    """gain (v(output) per unit of the driven source, others zeroed), R_in, R_out."""
    gain = _gain(case)
    rin_parts = [p for p in case.parts if p.name != case.source]
    rout_parts = [p for p in case.parts if p.name != case.load]
    return {
        "gain": gain if gain is not None else Ref("undefined"),
        "rin": _impedance(case, rin_parts, case.rin_node),
        "rout": _impedance(case, rout_parts, case.output),
    }
