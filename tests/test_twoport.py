"""Two-port parameters, each expectation written by hand from the textbook or computed by an
independent tool (scikit-rf for S, T and Rollett's K; symsig's own nodal solve of the whole
terminated or interconnected circuit for the Terminated quantities and the interconnections).

Conventions under test: port currents flow into the + terminal; ABCD is [V1, I1] = ABCD·[V2, −I2];
b is [V2, I2] = b·[V1, −I1]; S uses a = V + Z0·I, b = V − Z0·I; T is [b1, a1] = T·[a2, b2]
(scikit-rf's `s2t`).
"""

import itertools
import random

import numpy as np
import pytest
import sympy

from symsig import (
    AnalysisError,
    Circuit,
    Element,
    Options,
    impedance,
    parse,
    rin,
    rout,
    small_signal,
    transfer,
)
from symsig.analysis.twoport import (
    KINDS,
    NotDefined,
    TwoPort,
    cascade,
    convert,
    parallel,
    parallel_series,
    series,
    series_parallel,
    two_port,
)
from symsig.devices import to_common_basis
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
s = sympy.Symbol("s")
gm, rpi, ro, cpi, cmu = map(P, "gm rpi ro cpi cmu".split())
R, R1, R2, C, C1, C2, L, Z0 = map(P, "R R1 R2 C C1 C2 L Z0".split())
Rs, RL = P("Rs"), P("RL")


def par(*zs):
    return 1 / sum(1 / z for z in zs)


def same_matrix(got, expected) -> bool:
    """Entry by entry, exactly (sympy.cancel of each difference)."""
    got, expected = sympy.Matrix(got), sympy.Matrix(expected)
    assert got.shape == expected.shape == (2, 2)
    return all(same(got[i, j], expected[i, j]) for i in range(2) for j in range(2))


def numeric(matrix, values=None, f=None) -> np.ndarray:
    """A symsig matrix at numbers and s = 2jπf, as a complex 2×2 numpy array."""
    m = sympy.Matrix(matrix).subs(values or {})
    if f is not None:
        m = m.subs(s, 2j * sympy.pi * sympy.Float(f, 30))
    return np.array(m.evalf(30).tolist(), dtype=complex)


# --- hand-written textbook conversion tables (Pozar table 4.2 and the usual y/z/h forms) ---------

def sets_from_y(y11, y12, y21, y22, z0):
    """Every set of a network given by its y parameters, each formula written out by hand
    (intermediate results are cancelled as they go, which changes nothing but their size)."""
    t = sympy.cancel
    dy = t(y11 * y22 - y12 * y21)
    z11, z12, z21, z22 = t(y22 / dy), t(-y12 / dy), t(-y21 / dy), t(y11 / dy)
    den = t((z11 + z0) * (z22 + z0) - z12 * z21)
    s11, s12 = t(((z11 - z0) * (z22 + z0) - z12 * z21) / den), t(2 * z0 * z12 / den)
    s21, s22 = t(2 * z0 * z21 / den), t(((z11 + z0) * (z22 - z0) - z12 * z21) / den)
    return {
        "y": [[y11, y12], [y21, y22]],
        "z": [[z11, z12], [z21, z22]],
        "h": [[1 / y11, -y12 / y11], [y21 / y11, dy / y11]],
        "g": [[dy / y22, y12 / y22], [-y21 / y22, 1 / y22]],
        "abcd": [[-y22 / y21, -1 / y21], [-dy / y21, -y11 / y21]],
        "b": [[-y11 / y12, -1 / y12], [-dy / y12, -y22 / y12]],
        "s": [[s11, s12], [s21, s22]],
        # scikit-rf's s2t: T11 = S12 − S11·S22/S21, T12 = S11/S21, T21 = −S22/S21, T22 = 1/S21
        "t": [[s12 - s11 * s22 / s21, s11 / s21], [-s22 / s21, 1 / s21]],
    }


def hybrid_pi_y(rpi=rpi, gm=gm, ro=ro, cpi=cpi, cmu=cmu):
    """y of the hybrid-π with C_π and C_μ, common emitter, ports (b, e) and (c, e): by hand."""
    return [[1 / rpi + s * (cpi + cmu), -s * cmu], [gm - s * cmu, 1 / ro + s * cmu]]


HYBRID_PI = """hybrid-pi with C_pi and C_mu, common emitter
Rpi b 0 rpi
Cpi b 0 cpi
Cmu b c cmu
G1 c 0 b 0 gm
Ro c 0 ro
"""


# === 1. the hybrid-π two-port ====================================================================

def test_hybrid_pi_y_hand_netlist():
    tp = two_port(parse(HYBRID_PI), "b,0", "c,0", kind="y")
    assert tp.kind == "y"
    assert same(tp.y[0, 0], 1 / rpi + s * (cpi + cmu))
    assert same(tp.y[0, 1], -s * cmu)
    assert same(tp.y[1, 0], gm - s * cmu)
    assert same(tp.y[1, 1], 1 / ro + s * cmu)


def test_hybrid_pi_y_ignores_sources_across_the_ports():
    # A V source exactly across port 1 and an I source across port 2 are replaced by the tests.
    c = parse(HYBRID_PI + "Vs b 0 AC 1\nIl 0 c AC 1m\n")
    assert same_matrix(two_port(c, "b,0", "c,0").y, hybrid_pi_y())


def test_hybrid_pi_y_from_the_device_with_caps():
    q = small_signal(parse("one npn\nQ1 c b 0\n"), Options.build(include=["caps"]))
    g1, r1, o1, cp1, cm1 = map(P, "gm1 rpi1 ro1 cpi1 cmu1".split())
    y = two_port(q, "b", "c", kind="y").y
    assert same_matrix(y, [[1 / r1 + s * (cp1 + cm1), -s * cm1],
                           [g1 - s * cm1, 1 / o1 + s * cm1]])


