"""`symsig check`: typed answers against the derivation — a verdict, the assumptions behind it,
a counterexample and a diagnosis for each."""

from __future__ import annotations

import argparse
import json
import re

import sympy

from ..analysis.linear import Probe, rin, rout, transfer
from ..analysis.twoport import two_port
from ..bias import numbers_at_the_end
from ..bias.numbers import device_symbols
from ..check import Checker
from ..check.world import pretty
from ..circuit.netlist import Circuit
from ..devices.ac import small_signal
from ..errors import NotDefined, SymsigError
from ..forms.latex import latex
from ..forms.text import exact_text
from ..forms.textbook import textbook
from .common import (
    bias_option,
    device_options,
    element_names,
    mid_band,
    model_options,
    option,
    read_circuit,
    relation,
    wants_numbers,
)
from .helptext import parser_text

_QUANTITIES = {"gain": "gain", "av": "gain", "a_v": "gain", "h": "H", "tf": "H", "rin": "rin",
               "r_in": "rin", "zin": "rin", "rout": "rout", "r_out": "rout", "zout": "rout"}
_TWO_PORT = re.compile(r"([zyhgbst])([12])([12])", re.I)
_ABCD = {"A": 0, "B": 1, "C": 2, "D": 3}


def register(sub) -> None:
    c = sub.add_parser("check", help="check typed answers against the derivation",
                       **parser_text("check"))
    # An answer often starts with a minus sign (--answer -gm*RC): let argparse take any
    # single-dash word as a value, as it does for negative numbers (-h still is help).
    c._negative_number_matcher = re.compile(r"^-(?!-)")
    c.add_argument("file", help="netlist file, or - for standard input")
    c.add_argument("--quantity", required=True,
                   help="gain (mid-band), H (transfer function, capacitors kept), rin, rout, or "
                        "a two-port parameter such as h21, y11, z22 (ABCD: A, B, C, D)")
    c.add_argument("--answer", required=True, action="append",
                   help="the typed answer (repeat for several)")
    c.add_argument("--source", help="the driving independent source, e.g. Vs")
    c.add_argument("--output", help="output node, v(a,b) or i(R1)")
    c.add_argument("--input-node", help="node R_in looks into (default: the source's + node)")
    c.add_argument("--load", help="load element removed for R_out")
    c.add_argument("--port1", help="two-port input port, e.g. b,0 (default: input node, 0)")
    c.add_argument("--port2", help="two-port output port, e.g. c,0 (default: output, 0)")
    c.add_argument("--limit", help="limits the question allows: ro,beta,A,gmb->0 (ro: r_o -> oo)")
    c.add_argument("--tolerance", type=float,
                   help="accept within this relative error at the netlist's numbers (.param, "
                        "--subs, the Q-point)")
    c.add_argument("--require", help="form requirements, comma-separated: factored, uses ||, "
                                     "no ro, uses beta")
    c.add_argument("--allow-unknown", action="store_true",
                   help="accept names the circuit does not have (as new symbols)")
    model_options(c)
    bias_option(c)
    c.add_argument("--subs", help="numbers for the comparison: NAME=VALUE,NAME=VALUE")
    c.add_argument("--json", action="store_true", help="one JSON object")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    kind, label = _quantity(args)
    original = read_circuit(args.file)
    if kind != "H":  # H(s) keeps every capacitor
        original, _ = mid_band(original, args.caps, say=True)
    # numeric R, C and L values are their elements' names (RD = 10k is RD), as in analyze, so
    # that an answer written the way a student writes it (-gm1*RD/(1 + gm1*RS)) can be read;
    # the numbers come back for the comparison at the netlist's values
    elements = element_names(original, args.subs)
    subs, taken = elements.subs, elements.taken
    circuit = _linear(elements.named, args, kind)
    expected = _expected(circuit, args, kind)
    names = {str(x) for x in circuit.symbols()} | device_symbols(original) | set(original.params)
    at = None
    if wants_numbers(original, subs):
        need = {str(x) for x in getattr(expected, "free_symbols", ())} or None
        if hasattr(expected, "generators"):
            need = {str(g) for g in expected.generators}
        numbers = numbers_at_the_end(elements.plain, elements.rest, args.bias,
                                     need - set(taken) if need is not None else None)
        at = {**numbers.values, **elements.values}
    with option("--limit/--tolerance/--require"):
        checker = Checker(expected, names=names, limits=_words(args.limit),
                          tolerance=args.tolerance, at=at, require=_words(args.require),
                          allow_unknown=args.allow_unknown)
    results = []
    for text in args.answer:
        with option("--answer", _short(text)):
            results.append((text, checker.check(text)))
    expr = expected.expr if hasattr(expected, "expr") else expected
    if args.json:
        out = {"quantity": kind, "label": label, "expected": exact_text(expr),
               "expected_latex": latex(expr),
               "symbols": sorted(str(x) for x in expr.free_symbols),
               "answers": [{"typed": text, **r.to_dict()} for text, r in results]}
        if len(results) == 1:
            out.update({k: v for k, v in out["answers"][0].items()
                        if k in ("verdict", "passed", "reasons", "assumptions", "counterexample",
                                 "diagnosis", "limits", "nominal")})
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"{label} = {_form(expected, expr)}")
    for text, r in results:
        print(f"answer: {text}")
        read = sympy.sstr(r.answer.display, full_prec=False) if not r.answer.infinite else "oo"
        print(f"  read as: {read}")  # 4.29 as typed, not 4.29000000000000
        print(f"  verdict: {r.verdict.replace('_', ' ')}"
              f"{' (passes)' if r.passed else ''}: {'; '.join(r.reasons)}")
        if r.nominal:
            print(f"  at the netlist's numbers: {r.nominal['text']}")
        for d in r.diagnosis:
            print(f"  diagnosis: {d.message}")
        if r.counterexample:
            print(f"  counterexample: {r.counterexample['text']}")
        for a in r.assumptions:
            print(f"  assuming: {a}")
        for note in r.notes:
            print(f"  note: {note}")
    return 0


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def _quantity(args: argparse.Namespace) -> tuple[str, str]:
    q = args.quantity.strip()
    kind = _QUANTITIES.get(q.lower()) or (q.lower() if _TWO_PORT.fullmatch(q) else None) \
        or (q if q in _ABCD else None)
    if kind is None:
        raise SymsigError(f"--quantity {q}: one of gain, H, rin, rout, or a two-port parameter "
                          "such as h21, y11, z22, A, B, C, D")
    if kind in ("gain", "H", "rin") and not args.source:
        raise SymsigError(f"--quantity {q} needs --source")
    if kind in ("gain", "H", "rout") and not args.output:
        raise SymsigError(f"--quantity {q} needs --output")
    output = args.output
    if output:
        with option("--output", output):
            output = str(Probe.parse(output))  # out -> v(out), as analyze writes it
    labels = {"gain": f"gain {output}/{args.source}",
              "H": f"H(s) = {output}/{args.source}",
              "rin": f"R_in ({args.source} removed)",
              "rout": f"R_out at {output}" + (f" ({args.load} removed)" if args.load
                                              else "")}
    return kind, labels.get(kind, f"{pretty(kind) if kind in _ABCD else kind}")


