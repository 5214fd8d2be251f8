"""Typed answers checked against symsig's own exact results for the textbook stages: a table of
right, wrong and approximately right answers, each with the verdict and the diagnosis a teacher
would give.

The expected results are derived by symsig from the netlists below. Each group states the hand
formula (Sedra/Smith, Razavi, Gray/Meyer) it equals; that formula, typed, is the first row of its
group and must come out "equivalent", so the table also checks symsig's derivation against the
books. Wrong answers are hand-made variants of it (a sign, a factor 2, β for β+1, a missing
R_L, two symbols swapped, ...); approximately right ones are the books' approximations (r_o -> oo,
β -> oo, g_mb -> 0).
"""

import math
from functools import cache

import pytest
import sympy

from symsig import parse, rin, rout, transfer
from symsig.check import Checker, check, grade
from symsig.devices.ac import small_signal

NETS = {
"CE": """CE with r_o, source resistance and load
VCC vcc 0 DC 12
Vs s 0 DC 0.7 AC 1
Rs s b Rs
Q1 c b 0 npn
RC vcc c RC
RL c 0 RL
""",
"CE_RE": """CE with an unbypassed emitter resistor
VCC vcc 0 DC 12
Vs s 0 DC 1.5 AC 1
Rs s b Rs
Q1 c b e npn
RC vcc c RC
RE e 0 RE
""",
"CB": """common base: base grounded, driven at the emitter
VCC vcc 0 DC 12
Vs s 0 AC 1
Rs s e Rs
Q1 c 0 e npn
RC vcc c RC
""",
"CC": """emitter follower
VCC vcc 0 DC 12
Vs s 0 DC 5 AC 1
Rs s b Rs
Q1 vcc b e npn
RE e 0 RE
""",
"CS": """common source: source degeneration, body at ground (body effect)
VDD vdd 0 DC 5
Vs g 0 DC 1.5 AC 1
M1 d g s 0 nmos
RD vdd d RD
RS s 0 RS
""",
"CG": """common gate: gate at AC ground, driven at the source
VDD vdd 0 DC 5
Vb g 0 DC 2
Vs x 0 AC 1
M1 d g x 0 nmos
RD vdd d RD
""",
"CD": """source follower, body at ground
VDD vdd 0 DC 5
Vs g 0 DC 2 AC 1
M1 vdd g s 0 nmos
RS s 0 RS
""",
"MOS_CASCODE": """NMOS cascode, ideal current-source load, bodies at ground
VDD vdd 0 DC 5
Vin g1 0 DC 1 AC 1
VB g2 0 DC 2.5
M1 x g1 0 0 nmos
M2 d g2 x 0 nmos
IL vdd d DC 100u
""",
"BJT_CASCODE": """BJT cascode, ideal current-source load
VCC vcc 0 DC 12
Vin b1 0 DC 0.7 AC 1
VB b2 0 DC 1.4
Q1 x b1 0 npn
Q2 c b2 x npn
IL vcc c DC 1m
""",
"ACTIVE_CS": """CS with a PMOS current-source load
VDD vdd 0 DC 1.8
Vin g 0 DC 0.7 AC 1
VB b 0 DC 1.0
M1 out g 0 nmos
M2 out b vdd pmos
""",
"DIFF": """matched BJT pair, one source between the bases, ideal tail
VCC vcc 0 DC 12
VEE vee 0 DC -12
Vd b1 b2 AC 1
RB1 b1 0 RB
RB2 b2 0 RB
Q1 c1 b1 e npn
Q2 c2 b2 e npn
.match Q1 Q2
IEE e vee DC 1m
RC1 vcc c1 RC
RC2 vcc c2 RC
""",
"MIRROR": """simple NMOS mirror
VDD vdd 0 DC 5
IREF vdd d1 DC 100u
M1 d1 d1 0 nmos
M2 out d1 0 nmos
RL vdd out RL
""",
"BJT_MIRROR": """simple npn mirror
VCC vcc 0 DC 12
IREF vcc d1 DC 1m
Q1 d1 d1 0 npn
Q2 out d1 0 npn
RL vcc out RL
""",
"OTA": """five-transistor OTA: NMOS pair, PMOS mirror load, tail M5
VDD vdd 0 DC 1.8
Vd inp inn AC 1
Vcm inn 0 DC 0.9
VB vb 0 DC 0.6
M1 x inp t nmos
M2 out inn t nmos
M3 x x vdd pmos
M4 out x vdd pmos
M5 t vb 0 nmos
.match M1 M2
.match M3 M4
""",
"CE_SEED": """the seed documents' CE: driven at the base, r_o kept
VCC vcc 0 DC 12
Vs b 0 DC 0.7 AC 1
Q1 c b 0 npn
RC vcc c RC
""",
}