def test_device_ports_referred_to_the_emitter():
    # Q1 c b e with ports (b, e) and (c, e). R_E to ground carries no current: both port
    # currents return through the emitter terminal, so the y set is the hybrid-π's.
    q = small_signal(parse("npn with a floating emitter\nQ1 c b e\nRE e 0 RE\n"),
                     Options.build(include=["caps"]))
    g1, r1, o1, cp1, cm1 = map(P, "gm1 rpi1 ro1 cpi1 cmu1".split())
    assert same_matrix(two_port(q, "b,e", "c,e", kind="y").y,
                       [[1 / r1 + s * (cp1 + cm1), -s * cm1], [g1 - s * cm1, 1 / o1 + s * cm1]])


def test_device_alone_without_a_ground_node():
    # The lone transistor `Q1 c b e` has no node 0, but its two-port with ports (b, e) and
    # (c, e) is well defined (only differences of potential enter): the same y as above.
    q = small_signal(Circuit().add(Element("Q1", ("c", "b", "e"))),
                     Options.build(include=["caps"]))
    g1, r1, o1, cp1, cm1 = map(P, "gm1 rpi1 ro1 cpi1 cmu1".split())
    assert same_matrix(two_port(q, "b,e", "c,e", kind="y").y,
                       [[1 / r1 + s * (cp1 + cm1), -s * cm1], [g1 - s * cm1, 1 / o1 + s * cm1]])


def test_hybrid_pi_h_without_caps():
    c = parse("hybrid-pi, mid-band\nRpi b 0 rpi\nG1 c 0 b 0 gm\nRo c 0 ro\n")
    h = two_port(c, "b,0", "c,0", kind="h").h
    assert same_matrix(h, [[rpi, 0], [gm * rpi, 1 / ro]])


def test_device_h_without_caps_gives_beta():
    q = parse("one npn\nQ1 c b 0\n")  # analysis turns Q1 into its mid-band hybrid-π
    g1, r1, o1, b1 = map(P, "gm1 rpi1 ro1 beta1".split())
    h = two_port(q, "b", "c", kind="h").h
    assert same_matrix(h, [[r1, 0], [g1 * r1, 1 / o1]])
    assert same(to_common_basis(h[1, 0]), b1)  # h21 = g_m r_π = β
    assert same(to_common_basis(h[0, 0]), b1 / g1)


def test_t_model_gives_the_same_h_without_caps():
    q = small_signal(parse("one npn\nQ1 c b 0\n"), Options.build("T"))
    g1, o1, b1 = map(P, "gm1 ro1 beta1".split())
    h = two_port(q, "b", "c", kind="h").h.applyfunc(to_common_basis)
    assert same_matrix(h, [[b1 / g1, 0], [b1, 1 / o1]])


@pytest.mark.parametrize("kind", KINDS)
def test_t_model_with_caps_gives_every_set_of_the_hybrid_pi(kind):
    # The T model (r_e, α·i_e) with C_π, C_μ is the hybrid-π with r_π = β/g_m: every set equals
    # the hand-written textbook set of the hand-written hybrid-π y (Z0 = 50 for S and T).
    q = small_signal(parse("one npn\nQ1 c b 0\n"), Options.build("T", include=["caps"]))
    g1, o1, b1, cp1, cm1 = map(P, "gm1 ro1 beta1 cpi1 cmu1".split())
    got = two_port(q, "b", "c", kind=kind).to(kind).applyfunc(to_common_basis)
    expected = sets_from_y(*itertools.chain(*hybrid_pi_y(b1 / g1, g1, o1, cp1, cm1)), 50)[kind]
    assert same_matrix(got, expected)


def test_short_circuit_current_gain_h21():
    h21 = two_port(parse(HYBRID_PI), "b,0", "c,0", kind="h").h[1, 0]
    assert same(h21, (gm - s * cmu) / (1 / rpi + s * (cpi + cmu)))


def test_unity_gain_frequency_limit():
    # With r_π → ∞ and C_μ → 0, |h21(jω)| = g_m/(ω C_π): exactly 1 at ω_T = g_m/(C_π + C_μ).
    h21 = two_port(parse(HYBRID_PI), "b,0", "c,0", kind="h").h[1, 0]
    w = P("omega")
    ideal = sympy.limit(h21.subs(cmu, 0), rpi, sympy.oo)
    at_wt = ideal.subs(s, sympy.I * gm / cpi)
    assert sympy.simplify(sympy.Abs(at_wt)) == 1
    assert sympy.simplify(sympy.Abs(ideal.subs(s, sympy.I * w)) - gm / (w * cpi)) == 0


def test_unity_gain_frequency_numerically():
    # Typical values: g_m = 40 mS, β = 100, C_π = 10 pF, C_μ = 0.5 pF.
    # By hand, |h21(jω)| = 1 ⇔ g_m² + ω²C_μ² = 1/r_π² + ω²(C_π + C_μ)², so
    # ω_T² = (g_m² − 1/r_π²)/(C_π (C_π + 2C_μ)); ω_T/(g_m/(C_π + C_μ)) − 1 is then about
    # (C_μ/(C_π+C_μ))²/2 − 1/(2β²) ≈ 1.1e-3: the textbook f_T is good to 0.2 % here.
    from scipy.optimize import brentq

    values = {gm: sympy.Rational(4, 100), rpi: 2500, cpi: sympy.Rational(10, 10**12),
              cmu: sympy.Rational(5, 10**13), ro: 10**5}
    h21 = two_port(parse(HYBRID_PI), "b,0", "c,0", kind="h").h[1, 0].subs(values)
    mag = sympy.lambdify(s, h21, "numpy")
    approx = 0.04 / 10.5e-12
    w_t = brentq(lambda x: abs(mag(1j * x)) - 1, approx / 10, approx * 10, xtol=1e-3, rtol=1e-14)
    exact = np.sqrt((0.04**2 - 1 / 2500**2) / (10e-12 * (10e-12 + 2 * 0.5e-12)))
    assert w_t == pytest.approx(exact, rel=1e-10)
    assert w_t == pytest.approx(approx, rel=2e-3)
    assert abs(w_t / approx - 1 - ((0.5 / 10.5) ** 2 / 2 - 1 / (2 * 100**2))) < 1e-5


