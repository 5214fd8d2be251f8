"""Textbook small-signal results, each expectation written by hand from the usual derivation.

The circuits are hand-built hybrid-pi equivalents (G sources for g_m) so these tests exercise the
parser, the stamps and the exact solver with nothing but the netlist in between.
"""

import sympy

from symsig import amplifier, current, impedance, node_voltage, parse, rin, rout, transfer
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
gm, rpi, ro, RC, RL, Rs, RE, beta = map(P, "gm rpi ro RC RL Rs RE beta".split())


def par(*rs):
    """Parallel combination, written out for the expectations."""
    return 1 / sum(1 / r for r in rs)


CE = """common emitter
Vs s 0 AC 1
Rs s b Rs
Rpi b 0 rpi
G1 c 0 b 0 gm
Ro c 0 ro
RC c 0 RC
RL c 0 RL
"""


def test_common_emitter_gain_rin_rout():
    c = parse(CE)
    a = amplifier(c, "Vs", "c", input_node="b", load="RL")
    assert same(a.gain, -gm * par(ro, RC, RL) * rpi / (rpi + Rs))
    assert same(a.rin, rpi)
    assert same(a.rout, par(ro, RC))


def test_common_emitter_rin_default_node_includes_rs():
    assert same(rin(parse(CE), "Vs"), Rs + rpi)


def test_common_emitter_beta_ib_form_equals_gm_form():
    # Second route: the CCCS beta*i_b form of the hybrid-pi model, i_b sensed by a 0 V source.
    c = parse("""ce with beta*ib
Vs s 0 AC 1
Rs s b Rs
Vib b bi 0
Rpi bi 0 rpi
F1 c 0 Vib beta
Ro c 0 ro
RC c 0 RC
""")
    assert same(transfer(c, "c", "Vs"), -beta * par(ro, RC) / (rpi + Rs))


def test_ce_with_emitter_resistor_rin():
    c = parse("""CE with RE
Vs b 0 AC 1
Rpi b e {beta/gm}
G1 c e b e gm
RC c 0 RC
RE e 0 RE
""")
    assert same(rin(c, "Vs"), beta / gm + (beta + 1) * RE)
    # Degenerated gain without r_o: -beta RC / (r_pi + (beta+1) RE)
    assert same(transfer(c, "c", "Vs"), -beta * RC / (beta / gm + (beta + 1) * RE))


def test_emitter_follower_rout():
    c = parse("""emitter follower, collector at AC ground
Vs s 0 AC 1
Rs s b Rs
Rpi b e {beta/gm}
G1 0 e b e gm
RE e 0 RE
""")
    assert same(rout(c, "e"), par(RE, (beta / gm + Rs) / (beta + 1)))
    # Follower gain (beta+1)RE / (Rs + r_pi + (beta+1)RE)
    assert same(transfer(c, "e", "Vs"), (beta + 1) * RE / (Rs + beta / gm + (beta + 1) * RE))


def test_bjt_cascode_rout():
    ro1, ro2, rpi2, gm1, gm2 = map(P, "ro1 ro2 rpi2 gm1 gm2".split())
    c = parse("""BJT cascode: Q1 common emitter, Q2 common base
Vin b1 0 AC 1
G1 x 0 b1 0 gm1
Ro1 x 0 ro1
Rpi2 0 x rpi2
G2 c x 0 x gm2
Ro2 c x ro2
""")
    assert same(rout(c, "c"), ro2 + par(ro1, rpi2) * (1 + gm2 * ro2))


def test_inverting_amplifier_finite_gain():
    R1, R2, A = P("R1"), P("R2"), P("A")
    c = parse("""inverting amplifier, op-amp as a VCVS of gain A
Vin in 0 AC 1
R1 in n R1
R2 n out R2
E1 out 0 0 n A
""")
    h = transfer(c, "out", "Vin")
    assert same(h, -A * R2 / (R1 + R2 + A * R1))
    assert sympy.limit(h.expr, A, sympy.oo) == -R2 / R1


def test_rc_low_pass():
    R, C, s = P("R"), P("C"), sympy.Symbol("s")
    c = parse("Vin in 0 AC 1\nR1 in out R\nC1 out 0 C\n")
    assert same(transfer(c, "out", "Vin"), 1 / (1 + s * R * C))
    assert same(impedance(c, "out"), par(R, 1 / (s * C)))


def test_rl_high_pass_and_numbers_at_the_end():
    R, L, s = P("R"), P("L"), sympy.Symbol("s")
    c = parse("Vin in 0 AC 1\nL1 in out L\nR1 out 0 R\n.param R=1k L=1m\n")
    h = transfer(c, "out", "Vin")
    assert same(h, R / (R + s * L))
    # At omega = R/L the magnitude is 1/sqrt(2) (the corner), computed by hand.
    value = h.evaluate({"R": 1000, "L": sympy.Rational(1, 1000)}, s=1j * 1e6)
    assert abs(abs(value) - 2**-0.5) < 1e-12


