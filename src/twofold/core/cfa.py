"""Confirmatory factor analysis: the estimator most users call, and models from instruments.

:class:`CFA` is lavaan's ``cfa()`` as a scikit-learn-style estimator on the engine in
:mod:`twofold.core.sem` (the same defaults: the first loading of each factor fixed to 1, or
``std_lv=True`` to fix the factor variances instead; factor covariances free; ML or MLR).

:func:`instrument_model` writes the CFA an instrument implies: one factor per facet, measured by
the facet's items on one form (the RBI: four facets, each by its twelve self-report items).
Reverse-keyed items are reversed first (``min + max - answer``), as the scores reverse them,
so every loading is expected to be positive and the marker is an ordinary item.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> f = rng.normal(size=(400, 2))
>>> data = pd.DataFrame(
...     np.repeat(f, 3, axis=1) * 0.8 + rng.normal(scale=0.6, size=(400, 6)),
...     columns=["a1", "a2", "a3", "b1", "b2", "b3"],
... )
>>> cfa = CFA("A =~ a1 + a2 + a3\\nB =~ b1 + b2 + b3", std_lv=True).fit(data)
>>> cfa.fit_.df
8
>>> cfa.loadings_.shape[0]
6
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from twofold.core.instrument import Instrument
from twofold.core.responses import Responses
from twofold.core.sem import SEM, Estimator, fit_sem, specify_model

__all__ = ["CFA", "InstrumentModel", "instrument_model"]

_NAME = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*\Z")


class CFA(SEM):
    """Confirmatory factor analysis (lavaan's ``cfa()``).

    ``fit`` validates the options and the data, estimates the model and returns ``self``; a
    model that does not converge raises :class:`~twofold.core.sem.SEMConvergenceError` (a
    ``ValueError``) and sets nothing.

    Parameters
    ----------
    model
        lavaan syntax with at least one factor (``f =~ x1 + x2 + x3``); covariances,
        regressions on covariates, labels and fixed values are allowed too.
    estimator
        ``"ML"``: maximum likelihood, standard errors from the expected information.
        ``"MLR"``: the same estimates with Huber-White standard errors and the Yuan-Bentler
        scaled chi-square, with scaled and robust CFI, TLI and RMSEA.
    std_lv
        Fix each factor's variance to 1 and free all its loadings (instead of fixing the
        first loading to 1).

    Attributes
    ----------
    result_, estimates_, standardized_, fit_, implied_cov_, r2_, converged_, n_iter_
        As for :class:`~twofold.core.sem.SEM`.
    loadings_ : pandas.DataFrame
        One row per loading: factor, indicator, est, se, std_all, std_all_se, r2.
    factor_correlations_ : pandas.DataFrame
        The factors' correlation matrix (std.all of their covariances).

    Notes
    -----
    Estimation, standard errors and fit indices follow lavaan 0.6 exactly (see
    :mod:`twofold.core.sem`), checked against lavaan on Holzinger and Swineford's data.
    """

    def __init__(self, model: str, *, estimator: Estimator = "ML", std_lv: bool = False) -> None:
        super().__init__(model, estimator=estimator, std_lv=std_lv)

    def fit(self, data: Any) -> CFA:
        """Fit the factor model to ``data`` (a DataFrame or a mapping of columns); return self."""
        spec = specify_model(self.model, std_lv=self.std_lv)
        if not spec.latent:
            raise ValueError(
                "a CFA needs at least one factor defined with '=~' (e.g. 'f =~ x1 + x2 + x3')"
            )
        self._set_results(fit_sem(spec, data, estimator=self.estimator))
        self._set_factor_results()
        return self

    def _set_factor_results(self) -> None:
        import pandas as pd

        result = self.result_
        rows = [
            [p.lhs, p.rhs, p.est, p.se, p.std_all, p.std_all_se, result.r2.get(p.rhs, math.nan)]
            for p in result.parameters
            if p.op == "=~"
        ]
        self.loadings_ = pd.DataFrame(
            rows, columns=["factor", "indicator", "est", "se", "std_all", "std_all_se", "r2"]
        )
        factors = list(result.latent)
        corr = np.eye(len(factors))
        for p in result.parameters:
            if p.op == "~~" and p.lhs in factors and p.rhs in factors and p.lhs != p.rhs:
                i, j = factors.index(p.lhs), factors.index(p.rhs)
                corr[i, j] = corr[j, i] = p.std_all
        self.factor_correlations_ = pd.DataFrame(corr, index=factors, columns=factors)


@dataclass(frozen=True)
class InstrumentModel:
    """The CFA an instrument implies, and how to prepare answers for it.

    ``syntax`` is lavaan syntax with one factor per scale; ``reversed`` lists the items that
    :meth:`keyed` reverses before fitting.
    """

    instrument: Instrument
    form: str | None
    factors: tuple[str, ...]
    items: tuple[str, ...]
    reversed: tuple[str, ...]
    syntax: str

    def keyed(self, data: Any) -> Any:
        """The model's items from ``data``, checked and reverse-keyed, as a float DataFrame.

        Answers are validated as the scorer validates them (whole numbers in the item's
        range; missing allowed); a bad cell raises
        :class:`~twofold.core.responses.ResponseError` naming its row and column.
        """
        import pandas as pd
        from pandas.api import types

        missing = [item for item in self.items if item not in data]
        if missing:
            shown = ", ".join(missing[:10]) + (
                f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            )
            raise ValueError(f"the data have no column for item(s): {shown}")
        columns = {}
        for item in self.items:
            values = data[item]
            if hasattr(values, "to_numpy") and types.is_numeric_dtype(values.dtype):
                values = values.to_numpy(dtype=np.float64, na_value=np.nan)
            columns[item] = np.asarray(values)
        responses = Responses.from_columns(self.instrument.restrict_to_items(self.items), columns)
        out = {}
        for item in self.items:
            j = responses.position(item)
            values = responses.values[j].astype(np.float64)
            if item in self.reversed:
                scale = self.instrument.item(item).scale
                values = scale.min + scale.max - values
            values[~responses.answered[j]] = np.nan
            out[item] = values
        return pd.DataFrame(out)


def instrument_model(
    instrument: Instrument,
    *,
    scales: Sequence[str] | None = None,
    form: str | None = "self",
) -> InstrumentModel:
    """Write the CFA of an instrument's scales: one factor per scale, its items as indicators.

    Parameters
    ----------
    instrument
        A loaded instrument (e.g. ``load_instrument("rbi")``).
    scales
        The scales to model. By default the instrument's facets: top-level scales made of
        sub-scales (the RBI's HD, UD, HI and UI); if there are none, every top-level scale.
        Only scales whose items are all on ``form`` are used by default.
    form
        Use the items of this form (``None``: any item). The RBI's facets are measured by the
        ``self`` form.

    Raises
    ------
    ValueError
        an unknown scale or form, a scale with fewer than two items on the form, or ids that
        lavaan syntax cannot name.
    """
    by_id = {s.id: s for s in instrument.scales}
    on_form: set[str] | None = None
    if form is not None:
        try:
            on_form = set(instrument.form(form).items)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
    if scales is None:
        children = {c for s in instrument.scales for c in s.children}
        top = [s for s in instrument.scales if s.id not in children]
        candidates = [s for s in top if s.children] or top
        chosen = [s for s in candidates if on_form is None or set(s.items) <= on_form]
        if not chosen:
            raise ValueError(
                f"instrument {instrument.id!r} has no scale whose items are all on form "
                f"{form!r}; name the scales to model"
            )
    else:
        unknown = [s for s in scales if s not in by_id]
        if unknown:
            raise ValueError(
                f"instrument {instrument.id!r} has no scale(s) {', '.join(unknown)} "
                f"(scales: {', '.join(by_id)})"
            )
        chosen = [by_id[s] for s in scales]
    lines, items, reversed_items = [], [], []
    for scale in chosen:
        keys = [(i, sign) for i, sign in scale.keys if on_form is None or i in on_form]
        if len(keys) < 2:
            raise ValueError(
                f"scale {scale.id!r} has {len(keys)} item(s) on form {form!r}; a factor needs "
                "at least two"
            )
        bad = [x for x in [scale.id, *(i for i, _ in keys)] if not _NAME.match(x)]
        if bad:
            raise ValueError(
                f"id(s) {', '.join(map(repr, bad))} cannot be variable names in model syntax "
                "(letters, digits, '_' and '.' only, not starting with a digit)"
            )
        lines.append(f"{scale.id} =~ " + " + ".join(i for i, _ in keys))
        for item, sign in keys:
            if item not in items:
                items.append(item)
                if sign < 0:
                    reversed_items.append(item)
    return InstrumentModel(
        instrument=instrument,
        form=form,
        factors=tuple(s.id for s in chosen),
        items=tuple(items),
        reversed=tuple(reversed_items),
        syntax="\n".join(lines),
    )