# === 2. conversions ==============================================================================

a, b, c, d = sympy.symbols("a b c d")
GENERIC = sympy.Matrix([[a, b], [c, d]])
PAIRS = [(k1, k2) for k1 in KINDS for k2 in KINDS if k1 != k2]


@pytest.mark.parametrize("source,target", PAIRS)
def test_round_trip_generic(source, target):
    there = convert(GENERIC, source, target, Z0)
    assert same_matrix(convert(there, target, source, Z0), GENERIC)
    # and through the value type
    net = TwoPort(source, GENERIC, Z0)
    assert same_matrix(net.convert(target).to(source), GENERIC)


@pytest.fixture(scope="module")
def hybrid_pi_sets():
    """The hybrid-π's sets at Z0 = 50, from the hand-written textbook formulas (each entry
    brought to one cancelled fraction, so the conversions start from a tidy matrix)."""
    sets = sets_from_y(*itertools.chain(*hybrid_pi_y()), 50)
    return {k: sympy.Matrix(m).applyfunc(sympy.cancel) for k, m in sets.items()}


@pytest.mark.parametrize("source,target", PAIRS)
def test_round_trip_hybrid_pi(source, target, hybrid_pi_sets):
    start = sympy.Matrix(hybrid_pi_sets[source])
    there = convert(start, source, target, 50)
    assert same_matrix(there, hybrid_pi_sets[target])
    assert same_matrix(convert(there, target, source, 50), start)


def test_y_from_h_textbook():
    y = TwoPort("h", GENERIC).y  # h11 = a, h12 = b, h21 = c, h22 = d
    assert same_matrix(y, [[1 / a, -b / a], [c / a, (a * d - b * c) / a]])


def test_z_is_inverse_of_y_textbook():
    z = TwoPort("y", GENERIC).z
    dy = a * d - b * c
    assert same_matrix(z, [[d / dy, -b / dy], [-c / dy, a / dy]])


def test_abcd_from_z_textbook():
    abcd = TwoPort("z", GENERIC).abcd
    dz = a * d - b * c
    assert same_matrix(abcd, [[a / c, dz / c], [1 / c, d / c]])


def test_h_from_z_and_b_from_abcd_textbook():
    dz = a * d - b * c
    assert same_matrix(TwoPort("z", GENERIC).h, [[dz / d, b / d], [-c / d, 1 / d]])
    # b = ABCD⁻¹ with the sign of the currents: [[D, B], [C, A]]/(AD − BC)
    assert same_matrix(TwoPort("abcd", GENERIC).b, [[d / dz, b / dz], [c / dz, a / dz]])


def test_s_from_z_textbook():
    # S = (Z − Z0·I)(Z + Z0·I)⁻¹, written out.
    S = TwoPort("z", GENERIC, Z0).s()
    den = (a + Z0) * (d + Z0) - b * c
    assert same_matrix(S, [[((a - Z0) * (d + Z0) - b * c) / den, 2 * Z0 * b / den],
                           [2 * Z0 * c / den, ((a + Z0) * (d - Z0) - b * c) / den]])


def test_abcd_from_s_pozar():
    # Pozar table 4.2 with S11 = a, S12 = b, S21 = c, S22 = d.
    abcd = TwoPort("s", GENERIC, Z0).abcd
    assert same_matrix(abcd, [
        [((1 + a) * (1 - d) + b * c) / (2 * c), Z0 * ((1 + a) * (1 + d) - b * c) / (2 * c)],
        [((1 - a) * (1 - d) - b * c) / (2 * c * Z0), ((1 - a) * (1 + d) + b * c) / (2 * c)]])


def test_t_from_s_matches_skrf_s2t():
    import skrf

    t = TwoPort("s", GENERIC, Z0).t()
    assert same_matrix(t, [[b - a * d / c, a / c], [-d / c, 1 / c]])
    rng = np.random.default_rng(3)
    sn = rng.normal(size=(1, 2, 2)) + 1j * rng.normal(size=(1, 2, 2))
    got = numeric(t.subs({a: sn[0, 0, 0], b: sn[0, 0, 1], c: sn[0, 1, 0], d: sn[0, 1, 1]}))
    assert np.allclose(got, skrf.network.s2t(sn)[0], rtol=1e-12, atol=1e-12)


def test_s_at_another_reference():
    # S at Z0 = 50 of a lone 50 Ω shunt resistor, then re-referenced to 25 Ω (by hand:
    # −Z0/(2R + Z0) and 2R/(2R + Z0)).
    net = TwoPort("z", [[50, 50], [50, 50]], 50)
    assert same_matrix(net.s(), [[-sympy.Rational(1, 3), sympy.Rational(2, 3)],
                                 [sympy.Rational(2, 3), -sympy.Rational(1, 3)]])
    assert same_matrix(net.s(25), [[-sympy.Rational(1, 5), sympy.Rational(4, 5)],
                                   [sympy.Rational(4, 5), -sympy.Rational(1, 5)]])


# === 3. S parameters: by hand and against scikit-rf ==============================================

def test_s_of_series_resistor():
    c = Circuit().R("R1", "a", "b", R)
    S = two_port(c, "a", "b", kind="s", z0=Z0).s()
    assert same_matrix(S, [[R / (R + 2 * Z0), 2 * Z0 / (R + 2 * Z0)],
                           [2 * Z0 / (R + 2 * Z0), R / (R + 2 * Z0)]])


