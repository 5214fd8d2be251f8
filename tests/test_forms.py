"""Textbook forms: exactly equal to the exact result, and no longer than the book's formula.

Every expected formula below is written by hand from the textbooks (Sedra/Smith, Razavi); the
test checks (1) that the hand formula equals symsig's exact result (so the formula is right),
(2) that symsig's textbook form equals it exactly (expanded, after β = g_m r_π), and at random
points, and (3) that the form has no more operations than the book's, counted the same way.
"""

from __future__ import annotations

import random

import pytest
import sympy

from symsig import parse, rin, rout, transfer
from symsig.devices import Options
from symsig.devices.ac import small_signal
from symsig.forms import Par, expand_par, latex
from symsig.forms.approx import approx
from symsig.forms.textbook import normal_form, operation_count, textbook

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731


def par(*xs):
    return Par(*xs)


def plain(expr: sympy.Expr) -> sympy.Expr:
    """Par written out and every β written g_m·r_π (DESIGN §2), for exact comparison."""
    expr = expand_par(expr)
    return expr.xreplace({b: P("gm" + b.name[4:]) * P("rpi" + b.name[4:])
                          for b in expr.free_symbols if b.name.startswith("beta")})


def equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.cancel(sympy.together(plain(a) - plain(b))) == 0


def equal_at_random_points(a: sympy.Expr, b: sympy.Expr, n: int = 5) -> bool:
    a, b = plain(a), plain(b)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(42)
    for _ in range(n):
        point = {x: sympy.Rational(rng.randint(1, 10**6), rng.randint(1, 10**3)) for x in symbols}
        if sympy.nsimplify(a.xreplace(point) - b.xreplace(point)) != 0:
            return False
    return True


def ss(text: str, **options):
    """The small-signal circuit of a device netlist with model options."""
    return small_signal(parse(text), Options.build(**options))


gm1, gm2, gm3, gmb1 = P("gm1"), P("gm2"), P("gm3"), P("gmb1")
ro1, ro2, ro3, rpi1, rpi2 = P("ro1"), P("ro2"), P("ro3"), P("rpi1"), P("rpi2")
beta1, alpha1, re1 = P("beta1"), P("alpha1"), P("re1")
RC, RL, RE, Rs, RS, RD = P("RC"), P("RL"), P("RE"), P("Rs"), P("RS"), P("RD")

CE = "ce\nVs s 0 AC 1\nRs s b Rs\nQ1 c b 0\nRC c 0 RC\nRL c 0 RL\n"
CE_RE = "ce with re\nVs s 0 AC 1\nRs s b Rs\nQ1 c b e\nRE e 0 RE\nRC c 0 RC\n"
CE_RE_NO_RS = "ce with re\nVs b 0 AC 1\nQ1 c b e\nRE e 0 RE\nRC c 0 RC\n"
CB = "cb\nVs s 0 AC 1\nRs s e Rs\nQ1 c 0 e\nRC c 0 RC\n"
CC = "cc\nVs s 0 AC 1\nRs s b Rs\nQ1 0 b e\nRE e 0 RE\n"
CS_RS = "cs\nVs g 0 AC 1\nM1 d g s b\nRS s 0 RS\nRD d 0 RD\nVB b 0 0\n"
CG = "cg\nVs x 0 AC 1\nM1 d 0 x b\nRD d 0 RD\nVB b 0 0\n"
CD = "cd\nVs g 0 AC 1\nM1 0 g s b\nRS s 0 RS\nVB b 0 0\n"
MOS_CASCODE = "cascode\nVs g1 0 AC 1\nM1 c g1 0\nM2 out 0 c\n"
BJT_CASCODE = "cascode\nVs b1 0 AC 1\nQ1 c1 b1 0\nQ2 out 0 c1\n"
ACTIVE_CS = "active load\nVs g 0 AC 1\nM1 d g 0\nM2 d b2 vdd vdd pmos\nVDD vdd 0 5\nVB b2 0 3\n"
DIFF = ("diff pair\nV1 b1 0 AC 1\nQ1 c1 b1 e\nQ2 c2 0 e\nRC1 c1 0 RC\nRC2 c2 0 RC\n"
        "IEE e 0 0\n.match Q1 Q2\n")
