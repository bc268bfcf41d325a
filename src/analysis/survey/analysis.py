"""What the "Bolyst og flytting" report shows: weighted estimates with 95 % CIs, small groups hidden.

All functions take the ``responses`` table (one row per respondent, from
:func:`analysis.survey.pipeline.load_survey`) and return new frames; nothing is
mutated. Residents are weighted (post-stratified or raked to SSB by age band and
sex, column ``weight``) and their standard errors account for that calibration:
a subgroup (women, an age band) is a domain of all weighted residents, as in R's
``survey`` package; out-movers are unweighted. Only respondents ``in_scope``
(18–40, status known) are used. Every estimate for a group of fewer than
``threshold`` respondents is hidden (:func:`analysis.privacy.suppress_groups`).
Per-group tables deliberately carry no respondent counts (the report shows
counts only in suppressed count tables), so a small group left out of a
comparison (e.g. "annet" gender) cannot be counted by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.privacy import MIN_CELL, suppress_groups, suppress_small
from analysis.survey.codebook import Codebook, load_codebook
from analysis.survey.text import MOVE_LABELS
from analysis.survey.weights import calibration_of
from analysis.themes import code_themes, theme_labels
from analysis.weighting import weighted_mean, weighted_share
from analysis.workshops.store import load_statements

SATISFIED = (4, 5)
STATUS_CODES = ("resident", "out_mover")


def residents(responses: pd.DataFrame) -> pd.DataFrame:
    """In-scope residents with a weight (the weighted part of the survey)."""
    r = responses
    mask = r["in_scope"].astype(bool) & r["status"].eq("resident").fillna(False) & r["weight"].notna()
    return r.loc[mask.to_numpy(dtype=bool)]


def out_movers(responses: pd.DataFrame) -> pd.DataFrame:
    """In-scope out-movers (unweighted: weight 1)."""
    r = responses
    mask = r["in_scope"].astype(bool) & r["status"].eq("out_mover").fillna(False)
    return r.loc[mask.to_numpy(dtype=bool)]


def _weights(frame: pd.DataFrame, weighted: bool) -> pd.Series:

    if weighted and "weight" in frame:
        return frame["weight"].astype(float)
    return pd.Series(1.0, index=frame.index)


def _groups(frame: pd.DataFrame, by: str | None, order: Sequence[str] | None):
    """``(key, mask)`` per group: boolean masks over ``frame`` (domains of the whole sample)."""
    if by is None:
        yield "Alle", np.ones(len(frame), dtype=bool)
        return
    keys = list(order) if order is not None else sorted(frame[by].dropna().astype(str).unique())
    for key in keys:
        yield key, frame[by].astype(str).eq(key).fillna(False).to_numpy(dtype=bool)


def satisfaction_by_item(
    responses: pd.DataFrame,
    by: str | None = None,
    *,
    order: Sequence[str] | None = None,
    threshold: int = MIN_CELL,
    codebook: Codebook | None = None,
    include_overall: bool = True,
) -> pd.DataFrame:
    """Weighted mean satisfaction (1–5) and share satisfied (4–5) per item, residents only.

    Columns: ``item, label, group, mean, mean_lower, mean_upper, satisfied,
    satisfied_lower, satisfied_upper, n, suppressed``. With ``by`` (e.g.
    ``"gender"`` with ``order=["female", "male"]`` or ``"age_band"``) one row
    per item and group; groups with fewer than ``threshold`` answers are hidden,
    with a complementary group when only one would be hidden.
    """

    cb = codebook or load_codebook()
    res = residents(responses)
    cal = calibration_of(res)
    w = _weights(res, True).to_numpy()
    items = ([cb["sat_overall"]] if include_overall else []) + cb.satisfaction_items()
    rows = []
    for q in items:
        block = []
        y = res[q.id].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(y)
        for key, mask in _groups(res, by, order):
            m = weighted_mean(y, w, bounds=(1, 5), calibration=cal, domain=mask)
            s = weighted_share(np.where(ok, np.isin(y, SATISFIED), np.nan), w, calibration=cal, domain=mask)
            block.append(
                {
                    "item": q.id,
                    "label": q.short,
                    "group": key,
                    "mean": m["estimate"],
                    "mean_lower": m["lower"],
                    "mean_upper": m["upper"],
                    "satisfied": s["estimate"],
                    "satisfied_lower": s["lower"],
                    "satisfied_upper": s["upper"],
                    "n": m["n"],
                }
            )
        rows.append(suppress_groups(pd.DataFrame(block), "n", threshold=threshold))
    return pd.concat(rows, ignore_index=True)


def _weighted_corr(x, y, w) -> float:

    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(w)
    x, y, w = x[ok], y[ok], w[ok]
    if len(x) < 3:
        return float("nan")
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    vx, vy = np.average((x - mx) ** 2, weights=w), np.average((y - my) ** 2, weights=w)
    return float(cov / np.sqrt(vx * vy)) if vx > 0 and vy > 0 else float("nan")


def stay_indicator(responses: pd.DataFrame) -> pd.Series:
    """1 when a resident does not plan to move within five years, 0 for "ja"/"kanskje", missing otherwise."""

    mp = responses["move_plans"]
    out = np.where(mp.eq("no").fillna(False), 1.0, np.where(mp.isin(["yes", "maybe"]).fillna(False), 0.0, np.nan))
    return pd.Series(out, index=responses.index, name="stay")


def drivers(responses: pd.DataFrame, *, threshold: int = MIN_CELL, codebook: Codebook | None = None) -> pd.DataFrame:
    """Importance × satisfaction per item (residents, weighted).

    Importance is *derived*: the weighted Pearson correlation between the
    item and overall satisfaction (``importance_overall``) and between the
    item and the wish to stay, i.e. not planning to move within five years
    (``importance_stay``). ``satisfaction`` is the weighted mean (1–5).
    Items answered by fewer than ``threshold`` are hidden. Sorted by
    importance for overall satisfaction, largest first.
    """

    cb = codebook or load_codebook()
    res = residents(responses)
    cal = calibration_of(res)
    w = res["weight"].to_numpy(dtype=float)
    overall = res["sat_overall"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    stay = stay_indicator(res).to_numpy()
    rows = []
    for q in cb.satisfaction_items():
        x = res[q.id].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        m = weighted_mean(x, w, calibration=cal)
        rows.append(
            {
                "item": q.id,
                "label": q.short,
                "satisfaction": m["estimate"],
                "importance_overall": _weighted_corr(x, overall, w),
                "importance_stay": _weighted_corr(x, stay, w),
                "n": m["n"],
            }
        )
    out = suppress_groups(pd.DataFrame(rows), "n", threshold=threshold, complementary=False)
    return out.sort_values("importance_overall", ascending=False, na_position="last").reset_index(drop=True)


def move_intentions(
    responses: pd.DataFrame,
    by: str | None = None,
    *,
    order: Sequence[str] | None = None,
    threshold: int = MIN_CELL,
) -> pd.DataFrame:
    """Residents' plans to move within five years: weighted shares ja/kanskje/nei with 95 % CIs.

    Columns ``group, answer, share, lower, upper, n, suppressed`` ("Vet ikke"
    left out of the denominator).
    """

    res = residents(responses)
    cal = calibration_of(res)
    w = res["weight"].to_numpy(dtype=float)
    answered = res["move_plans"].notna().to_numpy(dtype=bool)
    blocks = []
    for key, mask in _groups(res, by, order):
        for code in MOVE_LABELS:
            s = (
                weighted_share(
                    np.where(answered, res["move_plans"].eq(code).fillna(False).to_numpy(dtype=float), np.nan),
                    w,
                    calibration=cal,
                    domain=mask,
                )
                if (mask & answered).any()
                else {"estimate": np.nan, "lower": np.nan, "upper": np.nan, "n": 0}
            )
            blocks.append(
                {
                    "group": key,
                    "answer": code,
                    "share": s["estimate"],
                    "lower": s["lower"],
                    "upper": s["upper"],
                    "n": s["n"],
                }
            )
    df = pd.DataFrame(blocks)
    # suppress per group (all answers of a group share its n), complementary across groups
    per_group = df.drop_duplicates("group")[["group", "n"]].reset_index(drop=True)
    hidden = suppress_groups(per_group, "n", threshold=threshold)
    hide = df["group"].map(dict(zip(hidden["group"], hidden["suppressed"]))).astype(bool)
    for col in ("share", "lower", "upper"):
        df[col] = df[col].where(~hide)
    df["n"] = pd.array(np.where(hide, np.nan, df["n"]), dtype="Float64").round().astype("Int64")
    df["suppressed"] = hide.to_numpy()
    return df


def option_shares(
    responses: pd.DataFrame,
    question: str,
    *,
    threshold: int = MIN_CELL,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Share of out-movers choosing each option of a multiple-choice question (unweighted, Wilson 95 % CI).

    The denominator is out-movers who answered the question. Columns
    ``code, label, share, lower, upper, n, suppressed``; everything is
    hidden when fewer than ``threshold`` answered. Sorted by share.
    """

    cb = codebook or load_codebook()
    q = cb[question]
    om = out_movers(responses)
    answered = om[question].dropna().astype(str).str.split(";")
    n = len(answered)
    rows = []
    for code, label in q.options:
        chosen = answered.map(lambda codes, c=code: c in codes).to_numpy(dtype=float) if n else np.array([])
        s = weighted_share(chosen) if n else {"estimate": np.nan, "lower": np.nan, "upper": np.nan}
        rows.append(
            {"code": code, "label": label, "share": s["estimate"], "lower": s["lower"], "upper": s["upper"], "n": n}
        )
    df = pd.DataFrame(rows)
    hide = n < threshold
    if hide:
        df[["share", "lower", "upper"]] = np.nan
    df["suppressed"] = hide
    return df.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)


