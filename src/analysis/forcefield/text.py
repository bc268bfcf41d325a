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
    DEFAULT_GROUP_WEIGHTS,
    THEME_COVERED,
    THEME_NOT_COVERED,
    THIN_THRESHOLD,
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
    "Her sammenlignes temaer, ikke enkeltutsagn: et motkraft-tema står i tabellen når ingen gruppe har "
    "foreslått et tiltak med samme tema. Et felles tema betyr ikke at tiltaket svarer på motkraften – "
    "hvilke tiltak som svarer på hvilke motkrefter, står bare der gruppene (eller analytikeren) har koblet dem."
)


PRIORITY_FORMULA = (
    "Prioritet = vektet antall grupper som nevner motkraft-temaet × (styrke / 5) × (påvirkbarhet / 5). "
    "Først regnes gjennomsnittet for hver gruppe, så gjennomsnittet av gruppene, slik at en gruppe som nevner "
    "samme tema mange ganger, teller like mye som en som nevner det én gang. Styrken er gruppenes vurdering av "
    "motkreftene (1–5). Påvirkbarheten er motkraftens egen vurdering, eller snittet for tiltakene som er koblet "
    "til den (tiltak med bare samme tema teller ikke). Det som ikke er vurdert, fylles aldri inn: temaer uten "
    "styrke eller påvirkbarhet får ingen poengsum og står i en egen liste. Høyeste mulige verdi er summen av "
    "gruppenes vekter."
)


def _weight_text(w: float) -> str:
    return fmt_num(w, 0) if float(w).is_integer() else fmt_num(w, 1)


def weights_sentence(weights: dict[str, float] | None = None) -> str:
    """How the groups are weighted in the priority score and the across-groups matrix (one sentence).

    >>> weights_sentence()
    'Vekter: hver workshopgruppe (arbeidsgruppen, kommunestyret og rådene) teller 1, hvert grendemøte 0,5.'
    """
    merged = {**DEFAULT_GROUP_WEIGHTS, **(weights or {})}
    text = (
        f"Vekter: hver workshopgruppe (arbeidsgruppen, kommunestyret og rådene) teller "
        f"{_weight_text(merged['workshop'])}, hvert grendemøte {_weight_text(merged['grendemote'])}"
    )
    own = [f"{group_label(g)} {_weight_text(w)}" for g, w in merged.items() if g not in DEFAULT_GROUP_WEIGHTS]
    return text + (f"; egne vekter: {', '.join(own)}" if own else "") + "."


def sensitivity_sentence(sens: dict, labels: dict[str, str] | None = None) -> str:
    """Whether the five highest-ranked themes change when every group weighs the same."""
    n = len(sens["top"])
    if not n:
        return "Ingen motkraft-temaer har både styrke og påvirkbarhet, så ingen rangering kan testes."
    if not sens["weighted"]:
        return "Alle grupper har samme vekt, så rangeringen avhenger ikke av vektene."
    if not sens["changed"]:
        same = "samme rekkefølge" if not sens["order_changed"] else "samme temaer, men i en annen rekkefølge"
        return f"Følsomhet: med like vekter for alle grupper blir de {n} øverste temaene de samme ({same})."
    inn = ", ".join(f"«{theme_label(t, labels)}»" for t in sens["entered"])
    ut = ", ".join(f"«{theme_label(t, labels)}»" for t in sens["left"])
    return (
        f"Følsomhet: med like vekter for alle grupper endres de {n} øverste: {inn} kommer inn, {ut} faller ut. "
        "Rangeringen av disse avhenger altså av hvor mye grendemøtene vektes."
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
            "Tema uten tiltak med samme tema": gaps["theme"].map(lambda t: theme_label(t, labels)),
            "Antall grupper": gaps["n_groups"].astype(int),
            "Grupper": gaps["groups"].map(_groups_text),
            "Motkrefter": gaps["n_statements"].astype(int),
            "Gj.snitt styrke": gaps["mean_strength"].map(_mean_text),
        }
    ).reset_index(drop=True)