MIRROR = "mirror\nIREF 0 x 1\nQ1 x x 0\nQ2 out x 0\n.match Q1 Q2\n"
OTA = ("five-transistor OTA\nVDD vdd 0 5\nVp inp 0 AC 1\nM1 x inp t t\nM2 out 0 t t\n"
       "M3 x x vdd vdd pmos\nM4 out x vdd vdd pmos\nISS t 0 0\n.match M1 M2\n.match M3 M4\n")


CASES = [
    # (name, result builder, the book's formula)
    ("CE gain", lambda: transfer(parse(CE), "c", "Vs"),
     -gm1 * par(RC, RL, ro1) * rpi1 / (rpi1 + Rs)),
    ("CE R_in", lambda: rin(parse(CE), "Vs", "b"), rpi1),
    ("CE R_out", lambda: rout(parse(CE), "c", "RL"), par(RC, ro1)),
    ("CE+RE R_in (no r_o)", lambda: rin(ss(CE_RE, exclude=["ro"]), "Vs", "b"),
     rpi1 + (beta1 + 1) * RE),
    ("CE+RE gain (no r_o)", lambda: transfer(ss(CE_RE, exclude=["ro"]), "c", "Vs"),
     -beta1 * RC / (Rs + rpi1 + (beta1 + 1) * RE)),
    ("CE+RE R_out (r_o)", lambda: rout(parse(CE_RE_NO_RS), "c"),
     par(RC, ro1 * (1 + gm1 * par(RE, rpi1)) + par(RE, rpi1))),
    ("CB gain (T)", lambda: transfer(ss(CB, model="T", exclude=["ro"]), "c", "Vs"),
     alpha1 * RC / (re1 + Rs)),
    ("CB R_in (T)", lambda: rin(ss(CB, model="T", exclude=["ro"]), "Vs", "e"), re1),
    # (β + 1)(r_e + R_E) written in α, as the T model has it: 1/(1 - α) = β + 1
    ("CE+RE R_in (T, no r_o)", lambda: rin(ss(CE_RE_NO_RS, model="T", exclude=["ro"]), "Vs"),
     (RE + re1) / (1 - alpha1)),
    ("CE+RE gain (T, no r_o)", lambda: transfer(ss(CE_RE, model="T", exclude=["ro"]), "c",
                                                "Vs"),
     -alpha1 * RC / (Rs * (1 - alpha1) + RE + re1)),
    ("CB R_out (r_o)", lambda: rout(parse(CB), "c"),
     par(RC, ro1 + (1 + gm1 * ro1) * par(Rs, rpi1))),
    ("CC gain", lambda: transfer(ss(CC, exclude=["ro"]), "e", "Vs"),
     (beta1 + 1) * RE / (rpi1 + Rs + (beta1 + 1) * RE)),
    ("CC R_in", lambda: rin(ss(CC, exclude=["ro"]), "Vs", "b"), rpi1 + (beta1 + 1) * RE),
    ("CC R_out", lambda: rout(ss(CC, exclude=["ro"]), "e"),
     par(RE, (rpi1 + Rs) / (beta1 + 1))),
    ("CS+RS R_out (body effect)", lambda: rout(parse(CS_RS), "d", "RD"),
     ro1 * (1 + (gm1 + gmb1) * RS) + RS),
    ("CG R_in (Razavi, exact)", lambda: rin(parse(CG), "Vs"),
     (RD + ro1) / (1 + (gm1 + gmb1) * ro1)),
    ("CD gain", lambda: transfer(parse(CD), "s", "Vs"),
     gm1 * par(RS, ro1) / (1 + (gm1 + gmb1) * par(RS, ro1))),
    ("CD R_out", lambda: rout(parse(CD), "s"), par(RS, ro1, 1 / (gm1 + gmb1))),
    ("MOS cascode R_out", lambda: rout(parse(MOS_CASCODE), "out"),
     ro2 * (1 + gm2 * ro1) + ro1),
    ("BJT cascode R_out", lambda: rout(parse(BJT_CASCODE), "out"),
     ro2 * (1 + gm2 * par(ro1, rpi2)) + par(ro1, rpi2)),
    ("active-load CS gain", lambda: transfer(parse(ACTIVE_CS), "d", "Vs"),
     -gm1 * par(ro1, ro2)),
    ("differential pair", lambda: transfer(parse(DIFF), "v(c2,c1)", "V1"),
     gm1 * par(RC, ro1)),
    ("mirror R_out", lambda: rout(parse(MIRROR), "out"), ro1),
]


