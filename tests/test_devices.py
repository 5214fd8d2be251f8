"""Transistor and diode stages written as device netlists (Q, M, D with bias sources), each
expectation written by hand from the textbook derivation.

symsig turns every netlist here into its mid-band small-signal equivalent (DC sources zeroed,
capacitors shorted, devices replaced by their models) before solving. The expected formulas are
in the device symbols of DESIGN §2 (Q1 -> gm1, rpi1, ro1, re1, alpha1, beta1; M1 -> gm1, gmb1,
ro1; D1 -> rd1). Where a result is derived from the KCL equations of the textbook's small-signal
schematic, those equations are written out in the test and solved by SymPy, independently of
symsig's netlist, stamps and solver.
"""

import sympy

from symsig import amplifier, measure, parse, rin, rout, transfer
from symsig.devices import Options, relations, to_common_basis
from symsig.devices.ac import small_signal
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
RC, RE, RD, RS, RL, Rs, R, RB, R1, R2, RG1, RG2 = map(
    P, "RC RE RD RS RL Rs R RB R1 R2 RG1 RG2".split())
gm1, gm2, gm3, gm4 = map(P, "gm1 gm2 gm3 gm4".split())
ro1, ro2, ro3, ro4, ro5 = map(P, "ro1 ro2 ro3 ro4 ro5".split())
rpi1, rpi2, beta1, alpha1, re1 = map(P, "rpi1 rpi2 beta1 alpha1 re1".split())
gmb1, gmb2, rd1, vd = map(P, "gmb1 gmb2 rd1 vd".split())

NO_RO = Options.build(exclude=["ro"])
MODELS = ("hybrid-pi", "hybrid-pi-beta", "T")


def par(*rs):
    """Parallel combination, written out for the expectations."""
    return 1 / sum(1 / r for r in rs)


# --- common emitter ---------------------------------------------------------------------------

CE = """common emitter, emitter grounded, load through a coupling capacitor
VCC vcc 0 DC 12
Vs s 0 DC 0.7 AC 1
Rs s b Rs
Q1 c b 0 npn
RC vcc c RC
C2 c out 10u
RL out 0 RL
"""


def test_ce_gain_rin_rout():
    c = parse(CE)
    a = amplifier(c, "Vs", "out", input_node="b", load="RL")
    # Sedra/Smith: A_v = -g_m (r_o || R_C || R_L) r_pi/(r_pi + R_s); R_in = r_pi;
    # R_out = r_o || R_C.
    assert same(a.gain, -gm1 * par(ro1, RC, RL) * rpi1 / (rpi1 + Rs))
    assert same(a.rin, rpi1)
    assert same(a.rout, par(ro1, RC))
    # The source's own node sees R_s in series.
    assert same(rin(c, "Vs"), Rs + rpi1)


def test_ce_pnp_is_the_same_small_signal_circuit():
    # Sedra/Smith: the hybrid-pi model applies to the pnp unchanged, so the pnp CE stage with
    # its emitter at the supply and R_C to ground has the same gain -g_m (r_o || R_C).
    c = parse("""pnp common emitter
VCC vcc 0 DC 12
Vs b 0 DC 11.3 AC 1
Q1 c b vcc pnp
RC c 0 RC
""")
    assert same(transfer(c, "c", "Vs"), -gm1 * par(ro1, RC))


CE_RE = """common emitter with an unbypassed emitter resistor
VCC vcc 0 DC 12
Vs s 0 DC 1.5 AC 1
Rs s b Rs
Q1 c b e npn
RC vcc c RC
RE e 0 RE
"""


def test_ce_with_re_rin_and_gain_without_ro():
    ss = small_signal(parse(CE_RE), NO_RO)
    # Sedra/Smith: R_in = r_pi + (beta+1) R_E, with beta = g_m r_pi in hybrid-pi symbols.
    r_in = rin(ss, "Vs", input_node="b")
    assert same(r_in, rpi1 + (1 + gm1 * rpi1) * RE)
    assert same(to_common_basis(r_in.expr, parse(CE_RE).devices()),
                beta1 / gm1 + (beta1 + 1) * RE)
    # A_v = -beta R_C / (R_s + r_pi + (beta+1) R_E)
    assert same(transfer(ss, "c", "Vs"), -gm1 * rpi1 * RC / (Rs + rpi1 + (1 + gm1 * rpi1) * RE))