# (circuit, quantity) -> how symsig measures it
QUANTITY = {
    ("CE", "gain"): ("gain", "c", "Vs"), ("CE", "rin"): ("rin", "Vs", "b"),
    ("CE", "rout"): ("rout", "c", "RL"),
    ("CE_RE", "rin"): ("rin", "Vs", "b"), ("CE_RE", "gain"): ("gain", "c", "Vs"),
    ("CE_RE", "rout"): ("rout", "c", "RC"),
    ("CB", "rin"): ("rin", "Vs", "e"), ("CB", "gain"): ("gain", "c", "Vs"),
    ("CB", "rout"): ("rout", "c", "RC"),
    ("CC", "gain"): ("gain", "e", "Vs"), ("CC", "rin"): ("rin", "Vs", "b"),
    ("CC", "rout"): ("rout", "e", None),
    ("CS", "rout"): ("rout", "d", "RD"), ("CS", "gain"): ("gain", "d", "Vs"),
    ("CG", "rin"): ("rin", "Vs", "x"), ("CG", "gain"): ("gain", "d", "Vs"),
    ("CD", "gain"): ("gain", "s", "Vs"), ("CD", "rout"): ("rout", "s", None),
    ("MOS_CASCODE", "rout"): ("rout", "d", None), ("BJT_CASCODE", "rout"): ("rout", "c", None),
    ("ACTIVE_CS", "gain"): ("gain", "out", "Vin"), ("DIFF", "gain"): ("gain", "v(c1,c2)", "Vd"),
    ("MIRROR", "rout"): ("rout", "out", "RL"), ("BJT_MIRROR", "rout"): ("rout", "out", "RL"),
    ("OTA", "gain"): ("gain", "out", "Vd"), ("CE_SEED", "gain"): ("gain", "c", "Vs"),
}


def derive(key: str, quantity: str):
    """symsig's exact result and the small-signal circuit's symbol names."""
    c = parse(NETS[key])
    kind, a, b = QUANTITY[key, quantity]
    if kind == "gain":
        result = transfer(c, a, b)
    elif kind == "rin":
        result = rin(c, a, b)
    else:
        result = rout(c, a, b)
    return result, {str(x) for x in small_signal(c).symbols()}


@cache
def checker(key: str, quantity: str, limits: tuple = ()) -> Checker:
    result, names = derive(key, quantity)
    return Checker(result, names=names, limits=limits)


E, L, N = "equivalent", "equivalent_in_limit", "not_equivalent"