@pytest.mark.parametrize(("name", "build", "book"), CASES, ids=[c[0] for c in CASES])
def test_textbook_form_is_exact_and_no_longer_than_the_book(name, build, book):
    result = build()
    assert equal(result.expr, book), f"the hand formula for {name} is wrong"
    form = textbook(result)
    assert equal(form, result.expr)
    assert equal_at_random_points(form, book)
    assert operation_count(form) <= operation_count(book), (form, book)


def test_five_transistor_ota_gain_exact_and_its_textbook_limit():
    result = transfer(parse(OTA), "out", "Vp")
    form = textbook(result)
    assert equal(form, result.expr)
    # the book's g_m1 (r_o2 || r_o4) is the gain once g_m r_o >> 1 (the mirror ideal)
    book = gm1 * par(ro1, ro3)
    limit = approx(result, "gm*ro>>1")
    assert equal(textbook(limit.value), book)
    assert operation_count(textbook(limit.value)) <= operation_count(book)
    assert "gm*ro>>1" in limit.assumptions[0]


def test_ce_two_pole_coefficients_are_sedras():
    c = ss("ce hf\nVs s 0 AC 1\nRs s b Rs\nQ1 c b 0\nRL c 0 RL\n", include=["caps"])
    h = transfer(c, "c", "Vs")
    nf = normal_form(h)
    cpi, cmu = P("cpi1"), P("cmu1")
    rsig, rl = par(Rs, rpi1), par(RL, ro1)  # R'_sig and R'_L
    b1 = cpi * rsig + cmu * (rsig * (1 + gm1 * rl) + rl)  # Sedra/Smith, open-circuit tau's
    b2 = cpi * cmu * rsig * rl
    assert len(nf.b) == 2 and equal(nf.b[0], b1) and equal(nf.b[1], b2)
    assert operation_count(nf.b[0]) <= operation_count(b1)
    assert operation_count(nf.b[1]) <= operation_count(b2)
    assert equal(nf.k, -gm1 * rl * rpi1 / (rpi1 + Rs))  # mid-band gain
    assert len(nf.a) == 1 and equal(nf.a[0], -cmu / gm1)  # the right-half-plane zero g_m/C_mu
    s = sympy.Symbol("s")
    assert sympy.cancel(plain(nf.expr) - h.expr.subs(s, s)) == 0


def test_parallel_operator_prints_substitutes_and_evaluates():
    e = -gm1 * par(RC, RL, ro1)
    assert str(e) == "-gm1*(RC || RL || ro1)"
    assert latex(e) == r"- g_{m1} \left(R_{C} \parallel R_{L} \parallel r_{o1}\right)"
    assert latex(RS + par(RD, ro1)) == r"R_{S} + \left(R_{D} \parallel r_{o1}\right)"
    assert e.subs(ro1, sympy.oo) == -gm1 * par(RC, RL)  # an open drops out
    assert par(RC, 0) == 0  # a short wins
    assert par(1000, 1000) == 500
    value = e.subs({gm1: sympy.Rational(1, 25), RC: 1000, RL: 1000, ro1: 1000})
    assert value == sympy.Rational(-40, 3)
    assert sympy.N(e.subs({gm1: 0.04, RC: 1e3, RL: 1e3, ro1: 1e3})) == pytest.approx(-40 / 3)
    assert par(RC, ro1).is_positive