def test_ce_with_re_exact_collector_rout():
    # Derivation: a test current i_x into the collector all reaches the emitter, which sees
    # R_E || (r_pi + R_s) to ground, so v_e = i_x R' with R' = R_E || (r_pi + R_s); the base
    # divider gives v_pi = -v_e r_pi/(r_pi + R_s); through r_o flows i_x - g_m v_pi, so
    #   R_out(collector) = r_o + R' (1 + g_m r_o r_pi/(r_pi + R_s)).
    c = parse(CE_RE)
    r_prime = par(RE, rpi1 + Rs)
    into_collector = ro1 + r_prime * (1 + gm1 * ro1 * rpi1 / (rpi1 + Rs))
    assert same(rout(c, "c", load="RC"), into_collector)
    assert same(rout(c, "c"), par(RC, into_collector))


def test_voltage_divider_biased_ce():
    c = parse("""divider bias, bypassed emitter resistor, coupling capacitor at the input
VCC vcc 0 DC 12
R1 vcc b R1
R2 b 0 R2
RC vcc c RC
Q1 c b e npn
RE e 0 RE
CE e 0 100u
Vs s 0 AC 1
Rs s x Rs
C1 x b 10u
""")
    # Sedra/Smith: R_in = R_1 || R_2 || r_pi (R_E bypassed); A_v = -g_m (r_o || R_C) R_in/(R_in+R_s)
    r_in = par(R1, R2, rpi1)
    a = amplifier(c, "Vs", "c", input_node="b")
    assert same(a.rin, r_in)
    assert same(a.gain, -gm1 * par(ro1, RC) * r_in / (r_in + Rs))
    # The coupling capacitor merges x into b: x is still a valid name for the base.
    assert same(rin(c, "Vs", input_node="x"), r_in)
    assert same(rin(c, "Vs"), Rs + r_in)


# --- common base ------------------------------------------------------------------------------

CB = """common base, current-source bias, base at a DC bias voltage
VCC vcc 0 DC 12
VB bb 0 DC 2
Q1 c bb e npn
IE e 0 DC 1m
Vs s 0 AC 1
Rs s e Rs
RC vcc c RC
C2 c out 10u
RL out 0 RL
"""


def test_cb_rin_is_re_and_gain_gm_rc():
    T = small_signal(parse(CB), Options.build("T", exclude=["ro"]))
    # Sedra/Smith (T model, r_o ignored): R_in = r_e = alpha/g_m;
    # A_v = alpha (R_C || R_L)/(R_s + r_e).
    assert same(rin(T, "Vs", input_node="e"), re1)
    gain = transfer(T, "out", "Vs")
    assert same(gain, alpha1 * par(RC, RL) / (Rs + re1))
    basis = parse(CB).devices()
    assert same(to_common_basis(rin(T, "Vs", input_node="e").expr, basis),
                beta1 / ((beta1 + 1) * gm1))
    # With R_s = 0 and no load the gain is g_m R_C.
    direct = small_signal(parse(CB.replace("Rs s e Rs", "C1 s e 1u").replace("RL out 0 RL", "")),
                          Options.build("T", exclude=["ro"]))
    assert same(to_common_basis(transfer(direct, "c", "Vs").expr, basis), gm1 * RC)
    # The hybrid-pi model gives the same R_in: r_pi || 1/g_m = r_pi/(beta+1).
    hp = small_signal(parse(CB), NO_RO)
    assert same(rin(hp, "Vs", input_node="e"), par(rpi1, 1 / gm1))


# --- common collector -------------------------------------------------------------------------

CC = """emitter follower with its emitter resistor to a negative supply
VCC vcc 0 DC 12
VEE vee 0 DC -12
Vs s 0 AC 1
Rs s b Rs
Q1 vcc b e npn
RE e vee RE
C2 e out 10u
RL out 0 RL
"""


