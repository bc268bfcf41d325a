"""Norwegian wording of the force-field reports: chart titles that state findings, alt texts,
sentences and reader tables (Norwegian column names, numbers formatted for readers).

Numbers come from :mod:`analysis.forcefield.metrics`; nothing here computes a metric of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.forcefield.metrics import (
    CONSENSUS_MIN_GROUPS,
    THIN_THRESHOLD,
    _base,
    _coverage_status,
    consensus,
    coverage,
    coverage_gaps,
    measure_links,
    priorities,
    select_group,
    statement_counts,
)
from analysis.numfmt import fmt_num
from analysis.report.labels import goal_label, group_label, kind_label
from analysis.themes import theme_labels as _labels

NET_FORMULA = (
    "Nettokraft = summen av styrke for drivkreftene minus summen av styrke for motkreftene "
    "(Σ styrke × retning, der drivkraft = +1 og motkraft = −1). Normalisert nettokraft = "
    "nettokraft delt på summen av all styrke, fra −1 (bare motkrefter) til +1 (bare drivkrefter). "
    "Krefter uten vurdert styrke telles, men regnes ikke som null."
)


SIMILARITY_FORMULA = (
    "Likhet måles med cosinuslikhet mellom gruppenes temaprofiler: for hver gruppe telles "
    "hvor mange drivkrefter og motkrefter som gjelder hvert tema (drivkraft og motkraft "
    "telles hver for seg). 1 betyr samme fordeling av temaer, 0 betyr ingen felles temaer."
)


COVERAGE_RULE = (
    "En motkraft regnes som dekket når minst ett av temaene den er kodet med også er tema for "
    "minst ett foreslått tiltak (fra hvilken som helst gruppe). Motkrefter uten tema kan ikke "
    "vurderes og vises som «uten tema»."
)


PRIORITY_FORMULA = (
    "Prioritet = antall grupper som nevner motkraften × (gjennomsnittlig styrke / 5) × "
    "(gjennomsnittlig påvirkbarhet / 5). Motkreftene samles per tema. Styrken er gruppenes vurdering "
    "av motkreftene. Påvirkbarheten er motkreftenes egen vurdering der den finnes, ellers "
    "gjennomsnittet for de foreslåtte tiltakene med samme tema (hvor mye kommunen selv kan gjøre med "
    "det). Gjennomsnittene regnes bare av det som er vurdert; mangler vurdering helt, brukes "
    "midtverdien 3, og det står i tabellen. Høyeste mulige verdi er antall grupper."
)


def _count(n: int, one: str, many: str) -> str:
    """``1 drivkraft`` / ``3 drivkrefter`` (Norwegian number words are not needed in charts)."""
    return f"{fmt_num(n)} {one if n == 1 else many}"


def balance_title(row: pd.Series | dict) -> str:
    """A chart title that states the finding for one group × goal row of :func:`force_summary`.

    >>> balance_title({"goal": "unge", "net_force": -4.0, "n_kraft": 2, "n_motkraft": 3})
    'Flere yngre innbyggere: motkreftene veier tyngst (netto −4)'
    """
    goal = goal_label(row["goal"])
    n_forces = int(row["n_kraft"]) + int(row["n_motkraft"])
    net = row["net_force"]
    if n_forces == 0:
        return f"{goal}: ingen krefter eller motkrefter nevnt"
    if net is None or pd.isna(net):
        return f"{goal}: {_count(n_forces, 'kraft', 'krefter')} nevnt, ingen er vurdert"
    if net > 0:
        verdict = "drivkreftene veier tyngst"
    elif net < 0:
        verdict = "motkreftene veier tyngst"
    else:
        verdict = "kreftene er i balanse"
    unscored = int(row.get("n_unscored", 0) or 0) if hasattr(row, "get") else 0
    extra = f"; {unscored} ikke vurdert" if unscored else ""
    return f"{goal}: {verdict} (netto {fmt_num(net, 0, signed=True)}{extra})"


def balance_alt(forces_one_goal: pd.DataFrame, goal: str) -> str:
    """Alt text for a force-field diagram: counts, sums and the strongest item on each side."""
    parts = [f"Kraftfeltdiagram for målet «{goal_label(goal)}»."]
    for kind, one, many in (("kraft", "drivkraft", "drivkrefter"), ("motkraft", "motkraft", "motkrefter")):
        side = forces_one_goal.loc[forces_one_goal["kind"] == kind]
        sc = side.loc[side["scored"]]
        txt = _count(len(side), one, many)
        if len(sc):
            top = sc.sort_values("strength", ascending=False, kind="stable").iloc[0]
            txt += (
                f", samlet styrke {fmt_num(sc['strength'].sum(), 0)}; "
                f"sterkest: «{top['text']}» ({fmt_num(top['strength'])})"
            )
        n_un = int((~side["scored"]).sum())
        if n_un:
            txt += f"; {n_un} ikke vurdert"
        parts.append(txt + ".")
    return " ".join(parts)


def label_groups(groups: Iterable[str]) -> list[str]:
    """Display names for a sequence of group ids (convenience for tables and charts)."""
    return [group_label(g) for g in groups]


def theme_labels() -> dict[str, str]:
    """Norwegian theme labels from :func:`analysis.themes.theme_labels` (empty if the codebook cannot be read,
    so a broken codebook shows theme ids instead of hiding the report)."""
    try:
        return dict(_labels())
    except AnalysisError:
        return {}


def similarity_method(similarity: pd.DataFrame) -> str:
    """How :func:`~analysis.forcefield.metrics.theme_similarity` measured likeness, in words for readers."""
    if similarity.attrs.get("measure") == "jaccard":
        return "Jaccard-likhet: andel felles (type, tema)-par av alle par som en av gruppene nevner."
    return SIMILARITY_FORMULA


def theme_label(theme: str, labels: dict[str, str] | None = None) -> str:
    """Display label of a theme id; falls back to a readable form of the id.

    >>> theme_label("kultur_fritid", {})
    'Kultur fritid'
    """
    labels = labels or {}
    if theme in labels:
        return labels[theme]
    return str(theme).replace("_", " ").replace("-", " ").capitalize()


def _groups_text(groups: Iterable[str]) -> str:
    return ", ".join(group_label(g) for g in groups)


def _mean_text(value: float, imputed: bool = False) -> str:
    if imputed or value is None or pd.isna(value):
        return "ikke vurdert"
    return fmt_num(value, 1)


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Reader table of :func:`force_summary` rows (one group): Norwegian columns, one row per goal."""
    rows = pd.DataFrame(
        {
            "Mål": summary["goal"].map(goal_label),
            "Drivkrefter": summary["n_kraft"].astype(int),
            "Motkrefter": summary["n_motkraft"].astype(int),
            "Ikke vurdert": summary["n_unscored"].astype(int),
            "Sum styrke drivkrefter": summary["sum_kraft"].astype(float),
            "Sum styrke motkrefter": summary["sum_motkraft"].astype(float),
            "Nettokraft": summary["net_force"].astype(float),
            "Normalisert (−1 til +1)": summary["net_normalised"].astype(float),
        }
    )
    not_discussed = ~summary["discussed"].to_numpy(dtype=bool)
    rows["Merknad"] = np.where(not_discussed, "ikke drøftet", "")
    return rows.reset_index(drop=True)


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Reader table of :func:`statement_counts`."""
    return pd.DataFrame(
        {
            "Gruppe": counts["group"].map(group_label),
            "Utsagn i alt": counts["n_statements"].astype(int),
            "Drivkrefter": counts["n_kraft"].astype(int),
            "Motkrefter": counts["n_motkraft"].astype(int),
            "Tiltak": counts["n_tiltak"].astype(int),
            "Merknad": np.where(counts["thin"], f"få utsagn (under {THIN_THRESHOLD})", ""),
        }
    )


def themes_table(top: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`top_themes`."""
    return pd.DataFrame(
        {
            "Tema": top["theme"].map(lambda t: theme_label(t, labels)),
            "Som drivkraft": top["n_kraft"].astype(int),
            "Som motkraft": top["n_motkraft"].astype(int),
            "Sum styrke": top["sum_strength"].astype(float),
        }
    )