def _linear(original: Circuit, args: argparse.Namespace, kind: str) -> Circuit:
    if not original.devices() and kind != "H":
        return original
    caps = "keep" if kind == "H" else args.caps
    sources = [args.source] if args.source else []
    if not original.devices():
        return original
    return small_signal(original, device_options(args), capacitors=caps, sources=sources)


def _form(expected, expr):
    """The expected result as a textbook writes it (its β stated), else as it is."""
    if not hasattr(expected, "num"):
        return expr
    form = textbook(expected)
    betas = sorted(str(x) for x in form.free_symbols - expr.free_symbols)
    return f"{form}" + (f"   (with {', '.join(relation(b) for b in betas)})" if betas else "")


def _expected(circuit: Circuit, args: argparse.Namespace, kind: str):
    for name, value in (("--source", args.source), ("--load", args.load)):
        if value is not None and circuit.find(value) is None:
            raise SymsigError(f"{name} {value}: no element named {value!r} in the circuit")
    if args.output is not None:
        with option("--output", args.output):
            probe = Probe.parse(args.output)
        if probe.kind == "v":
            for node in (probe.plus, probe.minus):
                if not circuit.has_node(node):
                    raise SymsigError(f"--output {args.output}: no node named {node!r}")
    if args.input_node is not None and not circuit.has_node(args.input_node):
        raise SymsigError(f"--input-node {args.input_node}: no node named {args.input_node!r}")
    try:
        if kind in ("gain", "H"):
            return transfer(circuit, args.output, args.source)
        if kind == "rin":
            return rin(circuit, args.source, args.input_node)
        if kind == "rout":
            return rout(circuit, args.output, args.load)
        return _two_port_entry(circuit, args, kind)
    except NotDefined as exc:
        raise SymsigError(f"--quantity {args.quantity}: not defined: {exc}") from None


def _two_port_entry(circuit: Circuit, args: argparse.Namespace, kind: str):
    if kind in _ABCD:
        family, index = "abcd", _ABCD[kind]
    else:
        m = _TWO_PORT.fullmatch(kind)
        family, index = m.group(1).lower(), 2 * (int(m.group(2)) - 1) + int(m.group(3)) - 1
    port1 = args.port1 or f"{args.input_node or _driven(circuit, args)},0"
    if args.port2 is None and args.output is None:
        raise SymsigError(f"--quantity {kind} needs --port2 (or --output)")
    port2 = args.port2 or f"{Probe.parse(args.output).plus},0"
    with option("--port1/--port2"):
        net = two_port(circuit, port1, port2, family)
    return net.to(family)[index // 2, index % 2]


def _driven(circuit: Circuit, args: argparse.Namespace) -> str:
    if not args.source:
        raise SymsigError("a two-port parameter needs --port1 (or --source or --input-node)")
    src = circuit.find(args.source)
    return src.nodes[1] if src.kind == "I" else src.nodes[0]