TABLE = [
    # --- CE with r_o, R_s, R_L (Sedra/Smith): A_v = -g_m (r_o || R_C || R_L) r_pi/(r_pi + R_s),
    #     R_in = r_pi, R_out = R_C || r_o
    ("CE", "gain", "-gm*(ro||RC||RL)*rpi/(rpi+Rs)", E, None),
    ("CE", "gain", "-g_m (r_o ∥ R_C ∥ R_L) r_π/(r_π + R_s)", E, None),
    ("CE", "gain", "-β (r_o||R_C||R_L)/(r_π + R_s)", E, None),          # β = g_m r_π
    ("CE", "gain", "-gm*(RC||RL)*rpi/(rpi+Rs)", L, None),               # r_o -> oo
    ("CE", "gain", "gm*(ro||RC||RL)*rpi/(rpi+Rs)", N, "sign"),
    ("CE", "gain", "-gm*(ro||RC)*rpi/(rpi+Rs)", N, "missing"),          # R_L missing
    ("CE", "gain", "-2*gm*(ro||RC||RL)*rpi/(rpi+Rs)", N, "factor"),
    ("CE", "gain", "-gm*(ro||Rs||RL)*rpi/(rpi+RC)", N, "swapped"),      # R_C <-> R_s
    ("CE", "gain", "-gm*(ro||RC||RL)", N, "missing"),                   # the divider: R_s
    ("CE", "gain", "-gm*(ro||RC||RL)*rpi/(rpi+RL)", N, "replaced"),     # R_L for R_s
    ("CE", "gain", "gm + RC", N, "dimension"),
    ("CE", "rin", "r_pi", E, None),
    ("CE", "rin", "beta/g_m", E, None),
    ("CE", "rin", "rpi+Rs", N, "term"),                                 # R_s is outside R_in
    ("CE", "rin", "1/gm", N, "symbol_factor"),                          # r_π/β
    ("CE", "rout", "RC||ro", E, None),
    ("CE", "rout", "RC*ro/(RC+ro)", E, None),
    ("CE", "rout", "RC", L, None),
    ("CE", "rout", "RC||ro||RL", N, "extra"),                           # R_L is removed
    # --- CE with R_E (r_o kept): R_in = r_pi + (beta+1) R_E as r_o -> oo;
    #     A_v = -beta R_C/(R_s + r_pi + (beta+1) R_E) as r_o -> oo; collector R_out exactly
    #     r_o + R'(1 + g_m r_o r_pi/(r_pi + R_s)), R' = R_E || (r_pi + R_s), which is
    #     r_o (1 + g_m R_E) to leading order as r_o -> oo and beta -> oo
    ("CE_RE", "rout", "ro + (RE||(rpi+Rs))*(1 + gm*ro*rpi/(rpi+Rs))", E, None),
    ("CE_RE", "rout", "ro*(1+gm*RE)", L, None),
    ("CE_RE", "rout", "ro*(1+gm*(RE||rpi))", L, None),
    ("CE_RE", "rin", "r_pi + (beta+1)*R_E", L, None),
    ("CE_RE", "rin", "r_pi + beta*R_E", N, "beta_plus_one"),
    ("CE_RE", "rin", "r_pi", N, "missing"),                             # R_E forgotten
    ("CE_RE", "gain", "-beta*RC/(Rs+rpi+(beta+1)*RE)", L, None),
    ("CE_RE", "gain", "-beta*RC/(Rs+rpi+beta*RE)", N, "beta_plus_one"),
    ("CE_RE", "gain", "-gm*RC/(1+gm*RE)", L, None),                     # r_o, beta -> oo
    # --- CB (base grounded, R_s at the emitter): R_in = r_e = alpha/g_m as r_o -> oo;
    #     A_v = alpha R_C/(R_s + r_e); R_out = r_o (1 + g_m (R_s || r_pi)) + R_s || r_pi
    ("CB", "rin", "rpi*(RC+ro)/(RC+ro+rpi+gm*ro*rpi)", E, None),
    ("CB", "rin", "r_e", L, None),
    ("CB", "rin", "alpha/g_m", L, None),
    ("CB", "rin", "1/g_m", L, None),
    ("CB", "gain", "alpha*RC/(Rs+re)", L, None),
    ("CB", "gain", "-alpha*RC/(Rs+re)", N, "sign"),
    ("CB", "gain", "gm*RC", N, "missing"),                              # R_s forgotten
    ("CB", "rout", "ro*(1+gm*(Rs||rpi)) + (Rs||rpi)", E, None),
    ("CB", "rout", "ro*(1+gm*Rs)", L, None),
    # --- CC (emitter follower): A_v = (beta+1)(R_E||r_o)/(R_s + r_pi + (beta+1)(R_E||r_o)),
    #     R_in = r_pi + (beta+1)(R_E||r_o), R_out = R_E || r_o || (r_pi + R_s)/(beta+1)
    ("CC", "gain", "(beta+1)*(RE||ro)/(Rs+rpi+(beta+1)*(RE||ro))", E, None),
    ("CC", "gain", "beta*RE/(Rs+rpi+beta*RE)", N, "beta_plus_one"),
    ("CC", "gain", "gm*RE/(1+gm*RE)", L, None),
    ("CC", "rin", "rpi + (beta+1)*(RE||ro)", E, None),
    ("CC", "rin", "rpi + (beta+1)*RE", L, None),
    ("CC", "rin", "rpi + beta*(RE||ro)", N, "beta_plus_one"),
    ("CC", "rout", "RE||ro||((rpi+Rs)/(beta+1))", E, None),
    ("CC", "rout", "RE||((rpi+Rs)/(beta+1))", L, None),
    ("CC", "rout", "RE||((rpi+Rs)/beta)", N, "beta_plus_one"),
    ("CC", "rout", "(rpi+Rs)/(beta+1)", N, "missing"),                  # R_E forgotten
    # --- CS with R_S and body effect (Razavi): R_out = r_o (1 + (g_m + g_mb) R_S) + R_S;
    #     A_v = -g_m R_D r_o/(R_D + r_o + R_S (1 + (g_m + g_mb) r_o))
    ("CS", "rout", "ro*(1+(gm+gmb)*RS)+RS", E, None),
    ("CS", "rout", "ro*(1+gm*RS)+RS", L, None),                         # g_mb -> 0
    ("CS", "rout", "ro*(1+gm*RS)", L, None),
    ("CS", "gain", "-gm*RD*ro/(RD+ro+RS*(1+(gm+gmb)*ro))", E, None),
    ("CS", "gain", "-gm*RD/(1+(gm+gmb)*RS)", L, None),
    ("CS", "gain", "-gm*RD/(1+gm*RS)", L, None),
    # --- CG (Razavi): R_in = (R_D + r_o)/(1 + (g_m + g_mb) r_o); A_v = (1 + (g_m+g_mb) r_o) R_D
    #     /(R_D + r_o)
    ("CG", "rin", "(RD+ro)/(1+(gm+gmb)*ro)", E, None),
    ("CG", "rin", "1/(gm+gmb)", L, None),
    ("CG", "rin", "1/gm", L, None),
    ("CG", "rin", "(RD+ro)/(1+gm*ro)", L, None),
    ("CG", "gain", "(1+(gm+gmb)*ro)*RD/(RD+ro)", E, None),
    ("CG", "gain", "gm*RD", L, None),
    ("CG", "gain", "-gm*RD", N, "sign"),
    # --- CD (source follower): A_v = g_m R'/(1 + (g_m + g_mb) R'), R' = R_S || r_o;
    #     R_out = R_S || r_o || 1/g_m || 1/g_mb
    ("CD", "gain", "gm*(RS||ro)/(1+(gm+gmb)*(RS||ro))", E, None),
    ("CD", "gain", "gm*RS/(1+gm*RS)", L, None),
    ("CD", "rout", "RS||ro||(1/gm)||(1/gmb)", E, None),
    ("CD", "rout", "RS||(1/gm)", L, None),
    ("CD", "rout", "1/(gm+gmb)", N, "missing"),                         # R_S forgotten
    # --- MOS cascode (Razavi): R_out = r_o2 + (1 + (g_m2 + g_mb2) r_o2) r_o1
    ("MOS_CASCODE", "rout", "ro1 + ro2 + (gm2+gmb2)*ro1*ro2", E, None),
    ("MOS_CASCODE", "rout", "(gm2+gmb2)*ro1*ro2", L, None),
    ("MOS_CASCODE", "rout", "gm2*ro1*ro2", L, None),
    ("MOS_CASCODE", "rout", "ro1+ro2", N, "term"),
    # --- BJT cascode (Gray/Meyer): R_out = r_o2 + (r_o1 || r_pi2)(1 + g_m2 r_o2) ~ (beta+1) r_o2
    ("BJT_CASCODE", "rout", "ro2 + (ro1||rpi2)*(1+gm2*ro2)", E, None),
    ("BJT_CASCODE", "rout", "(beta2+1)*ro2", L, None),
    ("BJT_CASCODE", "rout", "beta2*ro2", N, "beta_plus_one"),
    # --- CS with a current-source load: A_v = -g_m1 (r_o1 || r_o2)
    ("ACTIVE_CS", "gain", "-gm1*(ro1||ro2)", E, None),
    ("ACTIVE_CS", "gain", "-gm1*ro1", N, "missing"),                    # r_o2 forgotten
    ("ACTIVE_CS", "gain", "gm1*(ro1||ro2)", N, "sign"),
    # --- matched differential pair, output across the collectors: A_d = -g_m (R_C || r_o)
    ("DIFF", "gain", "-gm*(RC||ro)", E, None),
    ("DIFF", "gain", "-gm*RC", L, None),
    ("DIFF", "gain", "-gm*(RC||ro)/2", N, "factor"),                    # single-ended
    # --- current mirrors: R_out = r_o2
    ("MIRROR", "rout", "ro2", E, None),
    ("MIRROR", "rout", "ro1||ro2", N, "extra"),
    ("MIRROR", "rout", "ro1", N, "replaced"),
    ("BJT_MIRROR", "rout", "r_o2", E, None),
    # --- five-transistor OTA (matched): g_m1 (r_o2 || r_o4), here g_m1 (r_o1 || r_o3) with
    #     the matched symbols, to leading order as the r_o grow
    ("OTA", "gain", "gm1*(ro1||ro3)", L, None),
    ("OTA", "gain", "gm1*(ro1||ro3)/2", N, "factor"),
    ("OTA", "gain", "-gm1*(ro1||ro3)", N, "sign"),
    # --- the seed documents' CE: A_v = -g_m (R_C || r_o), and -g_m R_C as r_o -> oo
    ("CE_SEED", "gain", "-gm*(RC||ro)", E, None),
    ("CE_SEED", "gain", "-gm*RC", L, None),
    ("CE_SEED", "gain", "-beta*RC/r_pi", L, None),
]


