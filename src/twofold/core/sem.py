"""Structural equation models: lavaan's model syntax, ML and robust ML estimation, fit indices.

A small, general SEM engine that reproduces what R's lavaan (0.6) reports for single-group
models with continuous indicators and complete (listwise) data. It is hand-written because no
maintained Python library matches lavaan's numbers: semopy's defaults, fit indices and robust
corrections differ. SciPy does the optimisation and the distributions.

The pieces, in the order a fit uses them:

1. :func:`parse_model` reads lavaan syntax into :class:`Formula` rows: ``f =~ x1 + x2``
   (loadings), ``y ~ x`` (regressions), ``a ~~ b`` ((co)variances), ``y ~ 1`` (intercepts),
   ``d := a*b`` (defined parameters), with modifiers ``1*x`` (fixed), ``NA*x`` (free),
   ``a*x`` (label; a label used twice is an equality constraint), ``start(0.5)*x``.
2. :func:`specify_model` adds lavaan's defaults for ``cfa()``/``sem()`` and returns a
   :class:`ModelSpec` (the parameter table): first loading fixed to 1 (or, with ``std_lv``,
   latent variances fixed to 1), residual variances free, covariances of exogenous latent
   variables free, residual covariances of the pure outcome variables free, observed
   exogenous covariates' (co)variances fixed to their sample values (``fixed.x``).
3. :func:`fit_sem` estimates it by maximum likelihood on the covariance matrix with an *N*
   denominator, as lavaan does, and returns a frozen :class:`SEMResult`; :class:`SEM` is the
   same as a scikit-learn-style estimator.

Notes
-----
The model is held in RAM form (McArdle): all observed and latent variables ``v = A v + u``,
``cov(u) = S``, means ``m``. With ``E = (I - A)^{-1}`` and ``F`` selecting the observed
variables, the implied moments are ``Sigma = F E S E' F'`` and ``mu = F E m``.

The discrepancy minimised is lavaan's ``fmin = F_ML / 2`` with

``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p [+ (ybar - mu)' Sigma^-1 (ybar - mu)]``

and ``chisq = 2 N fmin = N F_ML``. SciPy's BFGS minimises it with the analytic gradient,
starting from the inverse expected information as its inverse Hessian (about 20 iterations on
Holzinger-Swineford, where plain Fisher scoring needs 40); if BFGS stalls, SciPy's
``trust-exact`` takes over with the expected information as its Hessian. A fit is accepted
only when every gradient element is below 1e-5.

Standard errors (``estimator="ML"``): the inverse of the expected information at the
estimates, divided by N. ``estimator="MLR"``: the Huber-White sandwich
``A^-1 B A^-1 / N`` with ``A`` the observed information (the Hessian of ``fmin``, from
central differences of the analytic gradient, as lavaan does) and ``B`` the mean outer product
of the case-wise scores; the test statistic is the Yuan-Bentler scaled chi-square in Mplus'
form (lavaan's ``yuan.bentler.mplus``): ``c = (tr(A1^-1 B1) - tr(B0 A^-1)) / df`` with
``A1``, ``B1`` the saturated model's information and first-order information at the sample
moments and ``B0`` the model's first-order information. Robust CFI, TLI and RMSEA follow
Brosseau-Liard & Savalei (2012, 2014), as lavaan 0.6.13+ reports them.

BLAS runs single-threaded during a fit (threadpoolctl): on matrices of this size OpenBLAS's
threads cost more than they save, and on a busy machine they thrash (the 48-item RBI CFA took
11.6 s with two threads and 0.55 s with one while other jobs ran).

Standardised estimates (``std.lv``, ``std.all``) and defined parameters get delta-method
standard errors; their Jacobians are taken by complex-step differentiation, exact to rounding.

Not supported (a clear ``ValueError`` says so): multiple groups, ordinal indicators
(``|``), formative indicators (``<~``), inequality or ``==`` constraints, FIML for missing
data (rows with a missing value are dropped, lavaan's default ``missing="listwise"``).

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> f = rng.normal(size=(500, 1))
>>> data = pd.DataFrame(f @ [[0.8, 0.7, 0.6]] + rng.normal(scale=0.6, size=(500, 3)),
...                     columns=["x1", "x2", "x3"])
>>> result = fit_sem("f =~ x1 + x2 + x3", data)
>>> result.fit.df
0
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special
from scipy.linalg import lapack

__all__ = [
    "SEM",
    "FitMeasures",
    "Formula",
    "ModelSpec",
    "Parameter",
    "ParameterRow",
    "SEMConvergenceError",
    "SEMResult",
    "fit_sem",
    "parse_model",
    "specify_model",
]

Estimator = Literal["ML", "MLR"]
FloatArray = NDArray[np.float64]
ESTIMATORS = ("ML", "MLR")
_Z975 = float(special.ndtri(0.975))


class SEMConvergenceError(ValueError):
    """The optimiser stopped without reaching a solution (reported, never silently used)."""


# ============================================================================================
# 1. Syntax
# ============================================================================================


@dataclass(frozen=True)
class Formula:
    """One element of a model: ``lhs op rhs`` with its modifiers.

    ``op`` is ``=~`` (loading), ``~`` (regression), ``~~`` ((co)variance), ``~1`` (intercept;
    ``rhs`` is empty) or ``:=`` (defined parameter; ``rhs`` is the expression). ``fixed`` is
    a fixed value, ``free`` is True for ``NA*`` (free a parameter that a default would fix),
    ``label`` names the parameter, ``start`` is a starting value; ``line`` is the line of the
    model text the formula came from (1-based).
    """

    lhs: str
    op: str
    rhs: str
    fixed: float | None = None
    free: bool = False
    label: str | None = None
    start: float | None = None
    line: int = 0


_OPERATOR = re.compile(r"=~|:=|~\*~|~~|<~|==|<=|>=|<|>|~|\|")
_UNSUPPORTED = {
    "~*~": "scaling factors ('~*~') are for ordinal data, which is not supported",
    "<~": "formative indicators ('<~') are not supported",
    "==": "equality constraints with '==' are not supported; give the parameters the same label instead",
    "<": "inequality constraints are not supported",
    ">": "inequality constraints are not supported",
    "<=": "inequality constraints are not supported",
    ">=": "inequality constraints are not supported",
    "|": "thresholds ('|') are for ordinal data, which is not supported",
}
_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_.][A-Za-z0-9_.]*)"
    r"|(?P<str>\"[^\"]*\"|'[^']*')"
    r"|(?P<sym>[-+*(),]))"
)
_NAME = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*\Z")


def _syntax_error(line: int, message: str) -> ValueError:
    return ValueError(f"model syntax, line {line}: {message}")


def _statements(syntax: str) -> list[tuple[int, str]]:
    """Split the model text into statements with their line numbers; join continued lines."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(syntax.splitlines(), start=1):
        text = re.split(r"[#!]", raw, maxsplit=1)[0]
        for part in text.split(";"):
            part = part.strip()
            if not part:
                continue
            continues = bool(out) and (
                out[-1][1].endswith(("+", "*")) or part.startswith(("+", "*"))
            )
            if not _OPERATOR.search(part) or continues:
                if not out:
                    raise _syntax_error(number, f"{part!r} has no operator (=~, ~, ~~, := or ~ 1)")
                line, previous = out[-1]
                out[-1] = (line, f"{previous} {part}")
            else:
                out.append((number, part))
    return out


def _tokens(text: str, line: int) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            bad = text[pos:].strip().split()[0] if text[pos:].strip() else text[pos:]
            raise _syntax_error(line, f"unexpected {bad!r}")
        kind = match.lastgroup
        assert kind is not None  # one group always matches
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _parse_term(
    tokens: list[tuple[str, str]], line: int, op: str
) -> tuple[str, float | None, bool, str | None, float | None]:
    """One ``+``-separated right-hand term: modifiers joined by ``*``, then the variable."""
    factors, _ = _split_outside_parentheses(tokens, "*")
    if any(not f for f in factors):
        raise _syntax_error(line, "a '*' without a modifier or a variable next to it")
    *modifiers, target = factors
    if len(target) == 1 and target[0][0] == "name":
        rhs = target[0][1]
    elif len(target) == 1 and target[0] == ("num", "1") and op == "~":
        rhs = "1"
    else:
        shown = " ".join(v for _, v in target)
        raise _syntax_error(line, f"expected a variable name, found {shown!r}")
    fixed: float | None = None
    free = False
    label: str | None = None
    start: float | None = None
    for mod in modifiers:
        shown = "".join(v for _, v in mod)
        kinds = [k for k, _ in mod]
        values = [v for _, v in mod]
        if kinds == ["num"] or (values[:1] == ["-"] and kinds[1:] == ["num"]):
            if fixed is not None or free:
                raise _syntax_error(line, f"two values fix the same parameter ({shown!r})")
            fixed = float("".join(values))
        elif kinds == ["name"] and values[0] == "NA":
            if fixed is not None:
                raise _syntax_error(line, f"{shown!r} frees a parameter that is also fixed")
            free = True
        elif kinds == ["name"]:
            if label is not None and label != values[0]:
                raise _syntax_error(line, f"two labels for one parameter ({label!r}, {shown!r})")
            label = values[0]
        elif (
            len(mod) == 4
            and kinds[0] == "name"
            and values[1] == "("
            and values[3] == ")"
            and values[0] in ("start", "label", "equal")
        ):
            arg_kind, arg = mod[2]
            if values[0] == "start" and arg_kind == "num":
                start = float(arg)
            elif values[0] in ("label", "equal") and arg_kind == "str":
                label = arg[1:-1]
                if not _NAME.match(label):
                    raise _syntax_error(line, f"label {label!r} is not a valid name")
            else:
                raise _syntax_error(line, f"cannot read the modifier {shown!r}")
        elif (
            len(mod) == 5
            and values[0] == "start"
            and values[1:3] == ["(", "-"]
            and kinds[3] == "num"
            and values[4] == ")"
        ):
            start = -float(values[3])
        elif kinds[:1] == ["name"] and values[0] == "c" and "(" in values:
            raise _syntax_error(
                line, f"{shown!r}: vectors of modifiers are for multiple groups (not supported)"
            )
        else:
            raise _syntax_error(line, f"cannot read the modifier {shown!r}")
    return rhs, fixed, free, label, start