def test_s_of_shunt_resistor():
    c = Circuit().R("R1", "a", "0", R)
    S = two_port(c, "a", "a", kind="s", z0=Z0).s()
    assert same_matrix(S, [[-Z0 / (2 * R + Z0), 2 * R / (2 * R + Z0)],
                           [2 * R / (2 * R + Z0), -Z0 / (2 * R + Z0)]])


FREQS = np.array([1e6, 3.7e7, 2.2e8, 1e9])


def _skrf():
    import skrf
    from skrf.media import DefinedGammaZ0

    f = skrf.Frequency.from_f(FREQS, unit="hz")
    return skrf, f, DefinedGammaZ0(frequency=f, z0=50)


def random_ladder(seed):
    """A random RLC ladder, built once in symsig and once from scikit-rf media elements."""
    _, _, med = _skrf()
    rng = random.Random(seed)
    circuit, net, node = Circuit(), None, "n0"
    scale = {"R": 1, "L": sympy.Rational(1, 10**10), "C": sympy.Rational(1, 10**13)}
    for i in range(rng.randint(3, 7)):
        kind, shunt = rng.choice("RLC"), rng.random() < 0.5
        value = rng.randint(5, 999) * scale[kind]
        el = {"R": med.resistor, "L": med.inductor, "C": med.capacitor}[kind](float(value))
        if shunt:
            el = med.shunt(el ** med.short())
            circuit = getattr(circuit, kind)(f"{kind}{i}", node, "0", value)
        else:
            circuit = getattr(circuit, kind)(f"{kind}{i}", node, f"n{i + 1}", value)
            node = f"n{i + 1}"
        net = el if net is None else net ** el
    return circuit, node, net


def at_freqs(matrix, values=None):
    return np.array([numeric(matrix, values, f) for f in FREQS])


@pytest.mark.parametrize("seed", range(6))
def test_s_of_random_ladders_matches_skrf(seed):
    circuit, out, net = random_ladder(seed)
    S = two_port(circuit, "n0", out, kind="s", z0=50).s()
    assert np.max(np.abs(at_freqs(S) - net.s)) < 1e-9
    # the same S through y or z extraction and conversion, and T against scikit-rf's t
    for kind in ("y", "z", "abcd"):
        try:
            other = two_port(circuit, "n0", out, kind=kind)
        except NotDefined:
            continue
        assert np.max(np.abs(at_freqs(other.s()) - net.s)) < 1e-9
    if not np.any(np.abs(net.s[:, 1, 0]) < 1e-12):
        assert np.max(np.abs(at_freqs(two_port(circuit, "n0", out, kind="t").t()) - net.t)
                      ) < 1e-9 * np.max(np.abs(net.t))


def test_s_of_bridged_t_matches_skrf_circuit():
    skrf, f, med = _skrf()
    from skrf.circuit import Circuit as SkrfCircuit

    z1, z2 = med.resistor(33, name="z1"), med.inductor(47e-9, name="z2")
    z3, z4 = med.capacitor(12e-12, name="z3"), med.resistor(150, name="z4")
    p1, p2 = SkrfCircuit.Port(f, "p1", z0=50), SkrfCircuit.Port(f, "p2", z0=50)
    gnd = SkrfCircuit.Ground(f, "gnd")
    net = SkrfCircuit([[(p1, 0), (z1, 0), (z4, 0)], [(z1, 1), (z2, 0), (z3, 0)],
                       [(z2, 1), (z4, 1), (p2, 0)], [(z3, 1), (gnd, 0)]]).network
    c = parse("bridged T\nR1 a m 33\nL2 m b 47n\nC3 m 0 12p\nR4 a b 150\n")
    assert np.max(np.abs(at_freqs(two_port(c, "a", "b", kind="s").s()) - net.s)) < 1e-9


HP_VALUES = {gm: sympy.Rational(4, 100), rpi: 2500, ro: 50000,
             cpi: sympy.Rational(10, 10**12), cmu: sympy.Rational(5, 10**13)}


def _hand_hybrid_pi_network():
    """scikit-rf Network from the hand-written hybrid-π y at numbers."""
    skrf, f, _ = _skrf()
    y = np.array([numeric(hybrid_pi_y(), HP_VALUES, x) for x in FREQS])
    return skrf.Network(frequency=f, y=y, z0=50)


def test_s_of_hybrid_pi_matches_skrf():
    net = _hand_hybrid_pi_network()
    tp = two_port(parse(HYBRID_PI), "b", "c", kind="s", z0=50)
    assert np.max(np.abs(at_freqs(tp.s(), HP_VALUES) - net.s)) < 1e-9
    got_t = at_freqs(tp.t(), HP_VALUES)
    assert np.max(np.abs(got_t - net.t) / np.abs(net.t)) < 1e-9


def test_rollett_k_matches_skrf_stability():
    net = _hand_hybrid_pi_network()
    y = two_port(parse(HYBRID_PI), "b", "c", kind="y").y
    tp = TwoPort("y", y.subs(HP_VALUES), 50)
    for i, f in enumerate(FREQS):
        k, mu = tp.stability(2j * sympy.pi * sympy.Float(f, 30), z0=50)
        k, mu = complex(sympy.sympify(k)), complex(sympy.sympify(mu))
        assert k.real == pytest.approx(net.stability[i], rel=1e-9) and abs(k.imag) < 1e-12
        # Edwards–Sinsky μ = (1 − |S11|²)/(|S22 − Δ·S11*| + |S12·S21|) from scikit-rf's S
        sn = net.s[i]
        delta = sn[0, 0] * sn[1, 1] - sn[0, 1] * sn[1, 0]
        mu_skrf = (1 - abs(sn[0, 0]) ** 2) / (abs(sn[1, 1] - delta * np.conj(sn[0, 0]))
                                              + abs(sn[0, 1] * sn[1, 0]))
        assert mu.real == pytest.approx(mu_skrf, rel=1e-9)