@pytest.mark.parametrize("key, quantity, answer, verdict, diagnosis", TABLE,
                         ids=[f"{k}-{q}-{a}" for k, q, a, *_ in TABLE])
def test_table(key, quantity, answer, verdict, diagnosis):
    r = checker(key, quantity).check(answer)
    assert r.verdict == verdict, (r.verdict, r.reasons, [d.message for d in r.diagnosis])
    assert r.passed == (verdict == E)
    kinds = [d.kind for d in r.diagnosis]
    if diagnosis is None:
        assert not kinds or verdict == E
    else:
        assert diagnosis in kinds, [d.message for d in r.diagnosis]
    if verdict == N and diagnosis != "dimension":
        assert r.counterexample is not None


def test_table_size():
    assert len(TABLE) >= 60


# --- the messages say what the books say ----------------------------------------------------

def test_ce_with_ro_minus_gm_rc_is_equal_as_ro_grows():
    r = checker("CE_SEED", "gain").check("-g_m R_C")
    assert r.verdict == L and not r.passed
    assert r.reasons[0].startswith("equal as r_o1 → ∞")
    # allowed by the question: passes
    r = checker("CE_SEED", "gain", (("ro", "oo"),)).check("-g_m R_C")
    assert r.passed and r.limits == [("ro1", "oo")]
    assert "r_o1 → ∞" in r.assumptions