def test_approximations_state_what_they_assume():
    result = transfer(parse(CE), "c", "Vs")
    a = approx(result, "ro=oo")
    assert a.assumptions == ["ro1 -> oo"] and a.bound is None
    assert equal(textbook(a.value), -gm1 * par(RC, RL) * rpi1 / (rpi1 + Rs))
    b = approx(result, "beta=oo")  # r_pi -> oo in the hybrid-pi model
    assert equal(textbook(b.value), -gm1 * par(RC, RL, ro1))
    values = {"gm1": sympy.Rational(1, 25), "rpi1": 2500, "ro1": 100000, "RC": 4700,
              "RL": 10000, "Rs": 50}
    c = approx(result, values=values, eps=0.05)
    assert c.bound <= 0.05 and c.error <= c.bound + 1e-12
    exact = float(result.substitute(values).expr)
    shown = float(c.value.substitute(values).expr)
    assert abs(shown / exact - 1) == pytest.approx(c.error, rel=1e-9)
    assert c.value.terms < result.terms


def test_a_result_too_large_to_search_is_returned_exact():
    lines = ["big", "Vs n0 0 AC 1"]
    for k in range(1, 13):
        lines += [f"Ra{k} n{k - 1} n{k} Ra{k}", f"Rb{k} n{k} 0 Rb{k}"]
    result = transfer(parse("\n".join(lines) + "\n"), "n12", "Vs")
    form = textbook(result)
    assert equal(form, result.expr)


@pytest.mark.parametrize("name, tex", [
    ("VCC", "V_{CC}"), ("VEE", "V_{EE}"), ("IREF", "I_{REF}"), ("IEE", "I_{EE}"),
    ("kp1", "k'_{1}"), ("Vth1", "V_{th1}"), ("VBE1", "V_{BE1}"), ("RC", "R_{C}"),
    ("rpi1", r"r_{\pi 1}"), ("gm1_X1", r"g_{m1,\mathrm{X1}}")])
def test_supplies_and_mos_parameters_print_as_textbooks_write_them(name, tex):
    from symsig.forms.latex import symbol_latex

    assert symbol_latex(name) == tex


def test_t_model_forms_write_one_minus_alpha():
    """Textbooks write 1 - α (= 1/(β + 1)), not α - 1 under a minus sign."""
    form = textbook(rin(ss(CE_RE_NO_RS, model="T", exclude=["ro"]), "Vs"))
    assert str(form) == "(RE + re1)/(1 - alpha1)"
    exact = textbook(rin(ss(CE_RE, model="T"), "Vs"))
    assert "alpha1 - 1" not in str(exact) and "1 - alpha1" in str(exact)


def test_a_negative_factor_is_written_with_its_minus_in_front():
    """-r_π(g_m r_o + 1)(...)/(...): the minus in front, not inside as (-gm1*ro1 - 1); and a
    bias current's numerator as 12·R2 - V_BE(R1 + R2), not -(R1·V_BE + R2(V_BE - 12))."""
    from symsig.engine import as_rational

    rc1, vbe, r1, r2, re_ = P("RC1"), P("VBE1"), P("R1"), P("R2"), P("RE")
    h21 = -rpi1 * (gm1 * ro1 + 1) * (rc1 + ro1 + gm1 * ro1 * rpi1) / (
        ro1 * (rc1 + ro1) + rpi1 * (rc1 + gm1 * ro1 * (rc1 + ro1) + 2 * ro1))
    form = textbook(as_rational(h21))
    assert equal(form, h21)
    assert "(-gm1*ro1 - 1)" not in str(form) and str(form).startswith("-")
    ib = (12 * r2 - vbe * (r1 + r2)) / (r1 * r2 + (beta1 + 1) * re_ * (r1 + r2))
    form = textbook(as_rational(ib))
    assert equal(form, ib) and str(form).startswith("(12*R2 - VBE1*(R1 + R2))/")