def test_stability_of_a_unilateral_network():
    # S12 = 0: Rollett's K has 2|S12·S21| = 0 below it (scikit-rf reports inf), and μ reduces by
    # hand to 1/|S22| (Δ = S11·S22, so |S22 − Δ·S11*| = |S22|·(1 − |S11|²)).
    values = {gm: sympy.Rational(4, 100), rpi: 2500, ro: 50000, cpi: sympy.Rational(10, 10**12)}
    y = [[1 / rpi + s * cpi, 0], [gm, 1 / ro]]
    tp = TwoPort("y", sympy.Matrix(y).subs(values), 50)
    f = 1e8
    net = _skrf()[0].Network(frequency=_skrf()[1], y=np.array([numeric(y, values, x)
                                                              for x in FREQS]), z0=50)
    k, mu = tp.stability(2j * sympy.pi * sympy.Float(f, 30), z0=50)
    assert np.isinf(net.stability).all()
    assert sympy.sympify(k) == sympy.oo  # a float inf sympifies to oo as well
    s22 = numeric(tp.s(), f=f)[1, 1]
    assert complex(sympy.sympify(mu)).real == pytest.approx(1 / abs(s22), rel=1e-9)


# === 4. terminations against a nodal solve of the terminated circuit =============================

def _ce():
    return parse(HYBRID_PI), "b", "c"


def _rc_ladder():
    return parse("RC ladder\nR1 a m R1\nC1 m 0 C1\nR2 m b R2\nC2 b 0 C2\n"), "a", "b"


def _mos_cs():
    m = small_signal(parse("common source\nM1 d g 0\n"), Options.build(include=["caps"]))
    return m, "g", "d"


CIRCUITS = {"hybrid-pi CE": _ce, "RC ladder": _rc_ladder, "MOS CS with cgd": _mos_cs}


def _terminated(name):
    circuit, p1, p2 = CIRCUITS[name]()
    term = two_port(circuit, p1, p2, kind="y").terminated(Rs, RL)
    direct = circuit.V("Vs", "src", "0", ac=1).R("Rs", "src", p1, Rs).R("RL", p2, "0", RL)
    return term, direct, p1, p2


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_zin(name):
    term, direct, p1, _ = _terminated(name)
    assert same(term.zin, rin(direct, "Vs", input_node=p1).expr)


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_zout(name):
    term, direct, _, p2 = _terminated(name)
    assert same(term.zout, rout(direct, p2, load="RL").expr)


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_av(name):
    term, direct, p1, p2 = _terminated(name)
    assert same(term.av, transfer(direct, p2, "Vs").expr / transfer(direct, p1, "Vs").expr)


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_avs(name):
    term, direct, _, p2 = _terminated(name)
    assert same(term.avs, transfer(direct, p2, "Vs").expr)


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_ai(name):
    # I_load flows from p2 through RL to ground; I1 from the source through Rs into port 1.
    term, direct, _, _ = _terminated(name)
    assert same(term.ai, transfer(direct, "i(RL)", "Vs").expr
                / transfer(direct, "i(Rs)", "Vs").expr)


@pytest.mark.parametrize("name", CIRCUITS)
def test_terminated_vout_open(name):
    term, direct, _, p2 = _terminated(name)
    assert same(term.vout_open, transfer(direct.without("RL"), p2, "Vs").expr)


@pytest.mark.parametrize("kind", KINDS)
def test_terminated_from_every_set(kind):
    # The terminated hybrid-π CE (with C_π, C_μ) held as any set gives the nodal solve's
    # Z_in, Z_out, A_v, A_vs and A_i (S and T at Z0 = 50).
    circuit, p1, p2 = _ce()
    direct = circuit.V("Vs", "src", "0", ac=1).R("Rs", "src", p1, Rs).R("RL", p2, "0", RL)
    term = two_port(circuit, p1, p2, kind=kind).terminated(Rs, RL)
    v1, v2 = transfer(direct, p1, "Vs").expr, transfer(direct, p2, "Vs").expr
    assert same(term.zin, rin(direct, "Vs", input_node=p1).expr)
    assert same(term.zout, rout(direct, p2, load="RL").expr)
    assert same(term.av, v2 / v1)
    assert same(term.avs, v2)
    assert same(term.ai, transfer(direct, "i(RL)", "Vs").expr
                / transfer(direct, "i(Rs)", "Vs").expr)


def test_terminated_av_hybrid_pi_by_hand():
    # Without capacitors: A_v = −g_m (r_o ∥ R_L), Z_in = r_π, Z_out = r_o. The source g_m·v_π
    # pulls current down through the collector, so the load current (c → R_L → ground) is
    # −g_m r_π I1 · r_o/(r_o + R_L): A_i = −h21/(1 + h22·R_L) = −β r_o/(r_o + R_L).
    c = parse("mid-band hybrid-pi\nRpi b 0 rpi\nG1 c 0 b 0 gm\nRo c 0 ro\n")
    t = two_port(c, "b", "c", kind="h").terminated(Rs, RL)
    assert same(t.av, -gm * par(ro, RL))
    assert same(t.avs, -gm * par(ro, RL) * rpi / (rpi + Rs))
    assert same(t.zin, rpi) and same(t.zout, ro)
    assert same(t.ai, -gm * rpi * ro / (ro + RL))