def test_degenerated_collector_is_equal_to_leading_order():
    r = checker("CE_RE", "rout", (("ro", "oo"), ("beta", "oo"))).check("r_o (1 + g_m R_E)")
    assert r.passed
    assert "equal to leading order as r_o1 → ∞, then β1 → ∞" in r.reasons[0]
    # with β → ∞ alone (r_o finite) it is not: the stated limits are taken as stated
    r = checker("CE_RE", "rout", (("beta", "oo"),)).check("r_o (1 + g_m R_E)")
    assert not r.passed


def test_missing_load_names_it():
    r = checker("CE", "gain").check("-gm*(ro||RC)*rpi/(rpi+Rs)")
    (d,) = r.diagnosis
    assert d.kind == "missing" and d.details["element"] == "RL"
    assert d.message.startswith("R_L is missing")


def test_beta_for_beta_plus_one_says_so():
    r = checker("CC", "rin").check("r_π + β (R_E ∥ r_o)")
    (d,) = r.diagnosis
    assert d.kind == "beta_plus_one" and d.message.startswith("β+1 belongs where")


def test_swapped_symbols_are_named():
    r = checker("CE", "gain").check("-gm*(ro||Rs||RL)*rpi/(rpi+RC)")
    assert r.diagnosis[0].details["symbols"] == ["RC", "Rs"]