def test_emitter_follower_gain_and_rout():
    c = parse(CC)
    # Sedra/Smith: with R_L' = R_E || r_o || R_L and beta = g_m r_pi,
    #   A_v = (beta+1) R_L' / (R_s + r_pi + (beta+1) R_L');
    #   R_out (R_L removed) = R_E || r_o || (r_pi + R_s)/(beta+1).
    beta = gm1 * rpi1
    rl = par(RE, ro1, RL)
    assert same(transfer(c, "out", "Vs"), (beta + 1) * rl / (Rs + rpi1 + (beta + 1) * rl))
    assert same(rout(c, "out", load="RL"), par(RE, ro1, (rpi1 + Rs) / (beta + 1)))
    # Input resistance at the base: r_pi + (beta+1) R_L'.
    assert same(rin(c, "Vs", input_node="b"), rpi1 + (beta + 1) * rl)


# --- MOS: common source -----------------------------------------------------------------------

def test_cs_gain_and_rout():
    c = parse("""common source, gate biased by a divider
VDD vdd 0 DC 5
RG1 vdd g RG1
RG2 g 0 RG2
Vs s 0 AC 1
C1 s g 1u
M1 d g 0 nmos
RD vdd d RD
""")
    # Sedra/Smith: A_v = -g_m (r_o || R_D); R_in = R_G1 || R_G2; R_out = r_o || R_D.
    a = amplifier(c, "Vs", "d", input_node="g")
    assert same(a.gain, -gm1 * par(ro1, RD))
    assert same(a.rin, par(RG1, RG2))
    assert same(a.rout, par(ro1, RD))


CS_DEGEN = """common source with source degeneration; body at ground (4 terminals)
VDD vdd 0 DC 5
Vs g 0 DC 2 AC 1
M1 d g src 0 nmos
RS src 0 RS
RD vdd d RD
"""


def test_cs_degenerated_with_body_effect():
    c = parse(CS_DEGEN)
    # Sedra/Smith, Razavi: R_out (looking into the drain) = r_o + [1 + (g_m + g_mb) r_o] R_S.
    assert same(rout(c, "d", load="RD"), ro1 + (1 + (gm1 + gmb1) * ro1) * RS)
    # Razavi: A_v = -g_m r_o R_D / (R_D + R_S + r_o + (g_m + g_mb) r_o R_S).
    # (KCL at the source: i = g_m v_in - (g_m+g_mb) i R_S - (R_D+R_S) i/r_o, v_d = -i R_D.)
    assert same(transfer(c, "d", "Vs"),
                -gm1 * ro1 * RD / (RD + RS + ro1 + (gm1 + gmb1) * ro1 * RS))
    # Without r_o and g_mb: the familiar -g_m R_D/(1 + g_m R_S).
    ss = small_signal(c, Options.build(exclude=["ro", "gmb"]))
    assert same(transfer(ss, "d", "Vs"), -gm1 * RD / (1 + gm1 * RS))


# --- MOS: common gate -------------------------------------------------------------------------

CG = """common gate, gate at a DC bias, body at ground, input through Rs into the source
VDD vdd 0 DC 5
VG gg 0 DC 2
M1 d gg src 0 nmos
IB src 0 DC 1m
Vs sig 0 AC 1
Rs sig src Rs
RD vdd d RD
"""


def test_cg_rin_gain_rout():
    c = parse(CG)
    # Razavi: R_in (into the source, R_D at the drain) = (r_o + R_D)/(1 + (g_m + g_mb) r_o).
    # (Test voltage v_x at the source: i_x = (g_m+g_mb) v_x - (v_d - v_x)/r_o, v_d = R_D i_x.)
    assert same(rin(c, "Vs", input_node="src"), (ro1 + RD) / (1 + (gm1 + gmb1) * ro1))
    # Razavi: A_v = (1 + (g_m+g_mb) r_o) R_D / (r_o + R_D + R_s (1 + (g_m+g_mb) r_o)).
    k = 1 + (gm1 + gmb1) * ro1
    assert same(transfer(c, "d", "Vs"), k * RD / (ro1 + RD + Rs * k))
    # R_out at the drain: R_D || (r_o + [1 + (g_m+g_mb) r_o] R_s).
    assert same(rout(c, "d"), par(RD, ro1 + k * Rs))
    # Without r_o: R_in = 1/(g_m + g_mb); without g_mb as well: 1/g_m.
    no_ro = small_signal(c, NO_RO)
    assert same(rin(no_ro, "Vs", input_node="src"), 1 / (gm1 + gmb1))
    bare = small_signal(c, Options.build(exclude=["ro", "gmb"]))
    assert same(rin(bare, "Vs", input_node="src"), 1 / gm1)
    assert same(transfer(bare, "d", "Vs"), gm1 * RD / (1 + gm1 * Rs))