PG_VALUES = {R1: 100, R2: 220, C1: sympy.Rational(1, 10**9), C2: sympy.Rational(47, 10**11),
             gm: sympy.Rational(4, 100), rpi: 2500, ro: 50000,
             cpi: sympy.Rational(10, 10**12), cmu: sympy.Rational(5, 10**13),
             P("gm1"): sympy.Rational(2, 1000), P("ro1"): 20000,
             P("cgs1"): sympy.Rational(2, 10**13), P("cgd1"): sympy.Rational(5, 10**14),
             P("cdb1"): sympy.Rational(3, 10**14)}


@pytest.mark.parametrize("name", CIRCUITS)
@pytest.mark.parametrize("freq", [1e5, 3e7])
def test_power_gains_against_direct_solution(name, freq):
    # Complex terminations: Z_S = Rs + s·Ls and Z_L = RL ∥ C_L.
    Ls, CL = P("Ls"), P("CL")
    vals = {**PG_VALUES, Rs: 600, Ls: sympy.Rational(1, 10**6), RL: 1500,
            CL: sympy.Rational(2, 10**12)}
    circuit, p1, p2 = CIRCUITS[name]()
    net = two_port(circuit, p1, p2, kind="z")
    net = TwoPort("z", net.z.subs(vals))
    zs, zl = (Rs + s * Ls).subs(vals), (RL / (1 + s * RL * CL)).subs(vals)
    sv = 2j * sympy.pi * sympy.Float(freq, 30)
    gains = {k: complex(v.evalf(30)) for k, v in net.terminated(zs, zl).power_gains(sv).items()}

    direct = (circuit.V("Vs", "src", "0", ac=1).R("Rs", "src", "x", Rs).L("Ls", "x", p1, Ls)
              .R("RL", p2, "0", RL).C("CL", p2, "0", CL))
    sn = 2j * np.pi * freq

    def ev(output, circ=direct):
        return complex(transfer(circ, output, "Vs").evaluate(vals, s=sn))

    v1, i1, v2 = ev(p1), ev("i(Ls)"), ev(p2)
    i_load = ev("i(RL)") + ev("i(CL)")
    p_load = 0.5 * (v2 * np.conj(i_load)).real
    p_in = 0.5 * (v1 * np.conj(i1)).real
    p_avs = 1 / (8 * 600)  # |VS|² / (8 Re Z_S), VS = 1 V peak
    unloaded = direct.without("RL", "CL")
    voc = ev(p2, unloaded)
    zout = complex(impedance(unloaded, p2).evaluate(vals, s=sn))
    p_avo = abs(voc) ** 2 / (8 * zout.real)
    assert gains["GT"].real == pytest.approx(p_load / p_avs, rel=1e-9)
    assert gains["GP"].real == pytest.approx(p_load / p_in, rel=1e-9)
    assert gains["GA"].real == pytest.approx(p_avo / p_avs, rel=1e-9)
    assert all(abs(g.imag) < 1e-12 * max(1, abs(g)) for g in gains.values())


# === 5. properties ===============================================================================

def test_passive_symmetric_t_is_reciprocal_and_symmetric():
    c = parse("symmetric T\nR1 a m R\nC1 m 0 C\nR2 m b R\n")
    net = two_port(c, "a", "b", kind="abcd")
    assert net.reciprocal and net.symmetric


def test_passive_unequal_ladder_is_reciprocal_not_symmetric():
    c = parse("RLC ladder\nR1 a m R1\nC1 m 0 C\nL1 m b L\nR2 b 0 R2\n")
    for kind in ("y", "z", "h", "abcd", "s"):
        net = two_port(c, "a", "b", kind=kind)
        assert net.reciprocal, kind
        assert not net.symmetric, kind


def test_transistor_is_neither_reciprocal_nor_symmetric():
    net = two_port(parse(HYBRID_PI), "b", "c")
    assert not net.reciprocal and not net.symmetric


def test_unilateral_without_cmu_only():
    mid = parse("hybrid-pi with C_pi only\nRpi b 0 rpi\nCpi b 0 cpi\nG1 c 0 b 0 gm\nRo c 0 ro\n")
    assert two_port(mid, "b", "c").unilateral
    assert two_port(mid, "b", "c", kind="h").unilateral
    assert not two_port(parse(HYBRID_PI), "b", "c").unilateral
    assert not two_port(parse(HYBRID_PI), "b", "c", kind="s").unilateral


def test_lossless_lc_and_lossy_rc():
    lc = parse("LC T\nL1 a m L\nC1 m 0 C\nL2 m b L2\n")
    assert two_port(lc, "a", "b", kind="abcd").lossless() is True
    rc = parse("RC T\nR1 a m R\nC1 m 0 C\nR2 m b R2\n")
    assert two_port(rc, "a", "b", kind="abcd").lossless() is False


# === 6. interconnections =========================================================================

def test_cascade_of_series_resistors():
    n1 = two_port(Circuit().R("R1", "a", "b", R1), "a", "b", kind="abcd")
    n2 = two_port(Circuit().R("R2", "a", "b", R2), "a", "b", kind="abcd")
    assert same_matrix(n1.abcd, [[1, R1], [0, 1]])
    assert same_matrix(cascade(n1, n2).abcd, [[1, R1 + R2], [0, 1]])


def test_cascade_series_r_shunt_c_is_the_l_section():
    series_r = two_port(Circuit().R("R1", "a", "b", R), "a", "b", kind="abcd")
    shunt_c = two_port(Circuit().C("C1", "a", "0", C), "a", "a", kind="z")  # z: 1/(sC) all four
    assert same_matrix(shunt_c.abcd, [[1, 0], [s * C, 1]])
    section = cascade(series_r, shunt_c)
    assert same_matrix(section.abcd, [[1 + s * R * C, R], [s * C, 1]])
    whole = two_port(parse("RC section\nR1 a b R\nC1 b 0 C\n"), "a", "b", kind="abcd")
    assert same_matrix(section.abcd, whole.abcd)
    # Two sections: [[1+sRC, R],[sC, 1]]² by hand
    k = 1 + s * R * C
    two = cascade(section, section)
    assert same_matrix(two.abcd, [[k * k + s * R * C, k * R + R], [s * C * k + s * C,
                                                                    s * R * C + 1]])