def single_shares(
    frame: pd.DataFrame,
    question: str,
    *,
    weighted: bool,
    threshold: int = MIN_CELL,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Shares of each answer to a single-choice question in ``frame`` (CI: Wilson on effective n)."""

    cb = codebook or load_codebook()
    q = cb[question]
    answered = frame[question].notna().to_numpy(dtype=bool)
    f = frame.loc[answered]
    cal = calibration_of(frame) if weighted else None
    w = _weights(frame, weighted).to_numpy()
    rows = []
    for code, label in q.options:
        chosen = np.where(answered, frame[question].eq(code).fillna(False).to_numpy(dtype=float), np.nan)
        s = (
            weighted_share(chosen, w, calibration=cal)
            if len(f)
            else {"estimate": np.nan, "lower": np.nan, "upper": np.nan}
        )
        rows.append(
            {
                "code": code,
                "label": label,
                "share": s["estimate"],
                "lower": s["lower"],
                "upper": s["upper"],
                "n": len(f),
            }
        )
    df = pd.DataFrame(rows)
    hide = len(f) < threshold
    if hide:
        df[["share", "lower", "upper"]] = np.nan
    df["suppressed"] = hide
    return df


def recommendation(responses: pd.DataFrame, *, threshold: int = MIN_CELL) -> dict[str, object]:
    """Residents' answer to "would you recommend a friend to move here" (0–10), weighted.

    Returns the mean with CI and the shares of promoters (9–10) and
    detractors (0–6) with CIs, or ``{"suppressed": True}`` under the threshold.
    """

    res = residents(responses)
    cal = calibration_of(res)
    y = res["recommend"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    w = res["weight"].to_numpy(dtype=float)
    m = weighted_mean(y, w, bounds=(0, 10), calibration=cal)
    if m["n"] < threshold:
        return {"suppressed": True, "n": m["n"]}
    ok = np.isfinite(y)
    promoters = weighted_share(np.where(ok, y >= 9, np.nan), w, calibration=cal)
    detractors = weighted_share(np.where(ok, y <= 6, np.nan), w, calibration=cal)
    return {
        "suppressed": False,
        "mean": m,
        "promoters": promoters,
        "detractors": detractors,
        "n": m["n"],
        "nps": promoters["estimate"] - detractors["estimate"],
    }


def profile_table(
    responses: pd.DataFrame,
    rows: str = "age_band",
    *,
    threshold: int = MIN_CELL,
    row_labels: dict[str, str] | None = None,
    status_labels: dict[str, str] | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Who answered: a count table (``rows`` × residents/out-movers) with small cells suppressed.

    In-scope respondents only. Returns a nullable-integer frame with totals,
    hidden cells as ``<NA>`` (see :func:`analysis.privacy.suppress_small`).
    """

    cb = codebook or load_codebook()
    r = responses.loc[responses["in_scope"].astype(bool).to_numpy()]
    if rows == "age_band":
        index = cb.band_labels()
    else:
        index = [c for c in cb[rows].codes] if rows in cb else sorted(r[rows].dropna().unique())
    counts = pd.crosstab(r[rows].astype(str), r["status"].astype(str)).reindex(
        index=index, columns=list(STATUS_CODES), fill_value=0
    )
    table = suppress_small(counts, threshold)
    if row_labels is None:
        row_labels = cb[rows].labels() if rows in cb and cb[rows].type == "single" else {}
    table.index = [row_labels.get(i, i) for i in table.index]
    table.columns = [(status_labels or {}).get(c, c) for c in table.columns]
    return table


def text_themes(responses: pd.DataFrame, columns: Sequence[str] = ("text_best", "text_improve")) -> pd.DataFrame:
    """Theme coding of the survey's free text with the workshops' codebook (:mod:`analysis.themes`).

    One row per theme: ``theme, label, respondents`` (in-scope respondents
    whose answers mention it), ``share`` (of respondents who wrote anything).
    """

    r = responses.loc[responses["in_scope"].astype(bool).to_numpy()]
    text = pd.Series("", index=r.index, dtype=object)
    for c in columns:
        text = text + " " + r[c].fillna("").astype(str)
    text = text.str.strip()
    wrote = text.ne("").to_numpy()
    coded = code_themes(text[wrote].tolist())
    labels = theme_labels()
    counts = {t: 0 for t in labels}
    for themes in coded:
        for t in themes:
            counts[t] = counts.get(t, 0) + 1
    n = int(wrote.sum())
    return pd.DataFrame(
        {
            "theme": list(counts),
            "label": [labels.get(t, t) for t in counts],
            "respondents": list(counts.values()),
            "share": [c / n if n else np.nan for c in counts.values()],
        }
    ).assign(n=n)


def workshop_themes(processed_dir=None) -> tuple[pd.DataFrame | None, str | None]:
    """Share of workshop statements per theme, or ``(None, reason)`` when the workshop data is unavailable."""
    try:
        st = load_statements(processed_dir)
    except AnalysisError as exc:
        return None, f"Notatene fra workshopene og grendemøtene er ikke renset ennå ({exc.message})."

    labels = theme_labels()
    n = len(st)
    counts = {t: 0 for t in labels}
    for themes in st["themes"]:
        for t in themes if themes is not None else ():
            counts[t] = counts.get(t, 0) + 1
    return pd.DataFrame(
        {
            "theme": list(counts),
            "label": [labels.get(t, t) for t in counts],
            "statements": list(counts.values()),
            "share": [c / n if n else float("nan") for c in counts.values()],
        }
    ).assign(n=n), None


def theme_comparison(
    survey: pd.DataFrame, workshops: pd.DataFrame | None, *, threshold: int = MIN_CELL, top: int = 3
) -> pd.DataFrame:
    """Survey themes beside workshop themes: ``theme, label, survey_share, workshop_share, both_top``.

    ``both_top`` marks themes among the ``top`` most frequent in both sources
    (where the survey and the workshops agree). Survey themes mentioned by
    fewer than ``threshold`` respondents have their share hidden.
    """

    out = survey[["theme", "label", "respondents", "share"]].rename(columns={"share": "survey_share"})
    out["survey_share"] = out["survey_share"].where(out["respondents"] >= threshold)
    if workshops is not None:
        out = out.merge(
            workshops[["theme", "share"]].rename(columns={"share": "workshop_share"}), on="theme", how="left"
        )
    else:
        out["workshop_share"] = np.nan
    s_top = set(out.nlargest(top, "survey_share")["theme"])
    w_top = set(out.nlargest(top, "workshop_share")["theme"]) if workshops is not None else set()
    out["both_top"] = out["theme"].isin(s_top & w_top)
    return (
        out.drop(columns=["respondents"])
        .sort_values("survey_share", ascending=False, na_position="last")
        .reset_index(drop=True)
    )


# ---------------------------------------------------------------- findings as sentences