# --- MOS: source follower ---------------------------------------------------------------------

SF = """source follower, body at ground
VDD vdd 0 DC 5
Vs g 0 DC 3 AC 1
M1 vdd g src 0 nmos
RS src 0 RS
"""


def test_source_follower_with_body_effect():
    c = parse(SF)
    # KCL at the source: g_m (v_in - v_s) - g_mb v_s = v_s (1/r_o + 1/R_S), so with
    # R_S' = R_S || r_o (Sedra/Smith, Razavi): A_v = g_m R_S' / (1 + (g_m + g_mb) R_S').
    rs = par(RS, ro1)
    assert same(transfer(c, "src", "Vs"), gm1 * rs / (1 + (gm1 + gmb1) * rs))
    # R_out = R_S || r_o || 1/g_m || 1/g_mb; with R_S as the load removed: r_o || 1/(g_m+g_mb).
    assert same(rout(c, "src"), par(RS, ro1, 1 / gm1, 1 / gmb1))
    assert same(rout(c, "src", load="RS"), par(ro1, 1 / (gm1 + gmb1)))


def test_source_follower_body_tied_to_source():
    c = parse(SF.replace("M1 vdd g src 0 nmos", "M1 vdd g src nmos"))
    # No body effect with 3 terminals: A_v = g_m R_S' / (1 + g_m R_S').
    rs = par(RS, ro1)
    assert same(transfer(c, "src", "Vs"), gm1 * rs / (1 + gm1 * rs))


# --- cascodes ---------------------------------------------------------------------------------

def test_mos_cascode_rout_and_gain():
    c = parse("""NMOS cascode with an ideal current-source load, bodies at ground
VDD vdd 0 DC 5
Vin g1 0 DC 1 AC 1
VB g2 0 DC 2.5
M1 x g1 0 0 nmos
M2 d g2 x 0 nmos
IL vdd d DC 100u
""")
    # Razavi: R_out = r_o2 + [1 + (g_m2 + g_mb2) r_o2] r_o1 (M1 with v_in = 0 is just r_o1);
    # open-circuit gain A_v = -g_m1 r_o1 [1 + (g_m2 + g_mb2) r_o2] (no current in M2: v_x =
    # -g_m1 r_o1 v_in, v_d = v_x [1 + (g_m2 + g_mb2) r_o2]).
    k = 1 + (gm2 + gmb2) * ro2
    assert same(rout(c, "d"), ro2 + k * ro1)
    assert same(transfer(c, "d", "Vin"), -gm1 * ro1 * k)


def test_bjt_cascode_rout():
    c = parse("""BJT cascode with an ideal current-source load
VCC vcc 0 DC 12
Vin b1 0 DC 0.7 AC 1
VB b2 0 DC 1.4
Q1 x b1 0 npn
Q2 c b2 x npn
IL vcc c DC 1m
""")
    # Gray/Meyer: R_out = r_o2 + (r_o1 || r_pi2)(1 + g_m2 r_o2), exact: i_x reaches x, where
    # r_o1 || r_pi2 goes to ground; v_pi2 = -v_x; r_o2 carries i_x + g_m2 v_x.
    assert same(rout(c, "c"), ro2 + par(ro1, rpi2) * (1 + gm2 * ro2))


# --- current mirror ---------------------------------------------------------------------------

def test_mos_current_mirror():
    c = parse("""simple NMOS mirror: diode-connected M1, output M2
VDD vdd 0 DC 5
IREF vdd d1 DC 100u AC 1
M1 d1 d1 0 nmos
M2 out d1 0 nmos
RL vdd out RL
""")
    # Sedra/Smith: R_out = r_o2 (the gate node carries no signal when only the output is
    # driven). Current gain: v_d1 = i_ref (1/g_m1 || r_o1), i_out = g_m2 v_d1 into the drain,
    # so v(out) = -g_m2 (1/g_m1 || r_o1)(r_o2 || R_L) i_ref.
    assert same(rout(c, "out", load="RL"), ro2)
    assert same(transfer(c, "out", "IREF"), -gm2 * par(1 / gm1, ro1) * par(ro2, RL))