def consensus_table(cons: pd.DataFrame, kind: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`consensus` for one kind (``kraft`` or ``motkraft``)."""
    c = cons.loc[cons["kind"] == kind] if not cons.empty else cons
    return pd.DataFrame(
        {
            "Tema": c["theme"].map(lambda t: theme_label(t, labels)),
            "Antall grupper": c["n_groups"].astype(int),
            "Grupper": c["groups"].map(_groups_text),
            "Utsagn": c["n_statements"].astype(int),
            "Gj.snitt styrke": c["mean_strength"].map(_mean_text),
        }
    ).reset_index(drop=True)


def unique_table(uniq: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`unique_perspectives`."""

    return pd.DataFrame(
        {
            "Gruppe": uniq["group"].map(group_label),
            "Tema": uniq["theme"].map(lambda t: theme_label(t, labels)),
            "Nevnt som": uniq["kind"].map(lambda k: kind_label(k).lower()),
            "Eksempel": uniq["example"].astype(object),
        }
    ).reset_index(drop=True)


def gaps_table(gaps: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`coverage_gaps`."""
    return pd.DataFrame(
        {
            "Tema uten tiltak": gaps["theme"].map(lambda t: theme_label(t, labels)),
            "Antall grupper": gaps["n_groups"].astype(int),
            "Grupper": gaps["groups"].map(_groups_text),
            "Motkrefter": gaps["n_statements"].astype(int),
            "Gj.snitt styrke": gaps["mean_strength"].map(_mean_text),
        }
    ).reset_index(drop=True)


def priorities_table(prio: pd.DataFrame, labels: dict[str, str] | None = None, n: int | None = 10) -> pd.DataFrame:
    """Reader table of :func:`priorities` (top ``n``); imputed means are marked."""
    p = prio.head(n) if n is not None else prio

    def used(mean: pd.Series, imputed: pd.Series) -> pd.Series:
        return pd.Series(
            np.where(imputed, "3 (ikke vurdert, midtverdi brukt)", mean.map(lambda v: fmt_num(v, 1))),
            index=mean.index,
        )

    return pd.DataFrame(
        {
            "Rang": p["rank"].astype(int),
            "Motkraft (tema)": p["theme"].map(lambda t: theme_label(t, labels)),
            "Prioritet": p["score"].astype(float),
            "Antall grupper": p["n_groups"].astype(int),
            "Gj.snitt styrke": used(p["mean_strength"], p["strength_imputed"]),
            "Gj.snitt påvirkbar": used(p["mean_pavirkbar"], p["pavirkbar_imputed"]),
            "Påvirkbar vurdert for": p["pavirkbar_source"].map(
                {"motkraft": "motkreftene", "tiltak": "tiltakene", "midtverdi": "–"}
            ),
            "Tiltak foreslått": p["covered"].map(lambda b: "ja" if b else "nei"),
        }
    ).reset_index(drop=True)


def measures_table(links: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`measure_links` for one group (påvirkbar and votes when recorded)."""
    table = pd.DataFrame(
        {
            "Mål": links["goal"].map(goal_label),
            "Tiltak": links["text"].astype(object),
            "Temaer": links["themes"].map(lambda ts: ", ".join(theme_label(t, labels) for t in ts) or "uten tema"),
            "Svarer på motkrefter": links["answers"].map(
                lambda a: " • ".join(str(x) for x in a) if a else "ingen av gruppens motkrefter"
            ),
        }
    )
    if "pavirkbar" in links.columns and links["pavirkbar"].notna().any():
        table["Påvirkbar (1–5)"] = links["pavirkbar"].map(_mean_text).str.replace(",0", "", regex=False)
    if "votes" in links.columns and links["votes"].notna().any():
        table["Stemmer"] = links["votes"].map(lambda v: "–" if pd.isna(v) else fmt_num(v, 0))
    return table.reset_index(drop=True)


def desired_results_items(desired: pd.DataFrame, goal: str | None) -> list[str]:
    """The texts under one goal, desired results first, prefixed with their kind (for a bullet list)."""
    if desired.empty:
        return []
    sel = desired.loc[desired["goal"].isna()] if goal is None else desired.loc[desired["goal"] == goal]
    prefix = sel["kind"].map({"onsket_resultat": "Ønsket resultat: ", "delmal": "Delmål: "}).fillna("")
    return (prefix + sel["text"].astype(str)).tolist()


def headline_bullets(statements: pd.DataFrame, labels: dict[str, str] | None = None, n: int = 3) -> list[str]:
    """Plain-language findings for the top of the across-groups report."""
    bullets: list[str] = []
    counts = statement_counts(statements)
    n_groups = len(counts)
    bullets.append(
        f"{_count(n_groups, 'gruppe', 'grupper')} har levert {fmt_num(int(counts['n_statements'].sum()))} utsagn, "
        f"herav {_count(int(counts['n_kraft'].sum()), 'drivkraft', 'drivkrefter')} og "
        f"{_count(int(counts['n_motkraft'].sum()), 'motkraft', 'motkrefter')}."
    )
    prio = priorities(statements)
    if not prio.empty:
        top = ", ".join(f"«{theme_label(t, labels)}»" for t in prio["theme"].head(n))
        bullets.append(f"Motkreftene som rangeres høyest for prioritering: {top}.")
    cons = consensus(statements)
    n_bar = int((cons["kind"] == "motkraft").sum()) if not cons.empty else 0
    n_drv = int((cons["kind"] == "kraft").sum()) if not cons.empty else 0
    bullets.append(
        f"Minst {CONSENSUS_MIN_GROUPS} grupper er enige om {n_drv} drivkraft-temaer og {n_bar} motkraft-temaer."
    )
    gaps = coverage_gaps(statements)
    if gaps.empty:
        bullets.append("Alle motkraft-temaer har minst ett foreslått tiltak.")
    else:
        names = ", ".join(f"«{theme_label(t, labels)}»" for t in gaps["theme"].head(n))
        bullets.append(f"{len(gaps)} motkraft-temaer har ingen foreslåtte tiltak, blant dem {names}.")
    thin = counts.loc[counts["thin"], "group"]
    if len(thin):
        bullets.append(
            f"Få utsagn (under {THIN_THRESHOLD}) fra: {_groups_text(thin)}. Tolk tallene for disse med varsomhet."
        )
    return bullets


def balance_headline(summary_one_group: pd.DataFrame) -> str:
    """One sentence on the balance across the four goals for one group (a chart title).

    >>> s = pd.DataFrame({"goal": ["bolyst", "innbyggertall", "kvinner", "unge"],
    ...                   "net_force": [2.0, -1.0, -3.0, float("nan")]})
    >>> balance_headline(s)
    'Motkreftene veier tyngst for 2 av 4 mål, drivkreftene for 1'
    """
    net = summary_one_group["net_force"].astype(float)
    neg, pos = int((net < 0).sum()), int((net > 0).sum())
    total = len(summary_one_group)
    if neg == 0 and pos == 0:
        return "Ingen vurderte krefter å veie mot hverandre"
    if neg >= pos:
        return f"Motkreftene veier tyngst for {neg} av {total} mål, drivkreftene for {pos}"
    return f"Drivkreftene veier tyngst for {pos} av {total} mål, motkreftene for {neg}"


def measures_sentence(statements: pd.DataFrame, group: str) -> str:
    """How many of the group's measures answer its counter-forces, and how many counter-forces lack one."""
    links = measure_links(statements, group)
    cov = coverage(select_group(statements, group), scope="group")
    n_c = len(cov)
    uncovered = int((cov["status"] == "ikke dekket").sum()) if n_c else 0
    return measures_sentence_from_counts(len(links), int((links["n_answered"] > 0).sum()), n_c, uncovered)


def measures_sentence_from_counts(n_measures: int, answering: int, n_counters: int, uncovered: int) -> str:
    """The sentence of :func:`measures_sentence` from its four counts.

    >>> measures_sentence_from_counts(12, 7, 1500, 40)
    '7 av 12 tiltak svarer på minst én av gruppens motkrefter (felles tema). 40 av gruppens 1 500 motkrefter har ikke noe tiltak fra gruppen med samme tema.'
    """
    if n_measures == 0:
        return "Gruppen foreslo ingen tiltak."
    text = f"{fmt_num(answering, 0)} av {fmt_num(n_measures, 0)} tiltak svarer på minst én av gruppens motkrefter (felles tema)."
    if n_counters:
        text += (
            f" {fmt_num(uncovered, 0)} av gruppens {fmt_num(n_counters, 0)} motkrefter har ikke noe tiltak fra "
            "gruppen med samme tema."
        )
    return text


def uncovered_table(statements: pd.DataFrame, group: str) -> pd.DataFrame:
    """The group's counter-forces that none of its own measures addresses (reader table)."""
    cov = coverage(select_group(statements, group), scope="group")
    c = cov.loc[cov["status"] != "dekket"] if not cov.empty else cov
    return pd.DataFrame(
        {
            "Mål": c["goal"].map(goal_label) if not c.empty else pd.Series(dtype=object),
            "Motkraft": c["text"].astype(object) if not c.empty else pd.Series(dtype=object),
            "Styrke": c["strength"].map(lambda v: "ikke vurdert" if pd.isna(v) else fmt_num(v, 0))
            if not c.empty
            else pd.Series(dtype=object),
            "Status": c["status"].map({"ikke dekket": "ingen tiltak", "uten tema": "uten tema – kan ikke kobles"})
            if not c.empty
            else pd.Series(dtype=object),
        }
    ).reset_index(drop=True)


def heatmap_title(profile: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """Title for the theme × group heatmap: the theme most groups name."""
    if profile.empty or profile.shape[1] == 0:
        return "Ingen krefter er kodet med tema"
    n_groups = (profile > 0).sum(axis=0)
    best = sorted(profile.columns, key=lambda t: (-n_groups[t], -profile[t].sum(), t))[0]
    return (
        f"«{theme_label(best, labels)}» er temaet flest grupper tar opp "
        f"({int(n_groups[best])} av {profile.shape[0]} grupper)"
    )


def heatmap_alt(profile: pd.DataFrame, labels: dict[str, str] | None = None, what: str = "antall utsagn") -> str:
    """Alt text for a theme × group heatmap: size and the largest cell."""
    if profile.empty or profile.shape[1] == 0:
        return "Ingen data."
    values = profile.to_numpy(dtype=float)
    i, j = np.unravel_index(int(np.nanargmax(values)), values.shape)
    return (
        f"Varmekart med {profile.shape[1]} temaer som rader og {profile.shape[0]} grupper som kolonner; "
        f"fargen og tallet i hver rute viser {what}. Høyeste verdi er {fmt_num(values[i, j], 0)} for "
        f"«{theme_label(profile.columns[j], labels)}» hos {group_label(profile.index[i])}."
    )


def similarity_title(similarity: pd.DataFrame) -> str:
    """Title for the similarity matrix: the most similar pair of groups."""
    values = similarity.to_numpy(dtype=float).copy()
    if values.size == 0 or values.shape[0] < 2:
        return "For få grupper til å sammenligne temaprofiler"
    np.fill_diagonal(values, np.nan)
    if not np.isfinite(values).any():
        return "Ingen grupper har kodede temaer å sammenligne"
    i, j = np.unravel_index(int(np.nanargmax(values)), values.shape)
    return (
        f"{group_label(similarity.index[i])} og {group_label(similarity.columns[j])} har de mest like "
        f"temaprofilene (likhet {fmt_num(values[i, j], 2)})"
    )


def similarity_alt(similarity: pd.DataFrame) -> str:
    """Alt text for the similarity matrix."""
    values = similarity.to_numpy(dtype=float).copy()
    if values.size == 0:
        return "Ingen data."
    np.fill_diagonal(values, np.nan)
    finite = values[np.isfinite(values)]
    span = (
        f" Likheten mellom to ulike grupper varierer fra {fmt_num(finite.min(), 2)} til {fmt_num(finite.max(), 2)}."
        if finite.size
        else ""
    )
    return (
        f"Matrise med {len(similarity)} grupper både som rader og kolonner; hver rute viser hvor like to gruppers "
        f"temaprofiler er, fra 0 (ingen felles temaer) til 1 (lik fordeling).{span} {similarity_title(similarity)}."
    )


def priority_title(prio: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """Title for the priority chart: the top-ranked counter-force theme."""
    if prio.empty:
        return "Ingen motkrefter kan rangeres"
    top = prio.iloc[0]
    n = _count(int(top["n_groups"]), "gruppe", "grupper")
    return f"«{theme_label(top['theme'], labels)}» rangeres høyest blant motkreftene ({n})"


def priority_alt(prio: pd.DataFrame, labels: dict[str, str] | None = None, n: int = 10) -> str:
    """Alt text for the priority chart: the ranked themes with scores."""
    if prio.empty:
        return "Ingen data."
    items = "; ".join(
        f"{int(r['rank'])}. {theme_label(r['theme'], labels)} {fmt_num(r['score'], 2)}"
        for _, r in prio.head(n).iterrows()
    )
    return (
        f"Liggende søylediagram over prioritetspoeng for de {min(n, len(prio))} høyest rangerte "
        f"motkraft-temaene: {items}."
    )


def balance_alt_all(summary_one_group: pd.DataFrame) -> str:
    """Alt text for the net-balance chart: one finding per goal."""
    parts = ["Liggende søylediagram med normalisert nettokraft for hvert av de fire målene."]
    parts += [balance_title(r) + "." for r in summary_one_group.to_dict("records")]
    return " ".join(parts)


def top_themes_alt(top: pd.DataFrame, group: str, labels: dict[str, str] | None = None) -> str:
    """Alt text for the group's theme bars."""
    items = "; ".join(
        f"{theme_label(t, labels)}: {int(k)} som drivkraft og {int(m)} som motkraft"
        for t, k, m in zip(top["theme"], top["n_kraft"], top["n_motkraft"])
    )
    return (
        f"Liggende søylediagram over de {len(top)} temaene {group_label(group)} nevner oftest "
        f"som drivkraft eller motkraft. {items}."
    )


def top_themes_title(top: pd.DataFrame, group: str, labels: dict[str, str] | None = None) -> str:
    """Title for the group's theme bars: its most-named theme."""
    if top.empty:
        return f"{group_label(group)}: ingen kodede temaer"
    return f"{group_label(group)} nevner «{theme_label(top['theme'].iloc[0], labels)}» oftest"


def importance_influence_texts(points: pd.DataFrame, group: str) -> tuple[str, str]:
    """(title, alt text) for the importance × påvirkbar chart of one group."""
    n = int(points["n"].sum()) if not points.empty else 0
    high = points.loc[(points["strength"] >= 4) & (points["pavirkbar"] >= 4)] if n else points
    n_measures = int(high.loc[high["kind"] == "tiltak", "n"].sum()) if n else 0
    n_counters = int(high.loc[high["kind"] == "motkraft", "n"].sum()) if n else 0
    if not n:
        title = "Ingen krefter eller tiltak er vurdert på begge skalaene"
    elif (points["kind"] == "tiltak").any():
        title = (
            f"{_count(n_measures, 'tiltak', 'tiltak')} tar tak i viktige problemer (4–5) "
            "og er godt innenfor kommunens påvirkning (4–5)"
        )
    else:
        title = f"{_count(n_counters, 'motkraft', 'motkrefter')} er både " + (
            "viktig (4–5) og påvirkbar (4–5)" if n_counters == 1 else "viktige (4–5) og påvirkbare (4–5)"
        )
    kinds = ", ".join(
        _count(int(points.loc[points["kind"] == k, "n"].sum()), one, many)
        for k, one, many in (
            ("tiltak", "tiltak", "tiltak"),
            ("motkraft", "motkraft", "motkrefter"),
            ("kraft", "drivkraft", "drivkrefter"),
        )
        if n and (points["kind"] == k).any()
    )
    alt = (
        f"Punktdiagram for {group_label(group)}: viktighet (1–5) loddrett og påvirkbarhet (1–5) vannrett"
        + (f", {kinds} vurdert på begge skalaene" if n else "")
        + f"; {title[0].lower() + title[1:]}."
    )
    return title, alt


def measures_to_prioritise(statements: pd.DataFrame, group: str, *, threshold: float = 4) -> pd.DataFrame:
    """Reader table: the group's measures in the upper-right of the importance × påvirkbar grid.

    Importance as in :func:`importance_influence` (own strength, else the mean
    strength of the counter-forces the measure answers); both ≥ ``threshold``.
    Sorted by importance × påvirkbar (descending), then votes, then text.
    """
    links = measure_links(statements, group)
    cols = ["Tiltak", "Viktighet", "Påvirkbar", "Svarer på"]
    if links.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    base = _base(statements)
    own = links["statement_id"].map(base.drop_duplicates("statement_id").set_index("statement_id")["strength"])
    importance = own.astype(float).where(own.notna(), links["answered_strength"].astype(float))
    pav = links["pavirkbar"].astype(float)
    keep = (importance >= threshold) & (pav >= threshold)
    sel = links.assign(_i=importance, _p=pav, _x=-(importance * pav), _v=-links["votes"].astype(float)).loc[keep]
    sel = sel.sort_values(["_x", "_v", "text"], na_position="last", kind="stable")
    return pd.DataFrame(
        {
            "Tiltak": sel["text"].astype(object),
            "Viktighet": sel["_i"].map(lambda v: fmt_num(v, 1)),
            "Påvirkbar": sel["_p"].map(lambda v: fmt_num(v, 0)),
            "Svarer på": sel["answers"].map(lambda a: " • ".join(str(x) for x in a)),
        }
    ).reset_index(drop=True)


def coverage_sentence(statements: pd.DataFrame, *, scope: str = "all") -> str:
    """How many counter-forces are covered, not covered, or without a theme (one sentence)."""
    cov = _coverage_status(statements, scope)
    if cov.empty:
        return "Ingen motkrefter er registrert."
    counts = cov["status"].value_counts()
    who = "minst ett tiltak" if scope == "all" else "et tiltak fra samme gruppe"
    return (
        f"Av {fmt_num(len(cov))} motkrefter har {fmt_num(int(counts.get('dekket', 0)))} {who} med samme tema, "
        f"{fmt_num(int(counts.get('ikke dekket', 0)))} har ingen, og {fmt_num(int(counts.get('uten tema', 0)))} "
        "er ikke kodet med tema og kan derfor ikke kobles til tiltak."
    )


def overview_figures(counts: pd.DataFrame) -> dict[str, str]:
    """Key figures for the across-groups report from :func:`statement_counts` (labels → formatted numbers)."""
    return {
        "Grupper": fmt_num(len(counts)),
        "Utsagn": fmt_num(int(counts["n_statements"].sum())),
        "Drivkrefter": fmt_num(int(counts["n_kraft"].sum())),
        "Motkrefter": fmt_num(int(counts["n_motkraft"].sum())),
        "Tiltak": fmt_num(int(counts["n_tiltak"].sum())),
    }


def thin_groups_caution(counts: pd.DataFrame) -> str | None:
    """A caution naming the groups with fewer than ``THIN_THRESHOLD`` statements, or ``None``."""
    thin = counts.loc[counts["thin"].to_numpy(dtype=bool), "group"]
    if not len(thin):
        return None
    return (
        f"{_count(len(thin), 'gruppe', 'grupper')} har færre enn {THIN_THRESHOLD} utsagn: {_groups_text(thin)}. "
        "Det de sa er med i oversiktene, men veier lite, og tallene for dem er usikre."
    )


LEWIN_GUIDE = (
    "Blå søyler til venstre er drivkrefter som trekker mot målet, oransje skraverte søyler til høyre er motkrefter "
    "som holder igjen; jo lengre søyle, jo sterkere vurderte gruppen kraften (1–5). Korte stiplede rammer merket "
    "«ikke vurdert» er krefter gruppen nevnte uten å gi dem styrke – de teller ikke som null."
)


NET_GUIDE = (
    "Søylene viser nettokraften for hvert mål delt på samlet styrke, fra −1 (bare motkrefter) til +1 (bare "
    "drivkrefter). Tallet ved søylen er nettokraften, summen av drivkreftenes styrke minus summen av motkreftenes."
)


THEMES_GUIDE = (
    "Hver søyle viser hvor mange av gruppens krefter og motkrefter som handler om temaet, blått som drivkraft og "
    "oransje som motkraft. Et tema med mest oransje er noe gruppen først og fremst ser som et hinder."
)


MATRIX_GUIDE = (
    "Hvert punkt viser tiltak (grønne firkanter) eller krefter med samme viktighet (loddrett) og samme vurdering av "
    "hvor mye kommunen selv kan påvirke dem (vannrett); større punkt betyr flere, og for tiltak er viktigheten "
    "styrken til motkreftene tiltaket svarer på. Det som ligger øverst til høyre er viktig og innenfor kommunens "
    "rekkevidde, og er derfor gode kandidater til prioritering."
)


HEATMAP_GUIDE = (
    "Hver rad er et tema og hver kolonne en gruppe; lysere rute betyr at gruppen nevnte temaet oftere. Rader med "
    "lyse ruter på tvers av mange grupper er temaer gruppene er opptatt av sammen."
)


HEATMAP_STRENGTH_GUIDE = (
    "Samme oversikt som over, men hver kraft teller med styrken gruppen ga den (1–5), så sterke krefter veier mer. "
    "Krefter uten vurdert styrke er ikke med her, men er med i antallet over."
)


SIMILARITY_GUIDE = (
    "Hver rute viser hvor like to gruppers temaprofiler er, fra 0 (ingen felles temaer) til 1 (samme fordeling av "
    "temaer som drivkrefter og motkrefter). Lyse ruter utenfor diagonalen viser grupper som ser situasjonen likt."
)


PRIORITY_GUIDE = (
    "Lengre søyle betyr høyere prioritet: motkraften nevnes av mange grupper, vurderes som sterk og kan påvirkes "
    "av kommunen. Gule prikkede søyler er motkrefter ingen gruppe har foreslått tiltak mot."
)


# --------------------------------------------------------------------------- the reports' sections


def group_intro(name: str) -> str:
    return f"Rapporten viser det {name} sa i sin workshop eller sitt grendemøte."


def no_statements(name: str) -> str:
    return (
        f"Det er ikke registrert noen utsagn fra {name}. Rapporten fylles ut når gruppens notater er lagt inn "
        "i mappen data/raw/workshops og rapportene er bygget på nytt (analysis reports)."
    )


NO_STATEMENTS_AT_ALL = (
    "Det er ikke registrert noen utsagn fra workshops eller grendemøter ennå. Legg notatene i mappen "
    "data/raw/workshops (malen lages med «analysis template») og bygg rapportene på nytt (analysis reports)."
)


def thin_group(name: str, n_statements: int) -> str:
    return (
        f"{name} har bare {fmt_num(n_statements)} utsagn (færre enn {THIN_THRESHOLD}). "
        "Diagrammene bygger på svært lite materiale, og ett utsagn mer eller mindre kan endre bildet."
    )


def group_figures(counts: pd.Series, discussed: dict[str, bool]) -> dict[str, str]:
    """Key figures of one group: statements, forces, counter-forces, measures, goals discussed."""
    return {
        "Utsagn i alt": fmt_num(counts["n_statements"]),
        "Drivkrefter": fmt_num(counts["n_kraft"]),
        "Motkrefter": fmt_num(counts["n_motkraft"]),
        "Tiltak": fmt_num(counts["n_tiltak"]),
        "Mål drøftet": f"{sum(discussed.values())} av {len(discussed)}",
    }


NO_GROUP_STATEMENTS = "Ingen utsagn registrert fra gruppen."


def consensus_intro() -> str:
    return (
        f"Et tema regnes som felles når minst {CONSENSUS_MIN_GROUPS} grupper nevner det, som drivkraft eller "
        "som motkraft."
    )