def test_parallel_hybrid_pi_and_cmu_adds_y():
    # Both are three-terminal with the emitter common: the parallel–parallel port condition
    # always holds, so y adds.
    core = parse("hybrid-pi without C_mu\nRpi b 0 rpi\nCpi b 0 cpi\nG1 c 0 b 0 gm\nRo c 0 ro\n")
    bridge = Circuit().C("Cmu", "b", "c", cmu)
    combined = parallel(two_port(core, "b", "c"), two_port(bridge, "b", "c"))
    assert same_matrix(combined.y, hybrid_pi_y())
    assert same_matrix(combined.y, two_port(parse(HYBRID_PI), "b", "c").y)


def test_parallel_twin_t_matches_nodal_solve():
    # Twin-T notch: an R–C–R T and a C–R–C T, both with common ground, in parallel.
    r_t = parse("R T\nRa a m R\nCm m 0 {2*C}\nRb m b R\n")
    c_t = parse("C T\nCa a n C\nRn n 0 {R/2}\nCb n b C\n")
    whole = parse("twin T\nRa a m R\nCm m 0 {2*C}\nRb m b R\nCa a n C\nRn n 0 {R/2}\n"
                  "Cb n b C\n")
    combined = parallel(two_port(r_t, "a", "b"), two_port(c_t, "a", "b"))
    assert same_matrix(combined.y, two_port(whole, "a", "b").y)

    def t_y(z1, z2, z3):  # a T of arms z1, z2 and shunt z3: z = [[z1+z3, z3],[z3, z2+z3]], y = z⁻¹
        dz = (z1 + z3) * (z2 + z3) - z3**2
        return sympy.Matrix([[(z2 + z3) / dz, -z3 / dz], [-z3 / dz, (z1 + z3) / dz]])

    zc = 1 / (s * C)
    assert same_matrix(combined.y, t_y(R, R, 1 / (2 * s * C)) + t_y(zc, zc, R / 2))
    # The notch: y21 = 0 at s = j/(RC), so the open-circuit transfer −y21/y22 vanishes there.
    assert sympy.simplify(combined.y[1, 0].subs(s, sympy.I / (R * C))) == 0


def test_series_series_t_networks_joined_at_their_common_node():
    # Port 1 is (a1, a2) and port 2 is (b1, b2); the T's common nodes are joined at m. Each T is
    # three-terminal, so the current into its common node is the sum of its port currents and
    # the series–series port condition holds: z adds. (a2 is ground.)
    ra, rb, rc, rd, re_, rf = map(P, "Ra Rb Rc Rd Re Rf".split())
    upper = parse("T1\nR1 a1 x Ra\nR2 x b1 Rb\nR3 x 0 Rc\n")
    lower = parse("T2\nR4 a2 y Rd\nR5 y b2 Re\nR6 y 0 Rf\n")
    z_upper = two_port(upper, "a1", "b1", kind="z").z
    z_lower = two_port(lower, "a2", "b2", kind="z").z
    assert same_matrix(z_upper, [[ra + rc, rc], [rc, rb + rc]])
    assert same_matrix(z_lower, [[rd + rf, rf], [rf, re_ + rf]])
    combined = series(TwoPort("z", z_upper), TwoPort("z", z_lower))
    whole = parse("series-series\nR1 a1 x Ra\nR2 x b1 Rb\nR3 x m Rc\n"
                  "R4 0 y Rd\nR5 y b2 Re\nR6 y m Rf\n")
    direct = two_port(whole, "a1,0", "b1,b2", kind="z").z
    assert same_matrix(direct, [[ra + rc + rf + rd, rc + rf], [rc + rf, rb + rc + rf + re_]])
    assert same_matrix(combined.z, direct)


def test_series_parallel_feedback_adds_h():
    # Series–shunt feedback: amplifier (input r_in floating between p and n, VCVS A with r_o
    # at the output) and a divider R2 (out–n), R1 (n–0). The amplifier's input is isolated from
    # its output, so the current into p leaves at n: the port condition holds and h adds.
    A, r_in = P("A"), P("rin")
    amp = parse("amplifier\nRin p 0 rin\nE1 x 0 p 0 A\nRo x out ro\n")
    feedback = parse("divider\nR1 n 0 R1\nR2 out n R2\n")
    h_amp = two_port(amp, "p", "out", kind="h").h
    h_fb = two_port(feedback, "n", "out", kind="h").h
    assert same_matrix(h_amp, [[r_in, 0], [-A * r_in / ro, 1 / ro]])
    assert same_matrix(h_fb, [[par(R1, R2), R1 / (R1 + R2)], [-R1 / (R1 + R2), 1 / (R1 + R2)]])
    whole = parse("closed loop\nRin p n rin\nE1 x 0 p n A\nRo x out ro\nR1 n 0 R1\nR2 out n R2\n")
    combined = series_parallel(TwoPort("h", h_amp), TwoPort("h", h_fb))
    k = R1 / (R1 + R2)  # the feedback factor
    assert same_matrix(combined.h, [[r_in + par(R1, R2), k],
                                    [-A * r_in / ro - k, 1 / ro + 1 / (R1 + R2)]])
    assert same_matrix(combined.h, two_port(whole, "p", "out", kind="h").h)