def test_bjt_current_mirror_rout():
    c = parse("""simple npn mirror
VCC vcc 0 DC 12
IREF vcc d1 DC 1m
Q1 d1 d1 0 npn
Q2 out d1 0 npn
RL vcc out RL
""")
    assert same(rout(c, "out", load="RL"), ro2)


# --- differential pairs -----------------------------------------------------------------------

DIFF = """resistive-load BJT differential pair, ideal tail, inputs +-vd/2
VCC vcc 0 DC 12
VEE vee 0 DC -12
V1 b1 0 AC {vd/2}
V2 b2 0 AC {-vd/2}
Q1 c1 b1 e npn
Q2 c2 b2 e npn
IEE e vee DC 1m
RC1 vcc c1 RC1
RC2 vcc c2 RC2
"""

MATCHED = {"gm2": gm1, "rpi2": rpi1, "ro2": ro1, "RC1": RC, "RC2": RC}


def matched(expr):
    return sympy.cancel(expr.xreplace({P(k): v for k, v in MATCHED.items()}))


def test_diff_pair_exact_unmatched_without_ro():
    ss = small_signal(parse(DIFF), NO_RO)
    # Derivation (ideal tail, no r_o): with y_k = g_mk + 1/r_pik the tail node is at
    # v_e = (y1 v_b1 + y2 v_b2)/(y1 + y2), so v_b1 - v_e = y2 v_d/(y1+y2),
    # v_b2 - v_e = -y1 v_d/(y1+y2), and v_ck = -R_Ck g_mk (v_bk - v_e):
    #   A_d = v(c1,c2)/v_d = -(R_C1 g_m1 y2 + R_C2 g_m2 y1)/(y1 + y2).
    RC1, RC2 = P("RC1"), P("RC2")
    y1, y2 = gm1 + 1 / rpi1, gm2 + 1 / rpi2
    a_d = measure(ss, "v(c1,c2)").expr / vd
    assert same(a_d, -(RC1 * gm1 * y2 + RC2 * gm2 * y1) / (y1 + y2))
    # Matched (Sedra/Smith): A_d = -g_m R_C.
    assert same(matched(a_d), -gm1 * RC)


def test_diff_pair_matched_with_ro():
    # Matched halves, antisymmetric input: the tail node is an exact virtual ground, and the
    # half circuit gives A_d = -g_m (R_C || r_o) (Sedra/Smith).
    a_d = measure(parse(DIFF), "v(c1,c2)").expr / vd
    assert same(matched(a_d), -gm1 * par(RC, ro1))


def test_diff_pair_floating_source_between_the_bases():
    c = parse("""one source between the bases, bases biased to ground through RB
VCC vcc 0 DC 12
VEE vee 0 DC -12
Vd b1 b2 AC 1
RB1 b1 0 RB
RB2 b2 0 RB
Q1 c1 b1 e npn
Q2 c2 b2 e npn
IEE e vee DC 1m
RC1 vcc c1 RC1
RC2 vcc c2 RC2
""")
    # Matched: by symmetry v_b1 = -v_b2 = v_d/2 and the tail is a virtual ground, so
    # A_d = -g_m (R_C || r_o), and -g_m R_C without r_o.
    assert same(matched(transfer(c, "v(c1,c2)", "Vd").expr), -gm1 * par(RC, ro1))
    ss = small_signal(c, NO_RO)
    assert same(matched(transfer(ss, "v(c1,c2)", "Vd").expr), -gm1 * RC)


OTA = """five-transistor OTA: NMOS pair M1/M2, PMOS mirror load M3 (diode)/M4, tail M5
VDD vdd 0 DC 1.8
Vp inp 0 DC 0.9 AC {vd/2}
Vn inn 0 DC 0.9 AC {-vd/2}
VB vb 0 DC 0.6
M1 x inp t nmos
M2 out inn t nmos
M3 x x vdd pmos
M4 out x vdd pmos
M5 t vb 0 nmos
"""