def _split_outside_parentheses(
    tokens: list[tuple[str, str]], separator: str
) -> tuple[list[list[tuple[str, str]]], int]:
    """Split at each ``separator`` symbol outside parentheses; also return the final depth
    (0 when the parentheses balance)."""
    parts: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for kind, value in tokens:
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
        if kind == "sym" and value == separator and depth == 0:
            parts.append([])
        else:
            parts[-1].append((kind, value))
    return parts, depth


def _split_plus(tokens: list[tuple[str, str]], line: int) -> list[list[tuple[str, str]]]:
    terms, depth = _split_outside_parentheses(tokens, "+")
    if depth != 0:
        raise _syntax_error(line, "unbalanced parentheses")
    if any(not t for t in terms):
        raise _syntax_error(line, "a '+' without a term on one side")
    return terms


_EXPR_FUNCS = {"sqrt", "exp", "log", "abs"}


def _check_expression(expr: str, line: int) -> set[str]:
    """Validate a ``:=`` expression; return the names it uses."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        raise _syntax_error(line, f"cannot read the expression {expr.strip()!r}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _EXPR_FUNCS):
                raise _syntax_error(
                    line, f"only {', '.join(sorted(_EXPR_FUNCS))} may be called in {expr!r}"
                )
            names.discard(node.func.id)
        elif not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.UnaryOp
            | ast.Constant
            | ast.Load
            | ast.Add
            | ast.Sub
            | ast.Mult
            | ast.Div
            | ast.Pow
            | ast.USub
            | ast.UAdd,
        ):
            raise _syntax_error(line, f"{type(node).__name__} is not allowed in {expr!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise _syntax_error(line, f"{node.value!r} is not a number in {expr!r}")
    return names - _EXPR_FUNCS


def parse_model(syntax: str) -> tuple[Formula, ...]:
    """Parse lavaan model syntax into formulas, one per ``lhs op rhs`` element.

    Comments start with ``#`` or ``!``; statements are separated by new lines or ``;``; a line
    without an operator, or one that starts or ends with ``+``, continues the previous one.

    Raises
    ------
    ValueError
        naming the line and the token that cannot be read.

    Examples
    --------
    >>> [f"{f.lhs} {f.op} {f.rhs}" for f in parse_model("f =~ x1 + a*x2; x1 ~~ x2")]
    ['f =~ x1', 'f =~ x2', 'x1 ~~ x2']
    """
    if not isinstance(syntax, str):
        raise TypeError(f"model must be a string of lavaan syntax, not {type(syntax).__name__}")
    formulas: list[Formula] = []
    for line, text in _statements(syntax):
        match = _OPERATOR.search(text)
        assert match is not None  # _statements keeps only statements with an operator
        op = match.group()
        if op in _UNSUPPORTED:
            raise _syntax_error(line, _UNSUPPORTED[op])
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        if not left:
            raise _syntax_error(line, f"nothing on the left of {op!r}")
        if not right:
            raise _syntax_error(line, f"nothing on the right of {op!r}")
        if op == ":=":
            if not _NAME.match(left):
                raise _syntax_error(line, f"{left!r} is not a valid name for a defined parameter")
            _check_expression(right, line)
            formulas.append(Formula(left, ":=", right, line=line))
            continue
        lhs_names = []
        for term in _split_plus(_tokens(left, line), line):
            if len(term) != 1 or term[0][0] != "name":
                shown = "".join(v for _, v in term)
                raise _syntax_error(
                    line, f"expected a variable name left of {op!r}, found {shown!r}"
                )
            lhs_names.append(term[0][1])
        for term in _split_plus(_tokens(right, line), line):
            rhs, fixed, free, label, start = _parse_term(term, line, op)
            for lhs in lhs_names:
                if rhs == "1":
                    formulas.append(Formula(lhs, "~1", "", fixed, free, label, start, line))
                else:
                    formulas.append(Formula(lhs, op, rhs, fixed, free, label, start, line))
    if not any(f.op != ":=" for f in formulas):
        raise ValueError("model syntax: the model is empty (no =~, ~ or ~~ formula)")
    return tuple(formulas)


# ============================================================================================
# 2. Specification: the parameter table with lavaan's defaults
# ============================================================================================


@dataclass(frozen=True)
class ParameterRow:
    """One row of the parameter table.

    ``free`` is the 1-based index of the free parameter (equal labels share one), 0 if
    fixed. ``value`` is the fixed value (NaN for a ``fixed.x`` row, filled from the data).
    ``user`` is True for rows written in the model, False for defaults; ``exo`` marks the
    sample-fixed (co)variances and means of exogenous observed covariates.
    """

    lhs: str
    op: str
    rhs: str
    free: int
    value: float
    label: str
    user: bool
    exo: bool = False
    start: float | None = None
    line: int = 0


@dataclass(frozen=True)
class ModelSpec:
    """A specified model: variables in lavaan's order and the parameter table.

    Observed variables come in lavaan's order (indicators, then outcomes, then covariates,
    then any others), latent variables in order of first definition.
    """

    observed: tuple[str, ...]
    latent: tuple[str, ...]
    rows: tuple[ParameterRow, ...]
    defined: tuple[Formula, ...]
    meanstructure: bool
    exogenous: tuple[str, ...]
    n_free: int
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_moments(self) -> int:
        """Sample moments the model accounts for (lavaan's ``ndat``)."""
        p, px = len(self.observed), len(self.exogenous)
        moments = p * (p + 1) // 2 - px * (px + 1) // 2
        if self.meanstructure:
            moments += p - px
        return moments

    @property
    def df(self) -> int:
        return self.n_moments - self.n_free


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def specify_model(
    model: str | Sequence[Formula],
    *,
    std_lv: bool = False,
    meanstructure: bool | None = None,
    fixed_x: bool = True,
    auto_cov_y: bool = True,
) -> ModelSpec:
    """Build the parameter table with the defaults of lavaan's ``cfa()`` and ``sem()``.

    Parameters
    ----------
    model
        lavaan syntax or formulas from :func:`parse_model`.
    std_lv
        Identify each latent variable by fixing its (residual) variance to 1 and freeing all
        its loadings, instead of fixing its first loading to 1.
    meanstructure
        Model means and intercepts; by default only if the model has an intercept (``~ 1``).
    fixed_x
        Fix the (co)variances of observed exogenous covariates to their sample values.
    auto_cov_y
        Free the residual covariances among pure outcome variables (lavaan's default).

    Raises
    ------
    ValueError
        for duplicate formulas, latent variable names used inconsistently, unknown labels in
        a defined parameter, or conflicting values for one label.
    """
    formulas = parse_model(model) if isinstance(model, str) else tuple(model)
    for flag, name in ((std_lv, "std_lv"), (fixed_x, "fixed_x"), (auto_cov_y, "auto_cov_y")):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, not {flag!r}")
    if meanstructure is not None and not isinstance(meanstructure, bool):
        raise TypeError(f"meanstructure must be True, False or None, not {meanstructure!r}")
    defined = tuple(f for f in formulas if f.op == ":=")
    user = [f for f in formulas if f.op != ":="]
    lines: dict[str, int] = {}
    for f in user:
        for name in (f.lhs, f.rhs):
            if name:
                lines.setdefault(name, f.line)

    lv = _unique([f.lhs for f in user if f.op == "=~"])
    v_ind = _unique([f.rhs for f in user if f.op == "=~"])
    ov_ind = [v for v in v_ind if v not in lv]
    eqs_y = _unique([f.lhs for f in user if f.op == "~"])
    eqs_x = _unique([f.rhs for f in user if f.op == "~"])
    ov_y_all = [v for v in eqs_y if v not in lv and v not in ov_ind]
    ov_x_all = [v for v in eqs_x if v not in lv and v not in ov_ind and v not in ov_y_all]
    extra = _unique(
        [f.lhs for f in user if f.op in ("~~", "~1") and f.lhs not in lv]
        + [f.rhs for f in user if f.op == "~~" and f.rhs not in lv]
    )
    observed = _unique(ov_ind + ov_y_all + ov_x_all + extra)
    mentioned = {f.lhs for f in user if f.op in ("~~", "~1")} | {
        f.rhs for f in user if f.op == "~~"
    }
    exo = [v for v in ov_x_all if v not in mentioned] if fixed_x else []
    ov_nox = [v for v in observed if v not in exo]
    lv_x = [v for v in lv if v not in v_ind and v not in eqs_y]
    ov_y = [v for v in eqs_y if v not in v_ind and v not in eqs_x and v not in lv]
    lv_y = [v for v in eqs_y if v in lv and v not in v_ind and v not in eqs_x]
    if meanstructure is None:
        meanstructure = any(f.op == "~1" for f in user)

    # duplicates: lavaan refuses them; ~~ pairs are unordered
    seen: dict[tuple[str, str, str], int] = {}
    for f in user:
        key = (f.lhs, f.op, f.rhs)
        if f.op == "~~":
            key = (min(f.lhs, f.rhs), "~~", max(f.lhs, f.rhs))
        if key in seen:
            raise _syntax_error(
                f.line, f"'{f.lhs} {f.op} {f.rhs or '1'}' is already given on line {seen[key]}"
            )
        seen[key] = f.line
        if f.op in ("~", "~1") and f.lhs == f.rhs:
            raise _syntax_error(f.line, f"{f.lhs!r} cannot be regressed on itself")
        if f.op == "=~" and f.lhs == f.rhs:
            raise _syntax_error(f.line, f"{f.lhs!r} cannot be an indicator of itself")

    # default rows (lavaan's lav_partable_flat), minus those the user wrote
    defaults: list[tuple[str, str, str]] = []
    defaults += [(v, "~~", v) for v in ov_nox + lv]
    defaults += [(a, "~~", b) for i, a in enumerate(lv_x) for b in lv_x[i + 1 :]]
    if auto_cov_y:
        ys = lv_y + ov_y
        defaults += [(a, "~~", b) for i, a in enumerate(ys) for b in ys[i + 1 :]]
    defaults += [(a, "~~", b) for i, a in enumerate(exo) for b in exo[i:]]
    if meanstructure:
        defaults += [(v, "~1", "") for v in observed + lv]
    written = set(seen)
    defaults = [
        d
        for d in defaults
        if (d if d[1] != "~~" else (min(d[0], d[2]), "~~", max(d[0], d[2]))) not in written
    ]

    # free/fixed by default, then the user's modifiers win (as in lavaan)
    rows: list[dict[str, Any]] = []
    for f in user:
        rows.append(
            {
                "lhs": f.lhs,
                "op": f.op,
                "rhs": f.rhs,
                "user": True,
                "free": True,
                "value": 0.0,
                "label": f.label or "",
                "exo": False,
                "start": f.start,
                "line": f.line,
            }
        )
    for lhs, op, rhs in defaults:
        rows.append(
            {
                "lhs": lhs,
                "op": op,
                "rhs": rhs,
                "user": False,
                "free": True,
                "value": 0.0,
                "label": "",
                "exo": False,
                "start": None,
                "line": 0,
            }
        )

    def fix(row: dict[str, Any], value: float) -> None:
        row["free"], row["value"] = False, value

    if std_lv:
        for row in rows:
            if row["op"] == "~~" and row["lhs"] in lv and row["lhs"] == row["rhs"]:
                fix(row, 1.0)
    else:
        first: set[str] = set()
        for row in rows:
            if row["op"] == "=~" and row["lhs"] not in first:
                first.add(row["lhs"])
                fix(row, 1.0)
    # single indicators: residual variance fixed to zero (auto.fix.single)
    counts: dict[str, int] = {}
    for row in rows:
        if row["op"] == "=~":
            counts[row["lhs"]] = counts.get(row["lhs"], 0) + 1
    single = [r["rhs"] for r in rows if r["op"] == "=~" and counts[r["lhs"]] == 1]
    single = [s for s in single if v_ind.count(s) == 1 and s not in lv]
    for row in rows:
        is_variance = row["op"] == "~~" and row["lhs"] == row["rhs"]
        if is_variance and row["lhs"] in single and not row["user"]:
            fix(row, 0.0)
    for row in rows:
        if row["op"] == "~1" and not row["user"] and row["lhs"] in lv:
            fix(row, 0.0)
        if not row["user"] and row["op"] in ("~~", "~1") and row["lhs"] in exo:
            row["free"], row["value"], row["exo"] = False, math.nan, True
    by_line = {(f.lhs, f.op, f.rhs, f.line): f for f in user}
    for row in rows:
        if not row["user"]:
            continue
        f = by_line[(row["lhs"], row["op"], row["rhs"], row["line"])]
        if f.fixed is not None:
            fix(row, f.fixed)
        elif f.free:
            row["free"] = True

    # equal labels share one free parameter; a fixed member fixes them all
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["label"]:
            groups.setdefault(row["label"], []).append(row)
    for label, members in groups.items():
        fixed_values = {m["value"] for m in members if not m["free"]}
        if len(fixed_values) > 1:
            raise _syntax_error(
                members[0]["line"],
                f"label {label!r} is fixed to different values ({sorted(fixed_values)})",
            )
        if fixed_values:
            value = fixed_values.pop()
            for m in members:
                fix(m, value)
    names = set(observed) | set(lv)
    for label, members in groups.items():
        if label in names:
            raise _syntax_error(
                members[0]["line"], f"label {label!r} is also the name of a variable"
            )

    index: dict[str, int] = {}
    n_free = 0
    final: list[ParameterRow] = []
    for row in rows:
        free = 0
        if row["free"]:
            if row["label"] and row["label"] in index:
                free = index[row["label"]]
            else:
                n_free += 1
                free = n_free
                if row["label"]:
                    index[row["label"]] = free
        final.append(
            ParameterRow(
                lhs=row["lhs"], op=row["op"], rhs=row["rhs"], free=free,
                value=0.0 if row["free"] else float(row["value"]), label=row["label"],
                user=row["user"], exo=row["exo"], start=row["start"], line=row["line"],
            )
        )  # fmt: skip

    labels = {r.label for r in final if r.label}
    known = set(labels)
    for f in defined:
        unknown = sorted(_check_expression(f.rhs, f.line) - known)
        if unknown:
            raise _syntax_error(
                f.line, f"{', '.join(unknown)} in {f.lhs!r} is not a label of the model"
            )
        if f.lhs in known or f.lhs in names:
            raise _syntax_error(f.line, f"{f.lhs!r} is already a label or a variable")
        known.add(f.lhs)
    return ModelSpec(
        observed=tuple(observed),
        latent=tuple(lv),
        rows=tuple(final),
        defined=defined,
        meanstructure=meanstructure,
        exogenous=tuple(exo),
        n_free=n_free,
        lines=lines,
    )


# ============================================================================================
# 3. Data: complete cases, sample moments with an N denominator
# ============================================================================================


@dataclass(frozen=True)
class _Sample:
    names: tuple[str, ...]
    data: FloatArray  # complete rows, n x p
    mean: FloatArray
    cov: FloatArray  # N denominator, as lavaan's likelihood="normal"
    n_dropped: int

    @property
    def n(self) -> int:
        return int(self.data.shape[0])


def _column(data: Any, name: str) -> NDArray[Any]:
    if hasattr(data, "columns") and hasattr(data, "__getitem__"):  # pandas
        series = data[name]
        if hasattr(series, "ndim") and series.ndim != 1:
            raise ValueError(f"data: column {name!r} appears more than once")
        if str(getattr(series, "dtype", "")) in ("Int64", "Int32", "Int16", "Int8", "Float64"):
            return np.asarray(series.to_numpy(dtype=float, na_value=np.nan))
        return np.asarray(series.to_numpy())
    if isinstance(data, np.ndarray) and data.dtype.names is not None:
        return np.asarray(data[name])
    return np.asarray(data[name])


def _column_names(data: Any) -> list[str]:
    if hasattr(data, "columns"):
        return [str(c) for c in data.columns]
    if isinstance(data, np.ndarray):
        if data.dtype.names is None:
            raise TypeError(
                "data must have column names: a pandas DataFrame, a mapping of column name to "
                "values, or a NumPy structured array (a plain array has no names)"
            )
        return list(data.dtype.names)
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    raise TypeError(
        "data must be a pandas DataFrame, a mapping of column name to values, or a NumPy "
        f"structured array, not {type(data).__name__}"
    )


def _as_float(values: NDArray[Any], name: str) -> FloatArray:
    if values.dtype.kind in "iuf":
        return values.astype(np.float64, copy=False)
    if values.dtype.kind == "b":
        raise ValueError(f"data: column {name!r} holds True/False values, not numbers")
    out = np.empty(values.shape[0], dtype=np.float64)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out[i] = np.nan
            continue
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number):
            raise ValueError(f"data: column {name!r}, row {i + 1}: {v!r} is not a number")
        out[i] = float(v)
    return out