def test_parallel_series_feedback_adds_g():
    # Shunt–series feedback: amplifier A (input R_i to ground, a floating VCVS mu·V1 with R_o
    # at its output) and the feedback pair R_F (p–x), R_2 (x–0). Inputs in parallel at p, outputs
    # in series (A's output stacked on R_2): A's output is isolated from its input, so the
    # current into out leaves at x, the port condition holds and g ([I1, V2] = g·[V1, I2]) adds.
    mu, r_i, r_f = P("mu"), P("Ri"), P("RF")
    amp = parse("amplifier\nRi p 0 Ri\nE1 m 0 p 0 mu\nRo m out ro\n")
    feedback = parse("feedback\nRF p x RF\nR2 x 0 R2\n")
    g_amp = two_port(amp, "p", "out", kind="g").g
    g_fb = two_port(feedback, "p", "x", kind="g").g
    assert same_matrix(g_amp, [[1 / r_i, 0], [mu, ro]])
    # by hand: port 2 open, R_F and R_2 divide V1; port 1 shorted, I2 splits between R_F, R_2
    k = R2 / (r_f + R2)
    assert same_matrix(g_fb, [[1 / (r_f + R2), -k], [k, par(r_f, R2)]])
    combined = parallel_series(TwoPort("g", g_amp), TwoPort("g", g_fb))
    assert same_matrix(combined.g, [[1 / r_i + 1 / (r_f + R2), -k],
                                    [mu + k, ro + par(r_f, R2)]])
    whole = parse("closed loop\nRi p 0 Ri\nE1 m x p 0 mu\nRo m out ro\nRF p x RF\nR2 x 0 R2\n")
    assert same_matrix(combined.g, two_port(whole, "p", "out", kind="g").g)


# === 7. errors ===================================================================================

def test_z_of_series_element_is_not_defined():
    with pytest.raises(NotDefined, match="open"):
        two_port(Circuit().R("R1", "a", "b", R), "a", "b", kind="z")


def test_y_of_shunt_element_is_not_defined():
    with pytest.raises(NotDefined, match="short"):
        two_port(Circuit().R("R1", "a", "0", R), "a", "a", kind="y")


def test_y_of_shunt_element_through_a_wire_is_not_defined():
    # The same shunt element with the ports on either side of a 0 V source (a wire).
    c = parse("shunt R\nR1 a 0 R\nV0 a b 0\n")
    with pytest.raises(NotDefined, match="short"):
        two_port(c, "a", "b", kind="y")


def test_abcd_of_shunt_element_exists():
    # ABCD of a shunt admittance Y is [[1, 0], [Y, 1]]; its inverse b is the same.
    c = Circuit().R("R1", "a", "0", R)
    assert same_matrix(two_port(c, "a", "a", kind="abcd").abcd, [[1, 0], [1 / R, 1]])
    assert same_matrix(two_port(c, "a", "a", kind="b").b, [[1, 0], [1 / R, 1]])


BUFFER = "ideal voltage buffer\nRi in 0 Ri\nE1 out 0 in 0 1\n"


def test_ideal_buffer_z_and_s():
    # V2 = V1 = Ri·I1 whatever I2 is: z = [[Ri, 0], [Ri, 0]]. S at Z0 by hand:
    # S11 = (Ri − Z0)/(Ri + Z0), S21 = 2Ri/(Ri + Z0), S12 = 0, S22 = −1 (the E source's short).
    ri = P("Ri")
    assert same_matrix(two_port(parse(BUFFER), "in", "out", kind="z").z, [[ri, 0], [ri, 0]])
    S = two_port(parse(BUFFER), "in", "out", kind="s", z0=Z0).s()
    assert same_matrix(S, [[(ri - Z0) / (ri + Z0), 0], [2 * ri / (ri + Z0), -1]])


def test_ideal_buffer_abcd_exists():
    # V1 = V2 and I1 = V2/Ri for any I2: A = 1, B = 0, C = 1/Ri, D = 0.
    ri = P("Ri")
    assert same_matrix(TwoPort("z", [[ri, 0], [ri, 0]]).abcd, [[1, 0], [1 / ri, 0]])
    assert same_matrix(two_port(parse(BUFFER), "in", "out", kind="abcd").abcd,
                       [[1, 0], [1 / ri, 0]])


@pytest.mark.parametrize("kind", ["y", "h", "b"])
def test_ideal_buffer_missing_sets_are_not_defined(kind):
    # y and h short port 2, which the E source drives; b needs I2 from V1, I1, and I2 is free.
    with pytest.raises(NotDefined):
        TwoPort("z", [[P("Ri"), 0], [P("Ri"), 0]]).to(kind)
    with pytest.raises(NotDefined):
        two_port(parse(BUFFER), "in", "out", kind=kind)


def test_conversion_to_a_missing_set_is_not_defined():
    shunt = TwoPort("z", [[R, R], [R, R]])
    with pytest.raises(NotDefined, match="short"):
        shunt.to("y")
    isolated = TwoPort("z", [[R1, 0], [0, R2]])  # no transmission: no ABCD, b or T
    for kind in ("abcd", "b", "t"):
        with pytest.raises(NotDefined):
            isolated.to(kind)
    with pytest.raises(NotDefined, match="series element"):
        convert(sympy.Matrix([[1 / R, -1 / R], [-1 / R, 1 / R]]), "y", "z")


def test_unknown_kind_and_bad_ports():
    c = parse(HYBRID_PI)
    with pytest.raises(AnalysisError, match="unknown two-port"):
        two_port(c, "b", "c", kind="q")
    with pytest.raises(AnalysisError, match="nowhere"):
        two_port(c, "b,0", "nowhere,0")
    with pytest.raises(AnalysisError, match="two nodes"):
        two_port(c, "b,c,0", "c,0")
    with pytest.raises(AnalysisError, match="unknown two-port"):
        TwoPort("w", [[1, 0], [0, 1]])
    with pytest.raises(AnalysisError, match="2×2"):
        TwoPort("z", [[1, 0, 0], [0, 1, 0]])