def priorities_table(prio: pd.DataFrame, labels: dict[str, str] | None = None, n: int | None = 10) -> pd.DataFrame:
    """Reader table of the scored themes of :func:`priorities` (top ``n``)."""
    p = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
    p = p.head(n) if n is not None else p
    return pd.DataFrame(
        {
            "Rang": p["rank"].astype(int),
            "Motkraft (tema)": p["theme"].map(lambda t: theme_label(t, labels)),
            "Prioritet": p["score"].astype(float),
            "Grupper (vektet)": p["breadth"].map(lambda v: fmt_num(v, 1)),
            "Styrke": p["mean_strength"].map(lambda v: fmt_num(v, 1)),
            "Påvirkbar": p["mean_pavirkbar"].map(lambda v: fmt_num(v, 1)),
            "Påvirkbar vurdert for": p["pavirkbar_source"].map(_SOURCE_TEXT),
            "Tiltak koblet": p["answered"].map(lambda b: "ja" if b else "nei"),
        }
    ).reset_index(drop=True)


_SOURCE_TEXT = {
    "motkraft": "motkreftene",
    "tiltak": "koblede tiltak",
    "motkraft og tiltak": "motkreftene og koblede tiltak",
    "ikke vurdert": "ikke vurdert",
}


def unscored_table(prio: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of the themes :func:`priorities` could not score, ranked by themselves (never imputed)."""
    p = prio.loc[~prio["scored"].astype(bool)] if not prio.empty else prio
    return pd.DataFrame(
        {
            "Rang blant disse": p["rank"].astype(int) if len(p) else pd.Series(dtype=int),
            "Motkraft (tema)": p["theme"].map(lambda t: theme_label(t, labels)),
            "Grupper (vektet)": p["breadth"].map(lambda v: fmt_num(v, 1)),
            "Styrke": p["mean_strength"].map(lambda v: _mean_text(v)),
            "Påvirkbar": p["mean_pavirkbar"].map(lambda v: _mean_text(v)),
            "Mangler": p["missing"].astype(object),
        }
    ).reset_index(drop=True)


def measures_table(links: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Reader table of :func:`measure_links` for one group: explicit links, and theme suggestions marked as such."""
    table = pd.DataFrame(
        {
            "Mål": links["goal"].map(goal_label),
            "Tiltak": links["text"].astype(object),
            "Svarer på motkrefter": links["answers"].map(
                lambda a: " • ".join(str(x) for x in a) if a else "ikke koblet til noen motkraft"
            ),
            "Forslag å sjekke (samme tema, ikke koblet)": links["suggestions"].map(
                lambda a: " • ".join(str(x) for x in a) if a else "–"
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
    scored = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
    if not scored.empty:
        top = ", ".join(f"«{theme_label(t, labels)}»" for t in scored["theme"].head(n))
        bullets.append(f"Motkreftene som rangeres høyest for prioritering: {top}.")
    cons = consensus(statements)
    n_bar = int((cons["kind"] == "motkraft").sum()) if not cons.empty else 0
    n_drv = int((cons["kind"] == "kraft").sum()) if not cons.empty else 0
    bullets.append(
        f"Minst {CONSENSUS_MIN_GROUPS} grupper er enige om {n_drv} drivkraft-temaer og {n_bar} motkraft-temaer."
    )
    gaps = coverage_gaps(statements)
    if gaps.empty:
        bullets.append("Alle motkraft-temaer har minst ett foreslått tiltak med samme tema.")
    else:
        names = ", ".join(f"«{theme_label(t, labels)}»" for t in gaps["theme"].head(n))
        bullets.append(f"{len(gaps)} motkraft-temaer har ingen foreslåtte tiltak med samme tema, blant dem {names}.")
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
    """How many of the group's measures are linked to its counter-forces, and how many counter-forces no measure answers."""
    links = measure_links(statements, group, suggestions=False)
    cov = coverage(select_group(statements, group))
    n_m = len(links)
    if n_m == 0:
        return "Gruppen foreslo ingen tiltak."
    answering = int((links["n_answered"] > 0).sum())
    n_c = len(cov)
    open_ = int((cov["status"] == "ikke besvart").sum()) if n_c else 0
    text = (
        f"{fmt_num(answering, 0)} av {fmt_num(n_m, 0)} tiltak er koblet til minst én av gruppens motkrefter (i "
        "notatene eller av analytikeren). Tiltak og motkrefter med samme tema er bare forslag å sjekke, ikke koblinger."
    )
    if n_c:
        text += f" {fmt_num(open_, 0)} av gruppens {fmt_num(n_c, 0)} motkrefter har ikke noe tiltak koblet til seg."
    return text


def uncovered_table(statements: pd.DataFrame, group: str) -> pd.DataFrame:
    """The group's counter-forces that no measure answers (explicit links), with theme suggestions marked."""
    cov = coverage(select_group(statements, group))
    c = cov.loc[cov["status"] != "besvart"] if not cov.empty else cov
    if c.empty:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in ("Mål", "Motkraft", "Styrke", "Merknad")})
    return pd.DataFrame(
        {
            "Mål": c["goal"].map(goal_label),
            "Motkraft": c["text"].astype(object),
            "Styrke": c["strength"].map(lambda v: "ikke vurdert" if pd.isna(v) else fmt_num(v, 0)),
            "Merknad": c["suggested"].map(
                lambda b: "et tiltak har samme tema – sjekk om det svarer på motkraften" if b else "–"
            ),
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
    prio = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
    if prio.empty:
        return "Ingen motkrefter kan rangeres"
    top = prio.iloc[0]
    n = _count(int(top["n_groups"]), "gruppe", "grupper")
    return f"«{theme_label(top['theme'], labels)}» rangeres høyest blant motkreftene ({n})"


def priority_alt(prio: pd.DataFrame, labels: dict[str, str] | None = None, n: int = 10) -> str:
    """Alt text for the priority chart: the ranked themes with scores."""
    prio = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
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


QUADRANT_NAMES: dict[str | None, str] = {
    "gjor_na": "viktig og påvirkbart – gjør noe nå",
    "pavirk_andre": "viktig, men lite påvirkbart – påvirk fylket og staten",
    "nar_det_passer": "mindre viktig, men påvirkbart – når det passer",
    "folg_med": "mindre viktig og lite påvirkbart – følg med",
    None: "ikke vurdert",
}


def matrix_title(items: pd.DataFrame) -> str:
    """Title of the prioritisation matrix: how many items are important and within reach."""
    shown = items.loc[items["plotted"].astype(bool)] if not items.empty else items
    if shown.empty:
        return "Ingen motkrefter eller tiltak er vurdert både for viktighet og påvirkbarhet"
    now = shown.loc[shown["quadrant"] == "gjor_na"]
    n_m = int((now["kind"] == "tiltak").sum())
    n_c = int((now["kind"] == "motkraft").sum())
    return (
        f"{_count(n_m, 'tiltak', 'tiltak')} og {_count(n_c, 'motkraft', 'motkrefter')} er både viktige og "
        "påvirkbare – kandidater til å gjøre noe nå"
    )


def matrix_alt(items: pd.DataFrame, who: str) -> str:
    """Alt text of the prioritisation matrix: what is shown and how many items fall in each quadrant."""
    shown = items.loc[items["plotted"].astype(bool)] if not items.empty else items
    if shown.empty:
        return f"Prioriteringsmatrise for {who}: ingen punkter, fordi ingen er vurdert på begge skalaene."
    counts = "; ".join(
        f"{QUADRANT_NAMES[q]}: {int((shown['quadrant'] == q).sum())}"
        for q in ("gjor_na", "pavirk_andre", "nar_det_passer", "folg_med")
    )
    return (
        f"Prioriteringsmatrise for {who}: {len(shown)} navngitte motkrefter og tiltak plassert etter hvor viktige de "
        f"er (1–5, loddrett) og hvor mye kommunen selv kan påvirke dem (1–5, vannrett). Antall per felt: {counts}. "
        "Tabellen under viser alle punktene med nummer, tekst og verdier."
    )


def matrix_table(items: pd.DataFrame, *, groups: bool = False) -> pd.DataFrame:
    """Reader table of the matrix: numbered as on the chart, then the items that could not be placed."""
    if items.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("Nr.", "Type", "Tekst", "Viktig", "Påvirkbar")})
    plotted = items["plotted"].astype(bool).to_numpy()
    numbers = np.where(plotted, np.cumsum(plotted), 0)
    table = pd.DataFrame(
        {
            "Nr.": [str(n) if n else "–" for n in numbers],
            "Type": items["kind"].map(lambda k: kind_label(k)),
            "Tekst": items["text"].astype(object),
        }
    )
    if groups:
        table["Grupper"] = items["groups"].map(_groups_text)
    table["Viktig"] = items["importance"].map(_mean_text)
    table["Påvirkbar"] = items["pavirkbar"].map(_mean_text)
    table["Viktighet fra"] = items["importance_source"].map(
        {"styrke": "egen vurdering", "motkrefter": "motkreftene det svarer på", "ikke vurdert": "–"}
    )
    table["Påvirkbar fra"] = (
        items["pavirkbar_source"]
        .map({"motkraft": "egen vurdering", "tiltak": "egen vurdering", "ikke vurdert": "–"})
        .where(
            items["kind"] != "motkraft",
            items["pavirkbar_source"].map(
                {"motkraft": "egen vurdering", "tiltak": "koblede tiltak", "ikke vurdert": "–"}
            ),
        )
    )
    table["Felt"] = items["quadrant"].map(lambda q: QUADRANT_NAMES.get(q, "ikke vurdert"))
    return table.reset_index(drop=True)


def matrix_unscored_sentence(items: pd.DataFrame) -> str | None:
    """A sentence on the items left out of the chart because a value is missing (or None)."""
    n = int((~items["plotted"].astype(bool)).sum()) if not items.empty else 0
    if not n:
        return None
    return (
        f"{_count(n, 'motkraft eller tiltak', 'motkrefter og tiltak')} mangler vurdering av viktighet eller "
        "påvirkbarhet og er ikke tegnet inn; de står nederst i tabellen som «ikke vurdert». Verdier fylles aldri inn."
    )


def coverage_sentence(statements: pd.DataFrame, *, scope: str = "all") -> str:
    """How many counter-forces share a theme with a proposed measure (theme level, one sentence)."""
    cov = _coverage_status(statements, scope)
    if cov.empty:
        return "Ingen motkrefter er registrert."
    counts = cov["status"].value_counts()
    who = "et foreslått tiltak" if scope == "all" else "et tiltak fra samme gruppe"
    return (
        f"Av {fmt_num(len(cov))} motkrefter har {fmt_num(int(counts.get(THEME_COVERED, 0)))} samme tema som {who}, "
        f"{fmt_num(int(counts.get(THEME_NOT_COVERED, 0)))} har ikke det, og {fmt_num(int(counts.get('uten tema', 0)))} "
        "er ikke kodet med tema."
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
    "Hvert punkt er en navngitt motkraft (oransje trekant) eller et tiltak (grønn firkant), med nummer som i tabellen "
    "under. Loddrett: hvor viktig det er (styrken gruppen ga det; for et tiltak uten egen styrke, styrken til "
    "motkreftene det er koblet til). Vannrett: hvor mye kommunen selv kan påvirke det. Øverst til høyre: gjør noe nå; "
    "øverst til venstre: viktig, men må påvirkes hos fylket og staten."
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
    "av kommunen. Gule prikkede søyler er temaer der ingen motkraft har et tiltak koblet til seg."
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