def _data_matrix(data: Any, names: Sequence[str]) -> FloatArray:
    if hasattr(data, "columns") and hasattr(data, "dtypes"):  # pandas: one conversion if numeric
        from pandas.api import types

        frame = data[list(names)]
        if frame.shape[1] == len(names) and all(
            types.is_numeric_dtype(t) and not types.is_bool_dtype(t) for t in frame.dtypes
        ):
            return np.asarray(frame.to_numpy(dtype=np.float64, na_value=np.nan))
    return np.column_stack([_as_float(_column(data, v), v) for v in names])


def _sample(data: Any, spec: ModelSpec) -> _Sample:
    columns = _column_names(data)
    missing = [v for v in spec.observed if v not in columns]
    if missing:
        where = "; ".join(f"{v!r} (line {spec.lines.get(v, 0)})" for v in missing)
        shown = ", ".join(columns[:20]) + (" ..." if len(columns) > 20 else "")
        raise ValueError(
            f"the model names variable(s) that are not columns of the data: {where}. "
            f"Columns: {shown}"
        )
    clash = [v for v in spec.latent if v in columns]
    if clash:
        raise ValueError(
            f"latent variable name(s) {', '.join(map(repr, clash))} are also columns of the "
            "data; rename the latent variable(s)"
        )
    matrix = _data_matrix(data, spec.observed)
    if np.isinf(matrix).any():
        row, col = np.argwhere(np.isinf(matrix))[0]
        raise ValueError(f"data: column {spec.observed[col]!r}, row {row + 1}: infinite value")
    complete = ~np.isnan(matrix).any(axis=1)
    rows = np.ascontiguousarray(matrix[complete])
    n, p = rows.shape
    if n <= p:
        raise ValueError(
            f"data: {n} complete row(s) for {p} observed variables; a covariance-based model "
            f"needs more complete rows than variables ({matrix.shape[0] - n} row(s) had a "
            "missing value)"
        )
    mean = rows.mean(axis=0)
    centred = rows - mean
    cov = centred.T @ centred / n
    variances = np.diag(cov)
    flat = [spec.observed[j] for j in np.flatnonzero(variances <= 1e-12 * (1 + mean**2))]
    if flat:
        raise ValueError(f"data: column(s) {', '.join(map(repr, flat))} do not vary")
    eig = np.linalg.eigvalsh(cov / np.sqrt(np.outer(variances, variances)))
    if eig[0] < 1e-10:
        raise ValueError(
            "data: the sample covariance matrix is singular (some observed variables are "
            "exact linear combinations of others)"
        )
    return _Sample(spec.observed, rows, mean, cov, int(matrix.shape[0] - n))


# ============================================================================================
# 4. The RAM engine: implied moments and their derivatives
# ============================================================================================


def _swap(x: NDArray[Any]) -> NDArray[Any]:
    return np.swapaxes(x, -1, -2)