def test_spice_current_sign_convention():
    # Current through a V source flows in at + and out at -: a source driving R to ground
    # carries -V/R. Through a resistor: from its first node to its second.
    R = P("R")
    c = parse("V1 a 0 AC 1\nR1 a 0 R\n")
    assert same(current(c, "V1"), -1 / R)
    assert same(current(c, "R1"), 1 / R)
    # A current source I1 a b pushes its current out of b: node b rises with I1 from a to b.
    c = parse("I1 0 b AC 1\nR1 b 0 R\n")
    assert same(node_voltage(c, "b"), R)
    assert same(current(c, "I1"), 1)


def test_vccs_and_ccvs_conventions():
    R, g, r = P("R"), P("g"), P("r")
    # G: current g*v(ctrl) flows from n+ through the source to n-, so out of n+ = 'o' here.
    c = parse("V1 i 0 AC 1\nR0 i 0 1k\nG1 o 0 i 0 g\nRl o 0 R\n")
    assert same(node_voltage(c, "o"), -g * R)
    # H: v(n+) - v(n-) = r * i(Vsense).
    c = parse("V1 i 0 AC 1\nVs i m 0\nR1 m 0 R\nH1 o 0 Vs r\nRl o 0 1k\n")
    assert same(node_voltage(c, "o"), r / R)


def test_superposition_of_two_sources():
    R1, R2, R3 = P("R1"), P("R2"), P("R3")
    va, vb = P("va"), P("vb")
    c = parse("Va a 0 AC va\nVb b 0 AC vb\nR1 a m R1\nR2 b m R2\nR3 m 0 R3\n")
    expected = (va / R1 + vb / R2) / (1 / R1 + 1 / R2 + 1 / R3)  # Millman's theorem
    assert same(node_voltage(c, "m"), expected)
    assert same(transfer(c, "m", "Va"), (1 / R1) / (1 / R1 + 1 / R2 + 1 / R3))


def test_voltage_between_two_nodes_and_floating_impedance():
    R1, R2 = P("R1"), P("R2")
    c = parse("V1 a 0 AC 1\nR1 a m R1\nR2 m 0 R2\n")
    assert same(transfer(c, "v(a,m)", "V1"), R1 / (R1 + R2))
    # Between a and m with V1 shorted: R1 alone (R2 is in parallel with a short... no: a is
    # grounded by V1, so from a to m is R1 parallel R2).
    assert same(impedance(c, "a", "m"), par(R1, R2))
    assert same(impedance(c, "a", "m", remove=["V1"]), R1)


def test_braced_expressions_and_numbers_are_exact():
    c = parse("V1 a 0 AC 1\nR1 a m {RE/2}\nR2 m 0 4.7k\n")
    assert same(transfer(c, "m", "V1"), 4700 / (RE / 2 + 4700))


def test_ce_high_frequency_exact_two_pole_response():
    # Sedra/Smith's exact CE response with r_x, C_pi, C_mu: with R's = Rs + rx and
    # R'L = ro || RC || RL,
    # H(s) = -gm R'L rpi/(rpi + R's) (1 - s Cmu/gm) / (1 + b1 s + b2 s^2),
    # b1 = Cpi (R's||rpi) + Cmu [(R's||rpi)(1 + gm R'L) + R'L],  b2 = Cpi Cmu (R's||rpi) R'L.
    rx, cpi, cmu, s = P("rx"), P("cpi"), P("cmu"), sympy.Symbol("s")
    h = transfer(parse(CE_HF), "c", "Vs")
    rs_, rl_ = Rs + rx, par(ro, RC, RL)
    r_in = par(rs_, rpi)
    b1 = cpi * r_in + cmu * (r_in * (1 + gm * rl_) + rl_)
    b2 = cpi * cmu * r_in * rl_
    expected = -gm * rl_ * rpi / (rpi + rs_) * (1 - s * cmu / gm) / (1 + b1 * s + b2 * s**2)
    assert same(h, expected)
    # The collected form has the same value and the textbook shape: degree 2 over degree 1 in s
    num, den = sympy.fraction(h.in_s())
    assert sympy.degree(sympy.expand(den), s) == 2 and sympy.degree(sympy.expand(num), s) == 1
    assert same(h.in_s(), expected)
    assert sympy.solve(num, s) == [gm / cmu]  # the right-half-plane zero


CE_HF = """CE with r_x, C_pi, C_mu
Vs s 0 AC 1
Rs s x Rs
Rx x b rx
Rpi b 0 rpi
Cpi b 0 cpi
Cmu b c cmu
G1 c 0 b 0 gm
Ro c 0 ro
RC c 0 RC
RL c 0 RL
"""
