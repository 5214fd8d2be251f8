"""The `symsig` command: a thin layer over the library. Bad input exits 2 with one message.

Symbolic first: every result is derived from the small-signal circuit without a Q-point. Numbers
come after, and only where the netlist or `--subs` gives some; a Q-point that cannot be found
is a warning, and the formulas still print.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sympy

from .analysis.linear import Probe, driven_node, rin, rout, transfer
from .analysis.twoport import KINDS, two_port
from .bias import METHODS, Numbers, numbers_at_the_end, operating_point
from .bias.dc import card_values
from .bias.numbers import device_symbols
from .circuit.netlist import Circuit, parse
from .circuit.values import RESERVED, parse_number_value, parse_value
from .devices import OFF_REGIONS, Options
from .devices.ac import small_signal
from .engine.rational import RationalFunction, Undefined
from .errors import NotDefined, SymsigError
from .forms.latex import latex
from .forms.text import exact_text, number_text, rounded


def _read(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        name = "standard input"
    else:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise SymsigError(f"cannot read {path}: {exc.strerror}") from None
        name = path
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SymsigError(f"{name}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                          "save the netlist as UTF-8") from None


# -- --subs -----------------------------------------------------------------------------------
def _subs(text: str | None, circuit: Circuit) -> dict[str, sympy.Expr]:
    """--subs a=1k,b=100: each a known symbol and a real number (parsed like netlist values,
    never eval'd); `oo` is infinity, as in r_o → ∞."""
    out: dict[str, sympy.Expr] = {}
    known = _known_names(circuit)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or not value:
            raise SymsigError(f"--subs expects NAME=VALUE pairs, got {item.strip()!r}")
        if name in RESERVED:
            raise SymsigError(f"--subs {name}: {name} is {RESERVED[name]} and cannot be given a "
                              "value")
        if name not in known:
            raise SymsigError(f"--subs {name}: no symbol {name!r} in this circuit"
                              + _did_you_mean(name, known))
        if value.lower() in ("oo", "inf", "infinity"):
            out[name] = sympy.oo
            continue
        out[name] = parse_number_value(value, f"--subs {name}")
    return out


def _known_names(circuit: Circuit) -> set[str]:
    return ({str(x) for x in circuit.symbols()} | set(circuit.params) | device_symbols(circuit)
            | set(card_values(circuit)))


def _did_you_mean(name: str, known: set[str]) -> str:
    same_letters = [k for k in known if k.lower() == name.lower()]
    if same_letters:
        return f" (did you mean {same_letters[0]!r}? names are case-sensitive)"
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- one result, its numbers and its text ------------------------------------------------------
@dataclass
class Result:
    """One quantity asked for: its label, the exact value or why it has none, its numbers."""

    key: str
    label: str
    tex: str
    value: RationalFunction | None = None
    why: str | None = None
    numeric: RationalFunction | None = None
    numeric_why: str | None = None

    def expr(self) -> sympy.Expr:
        return self.value.in_s()

    def put_numbers(self, values: dict[str, sympy.Expr]) -> None:
        if self.value is None:
            return
        present = {str(g) for g in self.value.generators}
        known = {k: v for k, v in values.items() if k in present}
        if not known:
            return
        try:
            self.numeric = self.value.substitute(known)
        except Undefined:
            self.numeric_why = ("not defined at these values: numerator and denominator both "
                                "vanish (0/0)")


def _attempt(key: str, label: str, tex: str, compute: Callable[[], RationalFunction]) -> Result:
    try:
        return Result(key, label, tex, compute())
    except NotDefined as exc:
        return Result(key, label, tex, why=str(exc))


def _numeric_expr(r: RationalFunction, digits: int | None) -> sympy.Expr:
    """A result with numbers in: a number; H(s) in time-constant form (denominator
    1 + b1·s + ...) when only s is left; else the formula with its numbers rounded."""
    if r.is_infinite:
        return sympy.oo
    gens = {str(g) for g in r.generators}
    if r.is_number:
        value = sympy.Rational(int(r.num.leading_coefficient() if not r.is_zero else 0),
                               int(r.den.leading_coefficient()))
        return value if digits is None else sympy.Float(value, digits)
    expr = r.in_s()
    if gens == {"s"}:
        s = next(g for g in r.ring.gens if str(g) == "s")
        num, den = sympy.Poly(r.numerator, s), sympy.Poly(r.denominator, s)
        lowest = den.terms()[-1][1]
        prec = digits or 17
        parts = [sympy.Add(*[sympy.Float(c / lowest, prec) * s**m[0] for m, c in p.terms()])
                 for p in (num, den)]
        return parts[0] / parts[1]
    return rounded(expr, digits or 17)


def _number_line(r: Result, values: dict[str, sympy.Expr]) -> str | None:
    if r.numeric_why:
        return r.numeric_why
    if r.numeric is None:
        return None
    value = _numeric_expr(r.numeric, 6)
    if value.is_number:
        return number_text(value)
    infinite = any(values.get(str(x)) == sympy.oo for x in r.expr().free_symbols)
    if {str(g) for g in r.numeric.generators} != {"s"} and not infinite:
        # symbols left: the numbers put into the formula's own shape read best
        floats = {x: sympy.Float(values[str(x)], 6) for x in r.expr().free_symbols
                  if str(x) in values and values[str(x)] != sympy.oo}
        return str(rounded(r.expr().xreplace(floats), 6))
    return str(value)


# -- analyze ----------------------------------------------------------------------------------
def _options(args: argparse.Namespace) -> Options:
    with _option("--model/--include/--exclude"):
        return Options.build(args.model, _words(args.include), _words(args.exclude))


@contextmanager
def _option(name: str, value: str | None = None):
    """Errors raised while reading one option name the option."""
    try:
        yield
    except SymsigError as exc:
        shown = f"{name} {value}" if value is not None else name
        raise SymsigError(f"{shown}: {getattr(exc, 'message', None) or exc}") from None


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _wants_numbers(circuit: Circuit, subs: dict) -> bool:
    """Numbers are asked for when the netlist or the command line gives any."""
    if subs or circuit.params or card_values(circuit):
        return True
    return any(v is not None and v.is_number and v != 0
               for e in circuit.elements if e.kind in "RCLEFGH" for v in (e.value,))


def _analyze(args: argparse.Namespace) -> int:
    original = parse(_read(args.file))
    subs = _subs(args.subs, original)
    options = _options(args)
    with _option("--output", args.output):
        probe = Probe.parse(args.output)
    source = original.find(args.source)
    if source is None:
        raise SymsigError(f"--source {args.source}: no element named {args.source!r} in the "
                          "circuit")
    if source.kind not in "VI":
        raise SymsigError(f"--source {args.source}: {source.name} is a {source.what}, not an "
                          "independent source (V or I)")
    if args.load is not None and original.find(args.load) is None:
        raise SymsigError(f"--load {args.load}: no element named {args.load!r} in the circuit")

    def derive(regions: dict[str, str] | None) -> tuple[Circuit, list[Result]]:
        circuit = original
        if original.devices():
            circuit = small_signal(original, options, capacitors=args.caps,
                                   sources=[args.source], regions=regions)
        _check_nodes(circuit, args, probe)
        return circuit, _amplifier_results(circuit, args, probe)

    circuit, results = derive(None)
    numbers: Numbers | None = None
    if _wants_numbers(original, subs):
        need = {str(g) for r in results if r.value is not None for g in r.value.generators}
        numbers = numbers_at_the_end(original, subs, args.bias, need)
        regions = {k: v for k, v in numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:  # a device off (or a Zener in breakdown) changes the small-signal circuit
            circuit, results = derive(regions)
        for r in results:
            r.put_numbers(numbers.values)
    return _print_results(args, results, numbers)


def _check_nodes(circuit: Circuit, args: argparse.Namespace, probe: Probe) -> None:
    """--output and --input-node name things the circuit has (before any solving)."""
    if probe.kind == "i":
        if circuit.find(probe.plus) is None:
            raise SymsigError(f"--output {args.output}: no element named {probe.plus!r}")
    else:
        for node in (probe.plus, probe.minus):
            if not circuit.has_node(node):
                raise SymsigError(f"--output {args.output}: no node named {node!r}")
    if args.input_node is not None and not circuit.has_node(args.input_node):
        raise SymsigError(f"--input-node {args.input_node}: no node named "
                          f"{args.input_node!r}")


def _amplifier_results(circuit: Circuit, args: argparse.Namespace, probe: Probe
                       ) -> list[Result]:
    src = circuit.element(args.source)
    out = str(probe)
    voltage_in = src.kind == "V"
    names = {("v", True): ("gain", "A_v"), ("v", False): ("transresistance", "R_m"),
             ("i", True): ("transconductance", "G_m"), ("i", False): ("current gain", "A_i")}
    what, tex = names[(probe.kind, voltage_in)]
    in_node = args.input_node or driven_node(src)
    results = [
        _attempt("gain", f"{what} {out}/{src.name}", tex,
                 lambda: transfer(circuit, args.output, args.source)),
        _attempt("rin", f"R_in at {circuit.resolve(in_node)} ({src.name} removed)", "R_{in}",
                 lambda: rin(circuit, args.source, args.input_node)),
    ]
    load = f" ({args.load} removed)" if args.load else ""
    results.append(_attempt("rout", f"R_out at {out}{load}", "R_{out}",
                            lambda: rout(circuit, args.output, args.load)))
    return results


def _print_results(args: argparse.Namespace, results: list[Result], numbers: Numbers | None
                   ) -> int:
    exprs = {r.key: r.expr() for r in results if r.value is not None}
    symbols = sorted({str(x) for e in exprs.values() for x in e.free_symbols})
    names = set(symbols)
    warnings = numbers.warnings if numbers else []
    if args.json:
        out: dict = {r.key: exact_text(exprs[r.key], names) if r.key in exprs else None
                     for r in results}
        out["latex"] = {k: latex(e) for k, e in exprs.items()}
        out["labels"] = {r.key: r.label for r in results}
        out["symbols"] = symbols
        why = {r.key: r.why for r in results if r.why}
        if why:
            out["not_defined"] = why
        if numbers is not None:
            numeric = {}
            for r in results:
                if r.numeric is not None:
                    numeric[r.key] = _json_value(_numeric_expr(r.numeric, None), names)
                elif r.numeric_why:
                    numeric[r.key] = None
                    out.setdefault("not_defined_numerically", {})[r.key] = r.numeric_why
            out["numeric"] = numeric
            out["values"] = {k: exact_text(v) for k, v in sorted(numbers.values.items())}
            out["assumed"] = numbers.assumed
            out["bias"] = numbers.op.method if numbers.op else None
        out["warnings"] = warnings
        print(json.dumps(out, indent=2))
        return 0
    for r in results:
        if args.latex:
            body = latex(exprs[r.key]) if r.key in exprs else rf"\text{{not defined: {r.why}}}"
            print(f"{r.tex} = {body}")
            continue
        if r.value is None:
            print(f"{r.label}: not defined: {_lower_first(r.why)}")
            continue
        print(f"{r.label} = {_show(exprs[r.key])}")
        line = _number_line(r, numbers.values if numbers else {})
        if line is not None and line != _show(exprs[r.key]):
            print(f"    = {line}")
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if numbers and numbers.assumed and not args.latex:
        print(f"(assumed: {', '.join(numbers.assumed)})")
    return 0


def _json_value(expr: sympy.Expr, names: set[str]) -> float | str:
    """A real number as a JSON number (17 significant digits); anything else (complex, oo, a
    formula with symbols left) as text that reads back exactly."""
    if expr.is_number and expr.is_real and expr.is_finite:
        return float(expr)
    return exact_text(expr, names)


def _show(expr: sympy.Expr) -> str:
    if expr in (sympy.oo, sympy.zoo):
        return "oo (infinite)"
    if expr.is_Rational and not expr.is_Integer and len(str(expr)) > 40:
        digits = (len(str(abs(expr.p))), len(str(expr.q)))
        return (f"{number_text(expr)} (exactly a ratio of {digits[0]:,}- and {digits[1]:,}-digit "
                "integers; --json gives every digit)")
    return str(expr)


def _lower_first(text: str | None) -> str:
    text = text or ""
    return text if text[:2] in ("R_", "I_", "V_") else text[:1].lower() + text[1:]


# -- op ---------------------------------------------------------------------------------------


def _op(args: argparse.Namespace) -> int:
    circuit = parse(_read(args.file))
    subs = _subs(args.subs, circuit)
    op = operating_point(circuit, args.bias, subs)
    report = []
    for d in op.devices:
        own = d.name[1:]
        quantities = {**{k + own: v for k, v in d.bias.items()}, **d.small_signal}
        for name in d.numeric:
            quantities.setdefault(name, None)
        report.append((d, quantities))
    if args.json:
        out = {"method": op.method, "devices": {}, "warnings": op.warnings,
               "assumed": op.assumed}
        for d, _ in report:
            out["devices"][d.name] = {
                "type": d.type, "region": d.region, "region_assumed": d.assumed,
                "bias": {k: exact_text(v) for k, v in d.bias.items()},
                "small_signal": {k: exact_text(v) for k, v in d.small_signal.items()},
                "numeric": {k: _json_number(v) for k, v in d.numeric.items()},
            }
        print(json.dumps(out, indent=2))
        return 0
    if op.method != "constant-vbe":
        print(f"(bias: {op.method})")
    for d, quantities in report:
        print(f"{d.name} ({d.type}): {d.region_text}")
        for name, expr in quantities.items():
            parts = [name]
            number = d.numeric.get(name)
            if expr is not None and not expr.is_number and str(expr) != name:
                parts.append(str(expr))
            if number is not None:
                parts.append(_engineering(number, name))
            elif expr is not None and expr.is_number:
                parts.append(_engineering(float(expr), name) if expr.is_finite else "oo")
            print("  " + " = ".join(parts))
    for w in op.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if op.assumed:
        print(f"(assumed: {', '.join(op.assumed)})")
    return 0


def _json_number(value: float) -> str:
    return "oo" if value == float("inf") else repr(float(value))


def _engineering(value: float, name: str) -> str:
    """1.23456 mA, 4.7 kohm: six significant digits with an SI prefix and the unit."""
    unit = next((u for stem, u in (("gm", "S"), ("r", "ohm"), ("I", "A"), ("V", "V"))
                 if name.startswith(stem)), "")
    if not math.isfinite(value):
        return "oo" if value > 0 else str(value)
    if value == 0 or not unit:
        return f"{value:.6g}{' ' + unit if unit else ''}"
    exp3 = max(-15, min(9, 3 * math.floor(math.log10(abs(value)) / 3)))
    return f"{value / 10**exp3:.6g} {_PREFIXES[exp3]}{unit}"


_PREFIXES = {-15: "f", -12: "p", -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "meg", 9: "G"}


# -- twoport ----------------------------------------------------------------------------------
def _entry_names(kind: str) -> list[str]:
    if kind == "abcd":
        return ["A", "B", "C", "D"]
    letter = kind.upper() if kind in ("s", "t") else kind
    return [f"{letter}{i}{j}" for i in (1, 2) for j in (1, 2)]


def _twoport(args: argparse.Namespace) -> int:
    original = parse(_read(args.file), check_floating=False)  # ports give the ground
    subs = _subs(args.subs, original)
    with _option("--z0", args.z0):
        z0 = parse_value(args.z0)
    if z0 == 0:
        raise SymsigError("--z0 must not be zero: the scattering waves a = V + Z0*I and "
                          "b = V - Z0*I need a reference impedance")
    kinds = [k.strip().lower() for k in args.params.split(",")] if args.params != "all" \
        else list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise SymsigError(f"--params {kind}: unknown set; one of {', '.join(KINDS)} or all")

    def derive(regions):
        if not original.devices():
            return original
        return small_signal(original, _options(args), capacitors=args.caps, regions=regions)

    circuit = derive(None)
    net = _measure_any(circuit, args, kinds, z0)
    numbers = None
    if _wants_numbers(original, subs):
        need = {str(x) for x in net.matrix.free_symbols}
        numbers = numbers_at_the_end(original, subs, args.bias, need)
        regions = {k: v for k, v in numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:
            net = _measure_any(derive(regions), args, kinds, z0)
    out: dict = {"port1": args.port1, "port2": args.port2, "z0": str(z0), "params": {}}
    for kind in kinds:
        try:
            matrix = net.to(kind)
        except NotDefined as exc:
            out["params"][kind] = {"error": str(exc)}
            continue
        out["params"][kind] = {name: matrix[i // 2, i % 2]
                               for i, name in enumerate(_entry_names(kind))}
    props = {"reciprocal": net.reciprocal, "unilateral": net.unilateral}
    values = numbers.values if numbers else {}
    numeric = {kind: {n: _entry_number(e, values) for n, e in v.items()}
               for kind, v in out["params"].items() if "error" not in v} if values else {}
    if args.json:
        symbols = sorted({str(x) for v in out["params"].values() if "error" not in v
                          for e in v.values() for x in e.free_symbols})
        names = set(symbols)
        body = {k: ({n: exact_text(e, names) for n, e in v.items()} if "error" not in v else v)
                for k, v in out["params"].items()}
        tex = {k: {n: latex(e) for n, e in v.items()} for k, v in out["params"].items()
               if "error" not in v}
        doc = {**out, "params": body, "latex": tex, "symbols": symbols, "properties": props}
        if numbers is not None:
            doc["numeric"] = {k: {n: exact_text(e, names) for n, e in v.items()}
                              for k, v in numeric.items()}
            doc["assumed"] = numbers.assumed
            doc["warnings"] = numbers.warnings
        print(json.dumps(doc, indent=2))
        return 0
    print(f"two-port: port 1 = {args.port1}, port 2 = {args.port2}" +
          (f", Z0 = {z0}" if any(k in ("s", "t") for k in kinds) else ""))
    for kind, entries in out["params"].items():
        if "error" in entries:
            print(f"{kind}: {entries['error']}")
            continue
        for name, expr in entries.items():
            print(f"{name} = {latex(expr)}" if args.latex else f"{name} = {expr}")
            shown = numeric.get(kind, {}).get(name)
            if shown is not None and not args.latex and shown != expr:
                print(f"    = {number_text(shown) if shown.is_number else rounded(shown, 6)}")
    print(", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in props.items()))
    for w in numbers.warnings if numbers else []:
        print(f"warning: {w}", file=sys.stderr)
    if numbers and numbers.assumed and not args.latex:
        print(f"(assumed: {', '.join(numbers.assumed)})")
    return 0


def _measure_any(circuit: Circuit, args: argparse.Namespace, kinds: list[str], z0):
    """One parameter set that exists, measured; the others are converted from it."""
    first_error = None
    for kind in [*kinds, "y", "z", "h", "g", "abcd", "s"]:
        try:
            return two_port(circuit, args.port1, args.port2, kind, z0)
        except NotDefined as exc:
            first_error = first_error or exc
        except SymsigError as exc:
            text = str(exc)
            which = "--port1" if args.port1 in text else "--port2" if args.port2 in text else \
                "--port1/--port2"
            raise SymsigError(f"{which}: {text}") from None
    raise first_error


def _entry_number(expr: sympy.Expr, values: dict[str, sympy.Expr]) -> sympy.Expr:
    finite = {sympy.Symbol(k, positive=True): v for k, v in values.items() if v != sympy.oo}
    infinite = [sympy.Symbol(k, positive=True) for k, v in values.items() if v == sympy.oo]
    value = expr.xreplace(finite)
    for x in infinite:
        if x in value.free_symbols:
            value = sympy.limit(value, x, sympy.oo)
    return value


# -- the parser -------------------------------------------------------------------------------
def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="hybrid-pi",
                   help="device model: hybrid-pi (default), hybrid-pi-beta or T")
    p.add_argument("--include", help="model parts to add: ro,rx,caps,gmb (default: ro, gmb)")
    p.add_argument("--exclude", help="model parts to drop, e.g. ro")
    p.add_argument("--caps", choices=["short", "keep"], default="short",
                   help="netlist capacitors at mid-band: short (default) or keep as 1/(sC)")


def _bias_option(p: argparse.ArgumentParser, dest: str = "bias") -> None:
    p.add_argument("--bias", dest=dest, choices=METHODS, default="constant-vbe",
                   help="where device numbers come from: constant-vbe (the textbook's, default),"
                        " exponential (SPICE's device laws, solved here) or ngspice (ngspice's "
                        "own operating point)")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error, and exit 2."""

    def error(self, message: str):
        print(f"symsig: error: {self.prog}: {message} (see {self.prog} --help)",
              file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symsig", description="Exact small-signal formulas from SPICE-like netlists.")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="gain, R_in and R_out of an amplifier")
    a.add_argument("file", help="netlist file, or - for standard input")
    a.add_argument("--source", required=True, help="the driving independent source, e.g. Vs")
    a.add_argument("--output", required=True, help="output node, v(a,b) or i(R1)")
    a.add_argument("--input-node", help="node R_in looks into (default: the source's + node)")
    a.add_argument("--load", help="load element removed for R_out")
    _model_options(a)
    _bias_option(a)
    a.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE (oo: infinite)")
    fmt = a.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
    a.set_defaults(run=_analyze)
    o = sub.add_parser("op", help="DC operating point of each transistor and diode")
    o.add_argument("file", help="netlist file, or - for standard input")
    _bias_option(o)
    o.add_argument("--method", dest="bias", choices=METHODS, help=argparse.SUPPRESS)
    o.add_argument("--subs", help="numbers: NAME=VALUE,NAME=VALUE")
    o.add_argument("--json", action="store_true", help="one JSON object")
    o.set_defaults(run=_op)
    t = sub.add_parser("twoport", help="two-port parameters between two node pairs")
    t.add_argument("file", help="netlist file, or - for standard input")
    t.add_argument("--port1", required=True, help="input port as two nodes, e.g. b,0")
    t.add_argument("--port2", required=True, help="output port, e.g. c,0")
    t.add_argument("--params", default="y",
                   help="z, y, h, g, abcd, b, s, t, a comma list, or all (default y)")
    t.add_argument("--z0", default="50", help="reference impedance for S and T (may be a symbol)")
    _model_options(t)
    _bias_option(t)
    t.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE")
    fmt = t.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
    t.set_defaults(run=_twoport)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # exact results of big numeric circuits are integers of thousands of digits; the value
    # parser bounds what users type, so Python's guard on printing them is not needed here
    sys.set_int_max_str_digits(0)
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SymsigError as exc:
        print(f"symsig: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `symsig ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