def test_five_transistor_ota():
    a = measure(parse(OTA), "out").expr / vd
    # The textbook small-signal schematic's KCL equations, written by hand (bodies tied to
    # sources, so no g_mb; v_dd at AC ground; M5's gate at AC ground, so M5 is r_o5):
    #   i1 = g_m1 (v_p - v_t) + (v_x - v_t)/r_o1        (M1, x -> t)
    #   i2 = g_m2 (v_n - v_t) + (v_o - v_t)/r_o2        (M2, out -> t)
    #   node x:   i1 + (g_m3 + 1/r_o3) v_x = 0          (M3 diode to v_dd)
    #   node out: i2 + g_m4 v_x + v_o/r_o4 = 0          (M4 mirrors v_x)
    #   node t:   i1 + i2 = v_t/r_o5
    vx, vo, vt = sympy.symbols("vx vo vt")
    i1 = gm1 * (vd / 2 - vt) + (vx - vt) / ro1
    i2 = gm2 * (-vd / 2 - vt) + (vo - vt) / ro2
    sol = sympy.solve([i1 + (gm3 + 1 / ro3) * vx, i2 + gm4 * vx + vo / ro4, i1 + i2 - vt / ro5],
                      [vx, vo, vt], dict=True)[0]
    assert same(a, sol[vo] / vd)
    # Matched devices (N: g_m, r_on; P: g_mp, r_op), ideal tail (r_o5 -> oo). Razavi:
    #   A_v = g_m (r_on || r_op) (2 g_mp r_op + 1) / (2 (g_mp r_op + 1)),
    # by hand: v_o = -(2 g_mp r_op + 1) v_x from the mirror; (i1 - i2) gives
    # 2 i1 = g_m v_d + (v_x - v_o)/r_on with i1 = -(g_mp + 1/r_op) v_x.
    gm, gmp, ron, rop = map(P, "gm gmp ron rop".split())
    m = {gm1: gm, gm2: gm, gm3: gmp, gm4: gmp, ro1: ron, ro2: ron, ro3: rop, ro4: rop}
    ideal = sympy.limit(sympy.cancel(a.xreplace(m)), ro5, sympy.oo)
    razavi = gm * par(ron, rop) * (2 * gmp * rop + 1) / (2 * (gmp * rop + 1))
    assert same(ideal, razavi)
    # ... whose limit for g_mp r_op >> 1 is the familiar g_m (r_o2 || r_o4).
    assert sympy.simplify(sympy.limit(ideal, gmp, sympy.oo) - gm * par(ron, rop)) == 0


# --- diode ------------------------------------------------------------------------------------

def test_diode_divider():
    c = parse("""resistor and forward-biased diode
Vin in 0 DC 5 AC 1
R1 in out R
D1 out 0
""")
    # The diode is its dynamic resistance r_d: v(out)/v(in) = r_d/(R + r_d).
    assert same(transfer(c, "out", "Vin"), rd1 / (R + rd1))


# --- hybrid-pi, hybrid-pi with beta*i_b, and T give identical results -------------------------

CB_RO = CB.replace("IE e 0 DC 1m", "RE e 0 RE")
CS_FULL = """common source with R_S, body at ground, load
VDD vdd 0 DC 5
Vs sig 0 AC 1
Rsig sig g Rs
M1 d g src 0 nmos
RS src 0 RS
RD vdd d RD
C2 d out 1u
RL out 0 RL
"""
CG_FULL = CG.replace("IB src 0 DC 1m", "RSB src 0 RS")
CD_FULL = SF + "C2 src out 1u\nRL out 0 RL\n"

STAGES = [
    # (netlist, output, input node or None when the input is a gate, load)
    (CE_RE + "C2 c out 1u\nRL out 0 RL\n", "out", "b", "RL"),
    (CB_RO, "out", "e", "RL"),
    (CC, "out", "b", "RL"),
    (CS_FULL, "out", None, "RL"),
    (CG_FULL, "d", "src", None),
    (CD_FULL, "out", None, "RL"),
]


def test_models_give_identical_results():
    for text, output, input_node, load in STAGES:
        c = parse(text)
        source = "Vs"
        results = []
        for model in MODELS:
            ss = small_signal(c, Options.build(model))
            got = [transfer(ss, output, source), rout(ss, output, load)]
            if input_node is not None:
                got.append(rin(ss, source, input_node))
            results.append([to_common_basis(r.expr, c.devices()) for r in got])
        for other in results[1:]:
            for a, b in zip(results[0], other, strict=True):
                assert same(a, b), (c.title, a, b)