def test_ota_gain_in_the_limits_the_book_takes():
    # Razavi: the ideal tail (r_o5 -> oo) and g_m3 r_o3 >> 1 give g_m1 (r_o2 || r_o4).
    r = checker("OTA", "gain", (("ro5", "oo"), ("gm3", "oo"))).check("g_m1 (r_o1 ∥ r_o3)")
    assert r.passed and r.verdict == L


def test_counterexample_is_plausible_and_true():
    """The counterexample's values are in the plausible ranges, and the answer and the expected
    result, evaluated there by SymPy independently, differ as reported."""
    result, names = derive("CE", "gain")
    r = checker("CE", "gain").check("-gm*RC*rpi/(rpi+Rs)")
    ce = r.counterexample
    values = ce["values"]
    for name, v in values.items():
        if name.startswith("R") or name.startswith("ro"):
            assert 100 <= v <= 1e6
        if name.startswith("gm"):
            assert 1e-3 <= v <= 0.1
    assert 50 <= values["gm1"] * values["rpi1"] <= 300  # beta
    subs = {sympy.Symbol(k, positive=True): sympy.nsimplify(v) for k, v in values.items()}
    exact = float(result.expr.xreplace(subs))
    typed = float((-sympy.Symbol("gm1", positive=True) * sympy.Symbol("RC", positive=True)
                   * sympy.Symbol("rpi1", positive=True) / (sympy.Symbol("rpi1", positive=True)
                                                            + sympy.Symbol("Rs", positive=True))
                   ).xreplace(subs))
    assert math.isclose(ce["expected"], exact, rel_tol=1e-6)
    assert math.isclose(ce["answer"], typed, rel_tol=1e-6)
    assert math.isclose(ce["relative_error"], abs(typed - exact) / abs(exact), rel_tol=1e-6)
    assert "R_C = " in ce["text"] and "off" in ce["text"]


# --- within a tolerance at nominal values -----------------------------------------------------

NOMINAL = {"gm1": "38.5m", "rpi1": "2.6k", "ro1": "100k", "RC": "4.7k", "RL": "10k", "Rs": "1k"}


def test_within_tolerance_at_nominal_values():
    # At these values r_o || R_C || R_L = 3.09 k against R_C || R_L = 3.20 k: 3.4 % apart.
    result, names = derive("CE", "gain")
    answer = "-gm*(RC||RL)*rpi/(rpi+Rs)"
    r = check(answer, result, names=names, tolerance=0.05, at=NOMINAL)
    assert r.verdict == "approximately_equal" and r.passed
    r = check(answer, result, names=names, tolerance=0.01, at=NOMINAL)
    assert not r.passed


# --- the seed documents' numbers ---------------------------------------------------------------