class _Engine:
    """Implied moments of a specified model and their derivatives.

    Every method accepts a parameter vector ``theta`` of shape ``(q,)`` or a stack of them
    ``(k, q)``, real or complex: complex-step derivatives evaluate a whole stack at once.
    """

    def __init__(self, spec: ModelSpec, sample: _Sample) -> None:
        self.spec = spec
        self.p = p = len(spec.observed)
        self.n = n = p + len(spec.latent)
        self.q = q = spec.n_free
        self.meanstructure = spec.meanstructure
        pos = {name: i for i, name in enumerate(spec.observed + spec.latent)}
        obs = {name: i for i, name in enumerate(sample.names)}
        self.A0 = np.zeros((n, n))
        self.S0 = np.zeros((n, n))
        self.M0 = np.zeros(n)
        a: list[tuple[int, int, int]] = []
        s: list[tuple[int, int, int]] = []
        m: list[tuple[int, int]] = []
        taken: dict[tuple[str, int, int], ParameterRow] = {}
        for row in spec.rows:
            if row.op == "=~":
                cell = ("A", pos[row.rhs], pos[row.lhs])
            elif row.op == "~":
                cell = ("A", pos[row.lhs], pos[row.rhs])
            elif row.op == "~~":
                i, j = sorted((pos[row.lhs], pos[row.rhs]))
                cell = ("S", i, j)
            else:
                cell = ("M", pos[row.lhs], 0)
            if cell in taken:
                other = taken[cell]
                raise ValueError(
                    f"model syntax, line {row.line}: '{row.lhs} {row.op} {row.rhs}' is the same "
                    f"parameter as '{other.lhs} {other.op} {other.rhs}' (line {other.line})"
                )
            taken[cell] = row
            value = row.value
            if row.exo:
                j = obs[row.lhs]
                value = float(sample.cov[j, obs[row.rhs]] if row.op == "~~" else sample.mean[j])
            kind, i, j = cell
            if row.free and kind == "A":
                a.append((i, j, row.free - 1))
            elif row.free and kind == "S":
                s.append((i, j, row.free - 1))
            elif row.free:
                m.append((i, row.free - 1))
            elif kind == "A":
                self.A0[i, j] = value
            elif kind == "S":
                self.S0[i, j] = self.S0[j, i] = value
            else:
                self.M0[i] = value

        def columns(cells: Sequence[tuple[int, ...]], width: int) -> list[NDArray[np.intp]]:
            table = np.array(cells, dtype=np.intp).reshape(len(cells), width)
            return [table[:, c] for c in range(width)]

        self.a_i, self.a_j, self.a_k = columns(a, 3)
        self.s_i, self.s_j, self.s_k = columns(s, 3)
        self.m_i, self.m_k = columns(m, 2)
        # incidence: which free parameter each matrix position belongs to (equal labels share)
        self.a_map = np.zeros((q, len(a)))
        self.a_map[self.a_k, np.arange(len(a))] = 1.0
        self.s_map = np.zeros((q, len(s)))
        self.s_map[self.s_k, np.arange(len(s))] = 1.0
        self.s_half = np.where(self.s_i == self.s_j, 0.5, 1.0)
        self.m_map = np.zeros((q, len(m)))
        self.m_map[self.m_k, np.arange(len(m))] = 1.0
        self.identity = np.eye(n)
        # a recursive model (no loops of directed paths) has a nilpotent A, so E is the finite
        # series I + A + A^2 + ... ; for a CFA it is simply I + A
        pattern = (self.A0 != 0).astype(np.int64)
        pattern[self.a_i, self.a_j] = 1
        power, self.depth = pattern.copy(), 1
        while power.any() and self.depth <= n:
            power = np.minimum(power @ pattern, 1)
            self.depth += 1
        self.recursive = not power.any()

    def matrices(self, theta: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
        batch = theta.shape[:-1]
        A = np.broadcast_to(self.A0, (*batch, self.n, self.n)).astype(theta.dtype)
        S = np.broadcast_to(self.S0, (*batch, self.n, self.n)).astype(theta.dtype)
        M = np.broadcast_to(self.M0, (*batch, self.n)).astype(theta.dtype)
        A[..., self.a_i, self.a_j] = theta[..., self.a_k]
        S[..., self.s_i, self.s_j] = theta[..., self.s_k]
        S[..., self.s_j, self.s_i] = theta[..., self.s_k]
        M[..., self.m_i] = theta[..., self.m_k]
        return A, S, M

    def implied(
        self, theta: NDArray[Any]
    ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
        """Return ``Sigma, mu, E, Omega, E m`` (``Omega``: all variables' covariance)."""
        A, S, M = self.matrices(theta)
        if self.recursive:
            E = self.identity + A
            for _ in range(self.depth - 2):
                E = self.identity + A @ E
        else:
            E = np.linalg.inv(self.identity - A)
        Omega = E @ S @ _swap(E)
        EM = (E @ M[..., None])[..., 0]
        return Omega[..., : self.p, : self.p], EM[..., : self.p], E, Omega, EM

    def derivatives(
        self, E: NDArray[Any], Omega: NDArray[Any], EM: NDArray[Any]
    ) -> tuple[NDArray[Any], NDArray[Any]]:
        """``dSigma/dtheta`` (q x p x p) and ``dmu/dtheta`` (q x p) for one ``theta``."""
        p, q = self.p, self.q
        Ep, Op = E[:p], Omega[:p]
        U, V = Ep[:, self.a_i].T, Op[:, self.a_j].T
        D = U[:, :, None] * V[:, None, :]
        D = D + _swap(D)
        dsig = (self.a_map @ D.reshape(len(U), p * p)).reshape(q, p, p)
        U, V = Ep[:, self.s_i].T, Ep[:, self.s_j].T
        D = U[:, :, None] * V[:, None, :]
        D = (D + _swap(D)) * self.s_half[:, None, None]
        dsig = dsig + (self.s_map @ D.reshape(len(U), p * p)).reshape(q, p, p)
        dmu = self.m_map @ Ep[:, self.m_i].T + self.a_map @ (Ep[:, self.a_i] * EM[self.a_j]).T
        return dsig, dmu

    def gradient_from(
        self, W: NDArray[Any], z: NDArray[Any] | None, E: NDArray[Any], Omega: NDArray[Any],
        EM: NDArray[Any],
    ) -> NDArray[Any]:  # fmt: skip
        """``1/2 tr(W dSigma_k) - z' dmu_k`` for every parameter, without forming dSigma.

        With ``u = E[:p, i]``: a path ``A[i, j]`` changes Sigma by ``u v' + v u'`` with
        ``v = Omega[:p, j]``, a (co)variance ``S[i, j]`` by ``u w' + w u'`` with
        ``w = E[:p, j]`` (half that on the diagonal). Works on stacks.
        """
        p = self.p
        Ep, Op = E[..., :p, :], Omega[..., :p, :]
        WE = W @ Ep
        K = _swap(Op) @ WE
        L = _swap(Ep) @ WE
        g_a = K[..., self.a_j, self.a_i]
        g_s = L[..., self.s_i, self.s_j] * self.s_half
        g = g_a @ self.a_map.T + g_s @ self.s_map.T
        if z is not None:
            Ez = (_swap(Ep) @ z[..., None])[..., 0]
            g = (
                g
                - (Ez[..., self.m_i] @ self.m_map.T)
                - ((Ez[..., self.a_i] * EM[..., self.a_j]) @ self.a_map.T)
            )
        out: NDArray[Any] = g
        return out


# ============================================================================================
# 5. The ML discrepancy, its gradient, information matrices and case-wise scores
# ============================================================================================


def _chol_inverse(Sigma: FloatArray) -> tuple[FloatArray, float] | None:
    """Inverse and log-determinant of a positive definite matrix; None if it is not one."""
    L, info = lapack.dpotrf(Sigma, lower=1)
    if info != 0:
        return None
    logdet = 2.0 * float(np.log(np.diag(L)).sum())
    inv, info = lapack.dpotri(L, lower=1)
    if info != 0:
        return None
    inv = np.tril(inv) + np.tril(inv, -1).T
    return inv, logdet


class _Objective:
    """lavaan's ``fmin`` (half the ML discrepancy) for one model and sample."""

    def __init__(self, engine: _Engine, sample: _Sample) -> None:
        self.engine = engine
        self.S = sample.cov
        self.ybar = sample.mean
        self.p = engine.p
        self.logdet_s = float(np.linalg.slogdet(sample.cov)[1])
        self._last: tuple[FloatArray, tuple[Any, ...] | None] | None = None

    def _state(self, theta: FloatArray) -> tuple[Any, ...] | None:
        """Everything derived from ``theta``; None when Sigma is not positive definite."""
        if self._last is not None and np.array_equal(self._last[0], theta):
            return self._last[1]
        Sigma, mu, E, Omega, EM = self.engine.implied(theta)
        state: tuple[Any, ...] | None = None
        if np.all(np.isfinite(Sigma)):
            inverse = _chol_inverse(Sigma)
            if inverse is not None:
                state = (Sigma, mu, E, Omega, EM, *inverse)
        self._last = (theta.copy(), state)
        return state

    def value(self, theta: FloatArray) -> float:
        state = self._state(theta)
        if state is None:
            return math.inf
        _, mu, _, _, _, Sinv, logdet = state
        f = logdet + float(np.sum(self.S * Sinv)) - self.logdet_s - self.p
        if self.engine.meanstructure:
            r = self.ybar - mu
            f += float(r @ Sinv @ r)
        return 0.5 * float(f)

    def value_and_gradient(self, theta: FloatArray) -> tuple[float, FloatArray]:
        f = self.value(theta)
        if not math.isfinite(f):
            return math.inf, np.zeros_like(theta)
        return f, self.gradient(theta)

    def gradient(self, theta: NDArray[Any]) -> NDArray[Any]:
        """Analytic gradient of ``fmin``; also for complex stacks (complex-step Hessian)."""
        if np.iscomplexobj(theta):
            Sigma, mu, E, Omega, EM = self.engine.implied(theta)
            Sinv = np.linalg.inv(Sigma)
        else:
            state = self._state(theta)
            if state is None:
                raise np.linalg.LinAlgError("implied covariance matrix is not positive definite")
            Sigma, mu, E, Omega, EM, Sinv, _ = state
        W = Sinv - Sinv @ self.S @ Sinv
        z = None
        if self.engine.meanstructure:
            z = (Sinv @ (self.ybar - mu)[..., None])[..., 0]
            W = W - z[..., :, None] * z[..., None, :]
        return self.engine.gradient_from(W, z, E, Omega, EM)

    def expected_information(self, theta: FloatArray) -> FloatArray:
        """Unit expected information: ``1/2 tr(Sinv dS_k Sinv dS_l) + dmu_k' Sinv dmu_l``."""
        state = self._state(theta)
        if state is None:
            return np.eye(len(theta))
        _, _, E, Omega, EM, Sinv, _ = state
        dsig, dmu = self.engine.derivatives(E, Omega, EM)
        return _expected_information(Sinv, dsig, dmu if self.engine.meanstructure else None)

    def observed_information(self, theta: FloatArray) -> FloatArray:
        """Hessian of ``fmin`` by complex-step differentiation of the analytic gradient."""
        h = 1e-20
        stack = theta.astype(np.complex128) + 1j * h * np.eye(len(theta))
        H: FloatArray = self.gradient(stack).imag.T / h
        return 0.5 * (H + H.T)


def _expected_information(Sinv: FloatArray, dsig: FloatArray, dmu: FloatArray | None) -> FloatArray:
    M = np.matmul(Sinv, dsig)
    q = len(M)
    info: FloatArray = 0.5 * (M.reshape(q, -1) @ _swap(M).reshape(q, -1).T)
    if dmu is not None:
        info = info + dmu @ Sinv @ dmu.T
    return info


def _casewise_scores(
    Sinv: FloatArray, dsig: FloatArray, dmu: FloatArray | None, dev: FloatArray
) -> FloatArray:
    """Per-case gradient of ``1/2 (log|Sigma| + d' Sinv d)`` with respect to the parameters."""
    n, p = dev.shape
    q = dsig.shape[0]
    flat = dsig.reshape(q, p * p).T
    trace = np.einsum("ab,kba->k", Sinv, dsig)
    Z = dev @ Sinv
    scores = np.empty((n, q))
    for start in range(0, n, 4096):
        z = Z[start : start + 4096]
        quad = (z[:, :, None] * z[:, None, :]).reshape(len(z), p * p) @ flat
        scores[start : start + 4096] = 0.5 * (trace[None, :] - quad)
    if dmu is not None:
        scores -= Z @ dmu.T
    return scores


# ============================================================================================
# 6. Estimation
# ============================================================================================


def _start_values(spec: ModelSpec, sample: _Sample) -> FloatArray:
    """Starting values in the spirit of lavaan's: sensible, cheap, always positive definite.

    Residual variances start at half the observed variance and latent variances at 0.05
    (lavaan's choices); loadings come from the indicators' average covariances (a one-factor
    approximation), rescaled to the latent variable's metric.
    """
    obs = {name: i for i, name in enumerate(sample.names)}
    S = sample.cov
    guess: dict[tuple[str, str], float] = {}
    for lv in spec.latent:
        inds = [r.rhs for r in spec.rows if r.op == "=~" and r.lhs == lv and r.rhs in obs]
        if len(inds) < 2:
            continue
        idx = [obs[v] for v in inds]
        C = S[np.ix_(idx, idx)]
        off = C - np.diag(np.diag(C))
        k = len(idx)
        level = off.sum() / (k * (k - 1))
        if level <= 0:
            continue
        lam = off.sum(axis=1) / (k - 1) / math.sqrt(level)
        for v, value in zip(inds, lam, strict=True):
            guess[(lv, v)] = float(value)
    scale: dict[str, float] = {}
    for lv in spec.latent:
        for r in spec.rows:
            if r.op == "=~" and r.lhs == lv and not r.free and r.value != 0:
                marker = guess.get((lv, r.rhs))
                if marker is not None and abs(marker) > 1e-3:
                    scale[lv] = marker / r.value
                break
        else:
            for r in spec.rows:
                if r.op == "~~" and r.lhs == lv == r.rhs and not r.free and r.value > 0:
                    scale[lv] = math.sqrt(r.value)
    theta = np.full(spec.n_free, np.nan)
    for r in spec.rows:
        if not r.free or not math.isnan(theta[r.free - 1]):
            continue
        value = 0.0
        if r.start is not None:
            value = r.start
        elif r.op == "=~":
            value = 1.0
            if (r.lhs, r.rhs) in guess and r.lhs in scale:
                value = guess[(r.lhs, r.rhs)] / scale[r.lhs]
        elif r.op == "~~" and r.lhs == r.rhs:
            if r.lhs in obs:
                value = 0.5 * float(S[obs[r.lhs], obs[r.lhs]])
            elif r.lhs in scale:
                value = scale[r.lhs] ** 2
            else:
                value = 0.05
        elif r.op == "~1" and r.lhs in obs:
            value = float(sample.mean[obs[r.lhs]])
        theta[r.free - 1] = value
    return theta


def _optimise(objective: _Objective, theta0: FloatArray) -> tuple[FloatArray, int]:
    """Minimise ``fmin``: BFGS seeded with the inverse expected information, then (rarely)
    a trust-region Newton method with the expected information if BFGS stalls."""
    if not math.isfinite(objective.value(theta0)):
        raise SEMConvergenceError(
            "the starting values give an implied covariance matrix that is not positive "
            "definite; give start(...) values for the parameters"
        )
    try:
        h0 = np.linalg.inv(objective.expected_information(theta0))
        h0 = 0.5 * (h0 + h0.T)
        np.linalg.cholesky(h0)
    except np.linalg.LinAlgError:
        h0 = np.eye(len(theta0))
    result = optimize.minimize(
        objective.value_and_gradient,
        theta0,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-7, "maxiter": 1000, "hess_inv0": h0},
    )
    n_iter = int(result.nit)
    if not _converged(objective, result.x):
        start = result.x if math.isfinite(objective.value(result.x)) else theta0
        result = optimize.minimize(
            objective.value_and_gradient,
            start,
            jac=True,
            hess=objective.expected_information,
            method="trust-exact",
            options={"gtol": 1e-7, "maxiter": 1000},
        )
        n_iter += int(result.nit)
    theta = np.asarray(result.x, dtype=np.float64)
    if not _converged(objective, theta):
        raise SEMConvergenceError(
            f"the model did not converge after {n_iter} iterations ({result.message}); "
            "it may be misspecified or not identified, or need start(...) values"
        )
    return theta, n_iter


def _converged(objective: _Objective, theta: FloatArray) -> bool:
    f, gradient = objective.value_and_gradient(np.asarray(theta, dtype=np.float64))
    return math.isfinite(f) and float(np.max(np.abs(gradient), initial=0.0)) < 1e-5


def _parameter_names(spec: ModelSpec) -> list[str]:
    names = [""] * spec.n_free
    for r in spec.rows:
        if r.free and not names[r.free - 1]:
            names[r.free - 1] = r.label or f"{r.lhs} {r.op} {r.rhs}".replace(" ~1 ", " ~ 1")
    return names


def _check_identified(info: FloatArray, spec: ModelSpec) -> None:
    scaled = info / np.sqrt(np.outer(np.abs(np.diag(info)), np.abs(np.diag(info))) + 1e-300)
    values, vectors = np.linalg.eigh(scaled)
    if values[0] > 1e-9 * max(values[-1], 1e-300):
        return
    names = _parameter_names(spec)
    weight = np.abs(vectors[:, 0])
    involved = [names[k] for k in np.argsort(-weight) if weight[k] > 0.1][:6]
    raise ValueError(
        "the model is not identified: the information matrix is singular. Parameters "
        f"involved: {', '.join(involved)}. Fix a loading or a variance of each latent "
        "variable, or remove redundant parameters"
    )


def _trace_h1(sample: _Sample, spec: ModelSpec) -> tuple[float, int]:
    """``tr(A1^-1 B1)`` of the saturated model at the sample moments, and its moment count."""
    p = len(sample.names)
    dev = sample.data - sample.mean
    Sinv = np.linalg.inv(sample.cov)
    exo = [sample.names.index(v) for v in spec.exogenous]
    if not exo:
        qform = np.einsum("ia,ab,ib->i", dev, Sinv, dev)
        trace = 0.5 * (float(np.mean(qform**2)) - p)
        ndat = p * (p + 1) // 2
        if spec.meanstructure:
            trace += p
            ndat += p
        return trace, ndat
    # with fixed.x, the moments among the covariates are not part of the model
    ia, ib = np.triu_indices(p)
    keep = ~(np.isin(ia, exo) & np.isin(ib, exo))
    ia, ib = ia[keep], ib[keep]
    f = np.where(ia == ib, 0.5, 1.0)
    A1 = Sinv[np.ix_(ia, ia)] * Sinv[np.ix_(ib, ib)] + Sinv[np.ix_(ia, ib)] * Sinv[np.ix_(ib, ia)]
    A1 *= np.outer(f, f)
    Z = dev @ Sinv
    G = f * (Sinv[ia, ib][None, :] - Z[:, ia] * Z[:, ib])
    trace = float(np.sum((G @ np.linalg.inv(A1)) * G)) / len(G)
    ndat = len(ia)
    if spec.meanstructure:
        nox = [j for j in range(p) if j not in exo]
        Zn = Z[:, nox]
        A_mu = Sinv[np.ix_(nox, nox)]
        trace += float(np.sum((Zn @ np.linalg.inv(A_mu)) * Zn)) / len(Zn)
        ndat += len(nox)
    return trace, ndat


@dataclass(frozen=True)
class _Robust:
    vcov: FloatArray
    trace_h0: float


def _robust(objective: _Objective, theta: FloatArray, sample: _Sample) -> _Robust:
    """Huber-White sandwich and ``tr(B0 A^-1)`` with the observed information ``A``."""
    engine = objective.engine
    Sigma, mu, E, Omega, EM = engine.implied(theta)
    Sinv = np.linalg.inv(Sigma)
    dsig, dmu = engine.derivatives(E, Omega, EM)
    dev = sample.data - (mu if engine.meanstructure else sample.mean)
    scores = _casewise_scores(Sinv, dsig, dmu if engine.meanstructure else None, dev)
    B = scores.T @ scores / sample.n
    A = objective.observed_information(theta)
    _check_identified(A, engine.spec)
    A_inv = np.linalg.inv(A)
    return _Robust(A_inv @ B @ A_inv / sample.n, float(np.sum(B * A_inv)))


def _baseline_spec(spec: ModelSpec) -> ModelSpec:
    """lavaan's independence model: free variances (and means); covariates as in the model."""
    rows: list[ParameterRow] = []
    k = 0
    exo = set(spec.exogenous)
    for v in spec.observed:
        if v not in exo:
            k += 1
            rows.append(ParameterRow(v, "~~", v, k, 0.0, "", False))
    for i, a in enumerate(spec.exogenous):
        for b in spec.exogenous[i:]:
            rows.append(ParameterRow(a, "~~", b, 0, math.nan, "", False, exo=True))
    if spec.meanstructure:
        for v in spec.observed:
            if v in exo:
                rows.append(ParameterRow(v, "~1", "", 0, math.nan, "", False, exo=True))
            else:
                k += 1
                rows.append(ParameterRow(v, "~1", "", k, 0.0, "", False))
    return ModelSpec(
        observed=spec.observed,
        latent=(),
        rows=tuple(rows),
        defined=(),
        meanstructure=spec.meanstructure,
        exogenous=spec.exogenous,
        n_free=k,
    )


def _baseline(spec: ModelSpec, sample: _Sample, robust: bool) -> tuple[float, int, float]:
    """Baseline chi-square, its df and (for MLR) ``tr(B0 A^-1)`` of the baseline model."""
    base = _baseline_spec(spec)
    engine = _Engine(base, sample)
    objective = _Objective(engine, sample)
    obs = {name: i for i, name in enumerate(sample.names)}
    theta = np.zeros(base.n_free)
    for r in base.rows:
        if r.free:
            j = obs[r.lhs]
            theta[r.free - 1] = sample.cov[j, j] if r.op == "~~" else sample.mean[j]
    chisq = 2.0 * sample.n * objective.value(theta)
    trace_h0 = math.nan
    if robust:
        trace_h0 = _robust(objective, theta, sample).trace_h0
    return chisq, base.df, trace_h0


def _rmsea_ci(
    x2: float, df: float, n: int, c_hat: float = 1.0, level: float = 0.90
) -> tuple[float, float]:
    """Browne-Cudeck interval for the RMSEA, as lavaan's ``lav_fit_rmsea_ci``: the
    non-centralities that put ``x2`` at the upper and lower tail of a non-central chi-square.
    """
    if not (math.isfinite(x2) and math.isfinite(df)):
        return math.nan, math.nan
    if df < 1:
        return 0.0, 0.0
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    at_zero = float(special.chdtr(df, x2))
    lower = upper = 0.0
    if at_zero >= upper_p:
        lam = float(special.chndtrinc(x2, df, upper_p))
        lower = math.sqrt(c_hat * lam / (n * df))
    top = max(n, x2 * 4)
    if at_zero >= lower_p and float(special.chndtr(x2, df, top)) <= lower_p:
        lam = float(special.chndtrinc(x2, df, lower_p))
        upper = math.sqrt(c_hat * lam / (n * df))
    return lower, upper


def _chisq_sf(x2: float, df: float) -> float:
    return float(special.chdtrc(df, x2))


def _two_sided(z: float) -> float:
    return 2.0 * float(special.ndtr(-abs(z)))


def _rmsea(x2: float, df: float, n: int, c_hat: float = 1.0) -> float:
    if df <= 0:
        return 0.0
    return math.sqrt(max(x2 / n / df - c_hat / n, 0.0))


def _close_fit(x2: float, df: float, n: int, h0: float, c_hat: float = 1.0) -> float:
    if df <= 0:
        return math.nan
    return 1.0 - float(special.chndtr(x2, df, n * df / c_hat * h0**2))


def _cfi(x2: float, df: float, x2_null: float, df_null: float) -> float:
    t1 = max(x2 - df, 0.0)
    t2 = max(x2 - df, x2_null - df_null, 0.0)
    if math.isclose(t1, 0.0, abs_tol=1e-8) and math.isclose(t2, 0.0, abs_tol=1e-8):
        return 1.0
    return 1.0 - t1 / t2


def _tli(x2: float, df: float, x2_null: float, df_null: float) -> float:
    if df <= 0 or df_null <= 0:
        return 1.0
    t1 = x2_null / df_null - x2 / df
    t2 = x2_null / df_null - 1.0
    if math.isclose(t2, 0.0, abs_tol=1e-12):
        return 1.0
    return t1 / t2


def _srmr(S: FloatArray, Sigma: FloatArray, ybar: FloatArray, mu: FloatArray | None) -> float:
    """Bentler's SRMR (lavaan's ``srmr``): residuals scaled by the sample standard deviations."""
    sd = np.sqrt(np.diag(S))
    resid = (S - Sigma) / np.outer(sd, sd)
    values = list(resid[np.triu_indices(len(S))])
    if mu is not None:
        values += list((ybar - mu) / sd)
    return math.sqrt(float(np.mean(np.square(values))))


# ============================================================================================
# 7. Results
# ============================================================================================


@dataclass(frozen=True)
class Parameter:
    """One estimated (or fixed) parameter, as a row of lavaan's ``parameterEstimates()``.

    ``op`` is ``=~``, ``~``, ``~~``, ``~1`` or ``:=``. Fixed parameters have ``se`` 0 and NaN
    ``z``/``pvalue``; ``exo`` marks covariates' moments fixed to their sample values.
    ``std_lv`` standardises the latent variables only, ``std_all`` all variables; each has a
    delta-method standard error.
    """

    lhs: str
    op: str
    rhs: str
    label: str
    free: bool
    exo: bool
    est: float
    se: float
    z: float
    pvalue: float
    ci_lower: float
    ci_upper: float
    std_lv: float
    std_lv_se: float
    std_all: float
    std_all_se: float

    @property
    def name(self) -> str:
        """``lhs op rhs`` as lavaan writes it (``y~1`` for an intercept)."""
        return f"{self.lhs}{self.op if self.op != '~1' else '~1'}{self.rhs}"


_LAVAAN_NAMES = {
    "scaling_factor": "chisq.scaling.factor",
    "baseline_scaling_factor": "baseline.chisq.scaling.factor",
    "nobs": "ntotal",
}


@dataclass(frozen=True)
class FitMeasures:
    """Fit indices; the names are lavaan's ``fitMeasures()`` names with ``_`` for ``.``.

    The ``*_scaled`` and ``*_robust`` values and the scaling factors exist for
    ``estimator="MLR"`` only (None for ML). Use :meth:`as_dict` with ``lavaan_names=True``
    for lavaan's spelling.
    """

    npar: int
    nobs: int
    fmin: float
    chisq: float
    df: int
    pvalue: float
    baseline_chisq: float
    baseline_df: int
    baseline_pvalue: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    rmsea_pvalue: float
    rmsea_notclose_pvalue: float
    srmr: float
    logl: float
    unrestricted_logl: float
    aic: float
    bic: float
    bic2: float
    chisq_scaled: float | None = None
    df_scaled: int | None = None
    pvalue_scaled: float | None = None
    scaling_factor: float | None = None
    scaling_factor_h1: float | None = None
    scaling_factor_h0: float | None = None
    baseline_chisq_scaled: float | None = None
    baseline_pvalue_scaled: float | None = None
    baseline_scaling_factor: float | None = None
    cfi_scaled: float | None = None
    tli_scaled: float | None = None
    cfi_robust: float | None = None
    tli_robust: float | None = None
    rmsea_scaled: float | None = None
    rmsea_ci_lower_scaled: float | None = None
    rmsea_ci_upper_scaled: float | None = None
    rmsea_pvalue_scaled: float | None = None
    rmsea_robust: float | None = None
    rmsea_ci_lower_robust: float | None = None
    rmsea_ci_upper_robust: float | None = None
    rmsea_pvalue_robust: float | None = None

    def as_dict(self, *, lavaan_names: bool = False) -> dict[str, float | int | None]:
        """Every measure by name; ``lavaan_names=True`` spells them as ``fitMeasures()``."""
        out: dict[str, float | int | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if lavaan_names and value is None:
                continue
            key = (
                (_LAVAAN_NAMES.get(f.name) or f.name.replace("_", ".")) if lavaan_names else f.name
            )
            out[key] = value
        return out


@dataclass(frozen=True)
class SEMResult:
    """Everything a fit learned. Arrays are read-only; nothing here prints.

    ``vcov`` is the covariance matrix of the free parameters (in the order of
    ``ModelSpec.rows``' ``free`` index). ``r2`` gives R-squared for every variable with a
    residual variance: indicators and outcomes.
    """

    spec: ModelSpec
    estimator: str
    parameters: tuple[Parameter, ...]
    fit: FitMeasures
    converged: bool
    n_iter: int
    nobs: int
    n_dropped: int
    theta: FloatArray
    vcov: FloatArray
    implied_cov: FloatArray
    implied_mean: FloatArray | None
    sample_cov: FloatArray
    sample_mean: FloatArray
    r2: Mapping[str, float]
    notes: tuple[str, ...]

    @property
    def observed(self) -> tuple[str, ...]:
        return self.spec.observed

    @property
    def latent(self) -> tuple[str, ...]:
        return self.spec.latent

    def parameter(self, lhs: str, op: str, rhs: str = "") -> Parameter:
        """The row ``lhs op rhs`` (``~~`` in either order); KeyError if the model has none."""
        for prm in self.parameters:
            if prm.lhs == lhs and prm.op == op and prm.rhs == rhs:
                return prm
            if op == "~~" and prm.op == "~~" and prm.lhs == rhs and prm.rhs == lhs:
                return prm
        raise KeyError(f"no parameter {lhs} {op} {rhs}".rstrip())

    def estimates(self) -> Any:
        """A tidy DataFrame like lavaan's ``parameterEstimates(standardized=TRUE)``."""
        import pandas as pd

        columns = [f.name for f in fields(Parameter)]
        return pd.DataFrame(
            [[getattr(prm, c) for c in columns] for prm in self.parameters], columns=columns
        )

    def standardized(self, kind: Literal["std.all", "std.lv"] = "std.all") -> Any:
        """A DataFrame like lavaan's ``standardizedSolution()``: est_std, se, z, p, CI."""
        import pandas as pd

        if kind not in ("std.all", "std.lv"):
            raise ValueError(f"kind must be 'std.all' or 'std.lv', not {kind!r}")
        attr = kind.replace(".", "_")
        rows = []
        for prm in self.parameters:
            est, se = getattr(prm, attr), getattr(prm, attr + "_se")
            z = est / se if se > 0 else math.nan
            p = _two_sided(z) if se > 0 else math.nan
            rows.append(
                [prm.lhs, prm.op, prm.rhs, prm.label, est, se, z, p, est - _Z975 * se,
                 est + _Z975 * se]
            )  # fmt: skip
        return pd.DataFrame(
            rows,
            columns=["lhs", "op", "rhs", "label", "est_std", "se", "z", "pvalue", "ci_lower",
                     "ci_upper"],
        )  # fmt: skip


def _readonly(array: FloatArray) -> FloatArray:
    out = np.array(array, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


class _Standardizer:
    """Row values, standardised values and defined parameters as functions of ``theta``."""

    def __init__(self, engine: _Engine, spec: ModelSpec, sample: _Sample) -> None:
        self.engine = engine
        self.spec = spec
        pos = {name: i for i, name in enumerate(spec.observed + spec.latent)}
        obs = {name: i for i, name in enumerate(sample.names)}
        rows = spec.rows
        self.base = np.array([r.value for r in rows])
        for i, r in enumerate(rows):
            if r.exo:
                j = obs[r.lhs]
                self.base[i] = sample.cov[j, obs[r.rhs]] if r.op == "~~" else sample.mean[j]
        self.free_rows = np.array([i for i, r in enumerate(rows) if r.free], dtype=np.intp)
        self.free_index = np.array([r.free - 1 for r in rows if r.free], dtype=np.intp)
        self.lhs = np.array([pos[r.lhs] for r in rows], dtype=np.intp)
        self.rhs = np.array([pos[r.rhs] if r.rhs else pos[r.lhs] for r in rows], dtype=np.intp)
        ops = np.array([r.op for r in rows])
        self.is_load, self.is_reg = ops == "=~", ops == "~"
        self.is_int = ops == "~1"
        self.is_var = (ops == "~~") & (self.lhs == self.rhs)
        self.is_cov = (ops == "~~") & (self.lhs != self.rhs)
        self.p = len(spec.observed)
        # lavaan standardises a covariance by the (residual) variances of its two variables,
        # i.e. reports a residual correlation
        var_row = {r.lhs: i for i, r in enumerate(rows) if r.op == "~~" and r.lhs == r.rhs}
        self.cov_rows = np.flatnonzero(self.is_cov)
        self.cov_lhs_var = np.array([var_row[rows[i].lhs] for i in self.cov_rows], dtype=np.intp)
        self.cov_rhs_var = np.array([var_row[rows[i].rhs] for i in self.cov_rows], dtype=np.intp)
        self.cov_lhs_latent = self.lhs[self.cov_rows] >= self.p
        self.cov_rhs_latent = self.rhs[self.cov_rows] >= self.p
        self.labels: dict[str, int] = {}
        for i, r in enumerate(rows):
            if r.label:
                self.labels.setdefault(r.label, i)
        self.compiled = [
            (f.lhs, compile(ast.parse(f.rhs.strip(), mode="eval"), "<model>", "eval"))
            for f in spec.defined
        ]

    def values(self, theta: NDArray[Any]) -> NDArray[Any]:
        out = np.broadcast_to(self.base, (*theta.shape[:-1], len(self.base))).astype(theta.dtype)
        out[..., self.free_rows] = theta[..., self.free_index]
        return out

    def standardized(self, theta: NDArray[Any], kind: str) -> NDArray[Any]:
        values = self.values(theta)
        _, _, _, Omega, _ = self.engine.implied(theta)
        sd = np.sqrt(np.diagonal(Omega, axis1=-2, axis2=-1))
        if kind == "std.lv":
            sd = sd.copy()
            sd[..., : self.p] = 1.0
        lhs, rhs = sd[..., self.lhs], sd[..., self.rhs]
        one = np.ones_like(values)
        factor = np.where(
            self.is_load,
            lhs / rhs,
            np.where(
                self.is_reg,
                rhs / lhs,
                np.where(self.is_var, one / (lhs * rhs), np.where(self.is_int, one / lhs, one)),
            ),
        )
        if len(self.cov_rows):
            var = values[..., self.cov_lhs_var], values[..., self.cov_rhs_var]
            rv_lhs, rv_rhs = (np.sqrt(np.where(np.real(v) >= 0, v, -v)) for v in var)
            if kind == "std.lv":
                rv_lhs = np.where(self.cov_lhs_latent, rv_lhs, 1.0)
                rv_rhs = np.where(self.cov_rhs_latent, rv_rhs, 1.0)
            factor[..., self.cov_rows] = 1.0 / (rv_lhs * rv_rhs)
        return values * factor

    def defined(self, row_values: NDArray[Any]) -> NDArray[Any]:
        namespace: dict[str, Any] = {
            "sqrt": np.sqrt,
            "exp": np.exp,
            "log": np.log,
            "abs": lambda x: np.where(np.real(x) >= 0, x, -x),
        }
        namespace.update({label: row_values[..., i] for label, i in self.labels.items()})
        out = []
        for name, code in self.compiled:
            value = eval(code, {"__builtins__": {}}, namespace)  # the AST was validated
            namespace[name] = value
            out.append(np.broadcast_to(value, row_values.shape[:-1]))
        return np.stack(out, axis=-1)

    def defined_at(self, theta: NDArray[Any], kind: str = "") -> NDArray[Any]:
        """Defined parameters from raw (``kind=""``) or standardised values at ``theta``."""
        values = self.standardized(theta, kind) if kind else self.values(theta)
        return self.defined(values)

    @staticmethod
    def jacobian(func: Callable[[NDArray[Any]], NDArray[Any]], theta: FloatArray) -> FloatArray:
        """Complex-step Jacobian, exact to rounding: all parameters in one stacked call."""
        h = 1e-20
        stack = theta.astype(np.complex128) + 1j * h * np.eye(len(theta))
        J: FloatArray = np.asarray(func(stack)).imag.T / h
        return J


def _se(J: FloatArray, vcov: FloatArray) -> FloatArray:
    var: FloatArray = np.einsum("ik,kl,il->i", J, vcov, J)
    out: FloatArray = np.sqrt(np.clip(var, 0.0, None))
    return out


def _notes(result_rows: Sequence[Parameter], spec: ModelSpec, psi: FloatArray) -> list[str]:
    notes = []
    for prm in result_rows:
        if prm.op == "~~" and prm.lhs == prm.rhs and prm.est < 0:
            what = "latent" if prm.lhs in spec.latent else "residual"
            notes.append(
                f"negative {what} variance for {prm.lhs} ({prm.est:.4g}): a Heywood case; "
                "the model may be misspecified or the sample too small"
            )
    if psi.size and np.linalg.eigvalsh(psi)[0] < -1e-10:
        notes.append("the covariance matrix of the latent variables is not positive definite")
    return notes


def fit_sem(
    model: str | Sequence[Formula] | ModelSpec,
    data: Any,
    *,
    estimator: Estimator = "ML",
    std_lv: bool = False,
    meanstructure: bool | None = None,
    fixed_x: bool = True,
    auto_cov_y: bool = True,
) -> SEMResult:
    """Fit a model by maximum likelihood and return everything lavaan's summary reports.

    Parameters
    ----------
    model
        lavaan syntax, parsed formulas, or a :class:`ModelSpec` (then the specification
        options below are ignored).
    data
        A pandas DataFrame, a mapping of column name to values, or a NumPy structured array.
        Rows with a missing value in a model variable are dropped (``missing="listwise"``).
    estimator
        ``"ML"`` (standard errors from the expected information) or ``"MLR"`` (Huber-White
        standard errors and the Yuan-Bentler scaled test, lavaan's ``estimator="MLR"``).
    std_lv, meanstructure, fixed_x, auto_cov_y
        See :func:`specify_model`.

    Raises
    ------
    ValueError
        bad syntax, a variable missing from the data, non-numeric data, too few rows, an
        unidentified model.
    SEMConvergenceError
        the optimiser found no solution.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> x = rng.normal(size=200)
    >>> data = {"x": x, "y": 0.5 * x + rng.normal(size=200)}
    >>> round(fit_sem("y ~ x", data).parameter("y", "~", "x").est, 2)
    0.52
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, not {estimator!r}")
    if isinstance(model, ModelSpec):
        spec = model
    else:
        spec = specify_model(
            model,
            std_lv=std_lv,
            meanstructure=meanstructure,
            fixed_x=fixed_x,
            auto_cov_y=auto_cov_y,
        )
    with _blas_controller().limit(limits=1, user_api="blas"):
        return _fit(spec, data, estimator)


@functools.cache
def _blas_controller() -> Any:
    """One threadpoolctl controller, made once (making one scans the loaded libraries)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _fit(spec: ModelSpec, data: Any, estimator: Estimator) -> SEMResult:
    sample = _sample(data, spec)
    if spec.df < 0:
        raise ValueError(
            f"the model is not identified: it has {spec.n_free} free parameters but the data "
            f"give only {spec.n_moments} sample moments (df = {spec.df})"
        )
    engine = _Engine(spec, sample)
    objective = _Objective(engine, sample)
    theta, n_iter = _optimise(objective, _start_values(spec, sample))
    n = sample.n
    robust = estimator == "MLR"
    if robust:
        rob = _robust(objective, theta, sample)
        vcov = rob.vcov
    else:
        info = objective.expected_information(theta)
        _check_identified(info, spec)
        vcov = np.linalg.inv(info) / n

    # parameters, standardised solution, defined parameters
    std = _Standardizer(engine, spec, sample)
    values = std.values(theta)
    se = np.zeros(len(values))
    se[std.free_rows] = np.sqrt(np.clip(np.diag(vcov)[std.free_index], 0.0, None))
    std_values, std_se = {}, {}
    for kind in ("std.lv", "std.all"):
        std_values[kind] = std.standardized(theta, kind)
        J = std.jacobian(functools.partial(std.standardized, kind=kind), theta)
        std_se[kind] = _se(J, vcov)
    parameters: list[Parameter] = []
    for i, r in enumerate(spec.rows):
        est, s = float(values[i]), float(se[i])
        z = est / s if s > 0 else math.nan
        parameters.append(
            Parameter(
                lhs=r.lhs, op=r.op, rhs=r.rhs, label=r.label, free=r.free > 0, exo=r.exo,
                est=est, se=s, z=z,
                pvalue=_two_sided(z) if s > 0 else math.nan,
                ci_lower=est - _Z975 * s, ci_upper=est + _Z975 * s,
                std_lv=float(std_values["std.lv"][i]), std_lv_se=float(std_se["std.lv"][i]),
                std_all=float(std_values["std.all"][i]), std_all_se=float(std_se["std.all"][i]),
            )
        )  # fmt: skip
    if spec.defined:
        d_est = std.defined(values)
        d_se = _se(std.jacobian(std.defined_at, theta), vcov)
        d_std = {}
        for kind in ("std.lv", "std.all"):
            J = std.jacobian(functools.partial(std.defined_at, kind=kind), theta)
            d_std[kind] = (std.defined(std_values[kind]), _se(J, vcov))
        for j, f in enumerate(spec.defined):
            est, s = float(d_est[j]), float(d_se[j])
            z = est / s if s > 0 else math.nan
            parameters.append(
                Parameter(
                    lhs=f.lhs, op=":=", rhs="".join(f.rhs.split()), label=f.lhs, free=False, exo=False,
                    est=est, se=s, z=z,
                    pvalue=_two_sided(z) if s > 0 else math.nan,
                    ci_lower=est - _Z975 * s, ci_upper=est + _Z975 * s,
                    std_lv=float(d_std["std.lv"][0][j]), std_lv_se=float(d_std["std.lv"][1][j]),
                    std_all=float(d_std["std.all"][0][j]),
                    std_all_se=float(d_std["std.all"][1][j]),
                )
            )  # fmt: skip

    # fit measures
    Sigma, mu, _, Omega, _ = engine.implied(theta)
    p = engine.p
    fmin = objective.value(theta)
    chisq = 2.0 * n * fmin
    df = spec.df
    npar = spec.n_free
    logdet = float(np.linalg.slogdet(Sigma)[1])
    Sinv = np.linalg.inv(Sigma)
    mean_term = 0.0
    if spec.meanstructure:
        r = sample.mean - mu
        mean_term = float(r @ Sinv @ r)
    logl = (
        -0.5
        * n
        * (p * math.log(2 * math.pi) + logdet + float(np.sum(sample.cov * Sinv)) + mean_term)
    )
    logl_h1 = -0.5 * n * (p * math.log(2 * math.pi) + objective.logdet_s + p)
    if spec.exogenous:
        # with fixed.x, lavaan reports the likelihood of the outcomes given the covariates
        x = [spec.observed.index(v) for v in spec.exogenous]
        logdet_x = float(np.linalg.slogdet(sample.cov[np.ix_(x, x)])[1])
        logl_x = -0.5 * n * (len(x) * math.log(2 * math.pi) + logdet_x + len(x))
        logl -= logl_x
        logl_h1 -= logl_x
    base_chisq, base_df, base_trace = _baseline(spec, sample, robust)
    pvalue = _chisq_sf(chisq, df) if df > 0 else math.nan
    measures: dict[str, Any] = {
        "npar": npar,
        "nobs": n,
        "fmin": fmin,
        "chisq": chisq,
        "df": df,
        "pvalue": pvalue,
        "baseline_chisq": base_chisq,
        "baseline_df": base_df,
        "baseline_pvalue": _chisq_sf(base_chisq, base_df) if base_df > 0 else math.nan,
        "cfi": _cfi(chisq, df, base_chisq, base_df),
        "tli": _tli(chisq, df, base_chisq, base_df),
        "rmsea": _rmsea(chisq, df, n),
        "rmsea_pvalue": _close_fit(chisq, df, n, 0.05),
        "rmsea_notclose_pvalue": 1.0 - _close_fit(chisq, df, n, 0.08) if df > 0 else math.nan,
        "srmr": _srmr(sample.cov, Sigma, sample.mean, mu if spec.meanstructure else None),
        "logl": logl,
        "unrestricted_logl": logl_h1,
        "aic": -2 * logl + 2 * npar,
        "bic": -2 * logl + npar * math.log(n),
        "bic2": -2 * logl + npar * math.log((n + 2) / 24),
    }
    measures["rmsea_ci_lower"], measures["rmsea_ci_upper"] = _rmsea_ci(chisq, df, n)
    if robust:
        n_unconstrained = sum(1 for r in spec.rows if r.free)
        trace_h1, ndat = _trace_h1(sample, spec)
        c = (trace_h1 - rob.trace_h0) / df if df > 0 else math.nan
        c_base = (trace_h1 - base_trace) / base_df if base_df > 0 else math.nan
        scaled = chisq / c if df > 0 else chisq
        base_scaled = base_chisq / c_base
        measures.update(
            chisq_scaled=scaled,
            df_scaled=df,
            pvalue_scaled=_chisq_sf(scaled, df) if df > 0 else math.nan,
            scaling_factor=c,
            scaling_factor_h1=trace_h1 / ndat,
            # lavaan divides by the free parameters before equality constraints
            scaling_factor_h0=rob.trace_h0 / n_unconstrained if n_unconstrained else math.nan,
            baseline_chisq_scaled=base_scaled,
            baseline_pvalue_scaled=_chisq_sf(base_scaled, base_df),
            baseline_scaling_factor=c_base,
            cfi_scaled=_cfi(scaled, df, base_scaled, base_df),
            tli_scaled=_tli(scaled, df, base_scaled, base_df),
            cfi_robust=_cfi(chisq, c * df, base_chisq, c_base * base_df),
            tli_robust=_tli_robust(chisq, df, c, base_chisq, base_df, c_base),
            rmsea_scaled=_rmsea(chisq, c * df, n),
            rmsea_pvalue_scaled=_close_fit(chisq, c * df, n, 0.05),
            rmsea_robust=_rmsea(chisq, df, n, c),
            rmsea_pvalue_robust=_close_fit(scaled, df, n, 0.05, c),
        )
        lo, hi = _rmsea_ci(chisq, c * df, n)
        measures.update(rmsea_ci_lower_scaled=lo, rmsea_ci_upper_scaled=hi)
        lo, hi = _rmsea_ci(scaled, df, n, c)
        measures.update(rmsea_ci_lower_robust=lo, rmsea_ci_upper_robust=hi)
    fit = FitMeasures(**measures)

    # R-squared: 1 - residual variance / total variance, for every endogenous variable
    names = spec.observed + spec.latent
    total = np.diagonal(Omega)
    endogenous = {r.rhs for r in spec.rows if r.op == "=~"} | {
        r.lhs for r in spec.rows if r.op == "~"
    }
    r2 = {}
    for prm in parameters:
        if prm.op == "~~" and prm.lhs == prm.rhs and prm.lhs in endogenous:
            r2[prm.lhs] = 1.0 - prm.est / float(total[names.index(prm.lhs)])
    psi = Omega[p:, p:]
    return SEMResult(
        spec=spec,
        estimator=estimator,
        parameters=tuple(parameters),
        fit=fit,
        converged=True,
        n_iter=n_iter,
        nobs=n,
        n_dropped=sample.n_dropped,
        theta=_readonly(theta),
        vcov=_readonly(vcov),
        implied_cov=_readonly(Sigma),
        implied_mean=_readonly(mu) if spec.meanstructure else None,
        sample_cov=_readonly(sample.cov),
        sample_mean=_readonly(sample.mean),
        r2=r2,
        notes=tuple(_notes(parameters, spec, psi)),
    )


def _tli_robust(x2: float, df: int, c: float, x2_null: float, df_null: int, c_null: float) -> float:
    """Brosseau-Liard & Savalei's robust TLI, as lavaan reports ``tli.robust``."""
    if df <= 0 or df_null <= 0:
        return math.nan
    t1 = (x2 - c * df) / df
    t2 = (x2_null - c_null * df_null) / df_null
    if math.isclose(t2, 0.0, abs_tol=1e-12):
        return 1.0
    return 1.0 - t1 / t2


# ============================================================================================
# 8. The estimator
# ============================================================================================


class SEM:
    """A structural equation model as a scikit-learn-style estimator (lavaan's ``sem()``).

    Parameters are stored as given; :meth:`fit` validates them, fits the model and sets the
    learned attributes. A fit that does not converge raises :class:`SEMConvergenceError`
    (a ``ValueError``); nothing is left half-set.

    Parameters
    ----------
    model
        lavaan model syntax.
    estimator
        ``"ML"`` or ``"MLR"`` (robust: Huber-White standard errors, Yuan-Bentler test).
    std_lv, meanstructure, fixed_x, auto_cov_y
        See :func:`specify_model`.

    Attributes
    ----------
    result_ : SEMResult
        Everything the fit learned (frozen).
    estimates_ : pandas.DataFrame
        One row per parameter: lhs, op, rhs, label, est, se, z, pvalue, ci_lower, ci_upper,
        std_lv, std_lv_se, std_all, std_all_se (lavaan's ``parameterEstimates()``).
    standardized_ : pandas.DataFrame
        The completely standardised solution with delta-method SEs
        (lavaan's ``standardizedSolution()``).
    fit_ : FitMeasures
        Chi-square, CFI, TLI, RMSEA with its interval, SRMR, AIC, BIC, ...
    implied_cov_ : pandas.DataFrame
        The model-implied covariance matrix of the observed variables.
    r2_ : dict
        R-squared of each indicator and outcome.
    converged_ : bool
        Always True after a successful ``fit`` (non-convergence raises).
    n_iter_ : int
        Optimiser iterations.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> x = rng.normal(size=300)
    >>> data = pd.DataFrame({"x": x, "m": 0.5 * x + rng.normal(size=300)})
    >>> data["y"] = 0.4 * data["m"] + rng.normal(size=300)
    >>> model = SEM("m ~ a*x; y ~ b*m; ab := a*b").fit(data)
    >>> round(model.result_.parameter("ab", ":=", "a*b").est, 2)
    0.25
    """

    def __init__(
        self,
        model: str,
        *,
        estimator: Estimator = "ML",
        std_lv: bool = False,
        meanstructure: bool | None = None,
        fixed_x: bool = True,
        auto_cov_y: bool = True,
    ) -> None:
        self.model = model
        self.estimator = estimator
        self.std_lv = std_lv
        self.meanstructure = meanstructure
        self.fixed_x = fixed_x
        self.auto_cov_y = auto_cov_y

    def fit(self, data: Any) -> SEM:
        """Fit the model to ``data`` (a DataFrame or a mapping of columns); return self."""
        result = fit_sem(
            self.model,
            data,
            estimator=self.estimator,
            std_lv=self.std_lv,
            meanstructure=self.meanstructure,
            fixed_x=self.fixed_x,
            auto_cov_y=self.auto_cov_y,
        )
        self._set_results(result)
        return self

    def _set_results(self, result: SEMResult) -> None:
        import pandas as pd

        self.result_ = result
        self.estimates_ = result.estimates()
        self.standardized_ = result.standardized()
        self.fit_ = result.fit
        self.implied_cov_ = pd.DataFrame(
            result.implied_cov, index=list(result.observed), columns=list(result.observed)
        )
        self.r2_ = dict(result.r2)
        self.converged_ = result.converged
        self.n_iter_ = result.n_iter