def test_models_identical_without_ro_and_gmb():
    for text, output, input_node, load in STAGES:
        c = parse(text)
        results = []
        for model in MODELS:
            ss = small_signal(c, Options.build(model, exclude=["ro", "gmb"]))
            got = [transfer(ss, output, "Vs"), rout(ss, output, load)]
            if input_node is not None:
                got.append(rin(ss, "Vs", input_node))
            results.append([to_common_basis(r.expr, c.devices()) for r in got])
        for other in results[1:]:
            for a, b in zip(results[0], other, strict=True):
                assert same(a, b), (c.title, a, b)


# --- the seed's numbers -----------------------------------------------------------------------

def by_relations(device, values):
    """Every small-signal symbol of `device` as a number: relations(device) applied until only
    the given bias values remain."""
    rel = relations(device)
    out = {}
    for sym, expr in rel.items():
        for _ in range(len(rel) + 1):
            expr = expr.xreplace(rel)
        out[sym] = expr.xreplace(values)
    return out


def test_seed_bjt_numbers():
    c = parse("""single-transistor CE (device named plain Q: symbols without a suffix)
VCC vcc 0 DC 12
Vs s 0 AC 1
Rs s b Rs
Q c b 0 npn
RC vcc c RC
C2 c out 10u
RL out 0 RL
""")
    q = c.devices()[0]
    VT, IC, beta, VA = P("VT"), P("IC"), P("beta"), P("VA")
    nums = by_relations(q, {VT: sympy.Rational(26, 1000), IC: sympy.Rational(1, 1000),
                            beta: 100, VA: 100})
    gm, rpi, ro = P("gm"), P("rpi"), P("ro")
    # Seed: I_C = 1 mA, V_T = 26 mV: g_m = 1/26 A/V ~ 38.5 mA/V; beta = 100: r_pi = 2.6 kOhm;
    # V_A = 100 V: r_o = 100 kOhm.
    assert nums[gm] == sympy.Rational(1, 26)
    assert abs(float(nums[gm]) - 38.5e-3) < 0.05e-3
    assert nums[rpi] == 2600
    assert nums[ro] == 100_000
    # README's CE numbers: -g_m (r_o || R_C || R_L) r_pi/(r_pi + R_s) = -86.0617 at
    # R_C = 4.7k, R_L = 10k, R_s = 1k.
    a = amplifier(c, "Vs", "out", input_node="b", load="RL")
    assert same(a.gain, -gm * par(ro, RC, RL) * rpi / (rpi + Rs))
    values = {gm: nums[gm], rpi: nums[rpi], ro: nums[ro], RC: 4700, RL: 10_000, Rs: 1000}
    hand = -(1 / 26) / (1e-5 + 1 / 4700 + 1e-4) * 2600 / 3600
    assert abs(float(a.gain.evaluate(values)) - hand) < 1e-9
    assert abs(hand + 86.0617) < 1e-4
    assert a.rin.evaluate(values) == 2600


def test_seed_diode_static_versus_dynamic_resistance():
    c = parse("Vin in 0 DC 5 AC 1\nR1 in out R\nD1 out 0\n")
    d = c.devices()[0]
    VT, ID, n = P("VT"), P("ID1"), P("n1")
    nums = by_relations(d, {VT: sympy.Rational(26, 1000), ID: sympy.Rational(5, 1000), n: 1})
    # Seed: at 0.7 V and 5 mA the static resistance is 0.7/5m = 140 Ohm, while the dynamic
    # r_d = n V_T/I_D = 26 mV/5 mA = 5.2 Ohm.
    static = sympy.Rational(7, 10) / sympy.Rational(5, 1000)
    assert static == 140
    assert nums[rd1] == sympy.Rational(52, 10)
    # The small-signal divider uses r_d, not the static 140 Ohm.
    h = transfer(c, "out", "Vin").substitute({"rd1": nums[rd1], "R": 1000})
    assert same(h, sympy.Rational(52, 10) / (1000 + sympy.Rational(52, 10)))