@pytest.mark.parametrize("expected, at, answer, ok", [
    # g_m = I_C/V_T = 38.5 mA/V at 1 mA
    ("I_C/V_T", {"I_C": "1m", "V_T": "26m"}, "38.5 mA/V", True),
    ("I_C/V_T", {"I_C": "1m", "V_T": "26m"}, "38.5m", True),
    ("I_C/V_T", {"I_C": "1m", "V_T": "26m"}, "3.85m", False),
    # r_π = β/g_m = 2.6 kΩ at β = 100, g_m = 1/26 S
    ("beta/g_m", {"beta": 100, "g_m": "38.46m"}, "2.6 kΩ", True),
    ("beta/g_m", {"beta": 100, "g_m": "38.46m"}, "2.6k", True),
    ("beta/g_m", {"beta": 100, "g_m": "38.46m"}, "26", False),
    # r_o = V_A/I_C = 100 kΩ
    ("V_A/I_C", {"V_A": 100, "I_C": "1m"}, "100 kΩ", True),
    ("V_A/I_C", {"V_A": 100, "I_C": "1m"}, "100", False),
    # the diode's dynamic resistance 0.1 V/7.5 mA = 13.3 Ω (not the static 0.7 V/5 mA = 140 Ω)
    ("0.1/7.5m", {}, "13.3 Ω", True),
    ("0.1/7.5m", {}, "13.3", True),
    ("0.1/7.5m", {}, "140", False),
])
def test_seed_numbers(expected, at, answer, ok):
    r = check(answer, expected, at=at)
    assert r.passed == ok, r.reasons
    if not ok:
        assert r.counterexample is None or r.counterexample["relative_error"] > 0.01


def test_a_unit_of_the_wrong_kind_is_diagnosed():
    r = check("38.5 mA/V", "beta/g_m", at={"beta": 100, "g_m": "38.46m"})
    assert any(d.kind == "dimension" for d in r.diagnosis)


# --- form checks ------------------------------------------------------------------------------

def test_form_requirements():
    result, names = derive("CE", "rout")
    ok = check("RC||ro", result, names=names, require=["uses ||", "factored"])
    assert ok.passed
    sum_form = check("RC*ro/(RC+ro)", result, names=names, require=["uses ||"])
    assert sum_form.verdict == E and not sum_form.passed
    assert any("does not use ∥" in x for x in sum_form.reasons)
    assert not check("RC*ro/RC + RC*ro/ro - RC*ro*(RC+ro)/(RC*ro) + RC*ro/(RC+ro)", result,
                     names=names, require=["factored"]).passed
    assert not check("(gm*RC*ro + gm*RC*ro)/(2*gm*(RC+ro))", result, names=names,
                     require=["factored"]).passed
    gain, names = derive("CE_SEED", "gain")
    no_ro = check("-gm*RC", gain, names=names, limits=["ro"], require=["no r_o"])
    assert no_ro.passed
    assert not check("-gm*(RC||ro)", gain, names=names, require=["no ro"]).passed


def test_grade_gives_score_feedback_and_latex():
    result, names = derive("CE", "gain")
    g = grade("-g_m (R_C ∥ R_L ∥ r_o) r_π/(r_π + R_s)", result, names=names)
    assert g["score"] == 1.0 and g["feedback"] == "Correct."
    assert g["latex"].startswith(r"- \frac{g_{m1} r_{\pi 1}")
    g = grade("-gm*(ro||RC)*rpi/(rpi+Rs)", result, names=names)
    assert g["score"] == 0.0 and "R_L is missing" in g["feedback"]
    g = grade("-gm*(RC||RL)*rpi/(rpi+Rs)", result, names=names)
    assert g["score"] == 0.5 and "r_o1 → ∞" in g["feedback"]
    g = grade("-gm*(RC||RL)*rpi/(rpi+Rs)", result, names=names, limits=["ro"])
    assert g["score"] == 1.0
    g = grade("gm*(ro||RC||RL)*rpi/(rpi+Rs)", result, names=names, partial={"sign": 0.5})
    assert g["score"] == 0.5
    g = grade("-gm(RC||", result, names=names)
    assert g["score"] == 0.0 and g["format_error"] and g["latex"] is None
    # expected as a typed string, as PrairieLearn's server.py would pass it
    g = grade("g_m R_C", "gm*RC")
    assert g["score"] == 1.0


def test_throughput_smoke():
    """Many answers against one prepared expected result (the benchmark's method), fast."""
    import time

    c = checker("CE", "gain")
    answers = [f"-{k}*gm*(ro||RC||RL)*rpi/(rpi+Rs)" for k in range(1, 201)]
    start = time.perf_counter()
    verdicts = [c.check(a).verdict for a in answers]
    assert verdicts[0] == E and set(verdicts[1:]) == {N}
    assert time.perf_counter() - start < 5
