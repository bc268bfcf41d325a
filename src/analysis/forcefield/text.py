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
from analysis.report.glossary import word
from analysis.report.labels import and_list, goal_label, group_in_text, group_label, group_title, kind_label
from analysis.themes import theme_labels as _labels
from analysis.vocab import VILLAGE_PREFIX

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


def _count_or_none(n: int, one: str, many: str) -> str:
    """``ingen drivkrefter`` / ``1 drivkraft`` / ``3 drivkrefter``."""
    return f"ingen {many}" if n == 0 else _count(n, one, many)


_NUMBER_WORDS = ("null", "ett", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv")


def _number_word(n: int) -> str:
    """A small count as a word in running text («de fire målene»); 13 and more as digits.

    >>> _number_word(4), _number_word(20)
    ('fire', '20')
    """
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else fmt_num(n)


def is_village(group: str) -> bool:
    """Whether a group id is a village meeting (``grendemote:<grend>``)."""
    return str(group).startswith(VILLAGE_PREFIX)


def group_at(group: str) -> str:
    """Where a group said something, for a sentence: «på grendemøtet i Drevsjø», «i workshopen med kommunestyret».

    >>> group_at("grendemote:drevsjo"), group_at("kommunestyret")
    ('på grendemøtet i Drevsjø', 'i workshopen med kommunestyret')
    """
    if is_village(group):
        return f"på {group_in_text(group)}"
    return f"i {word('workshop', 'definite')} med {group_in_text(group)}"


def groups_in_text(groups: Iterable[str]) -> str:
    """Group names inside a sentence: «arbeidsgruppen, kommunestyret og grendemøtet i Elgå»."""
    return and_list(group_in_text(g) for g in groups)


def balance_title(row: pd.Series | dict) -> str:
    """A chart title that states the finding for one group × goal row of :func:`force_summary`.

    >>> balance_title({"goal": "unge", "net_force": -4.0, "n_kraft": 2, "n_motkraft": 3})
    'Flere yngre innbyggere: motkreftene veier tyngst (netto −4)'
    """
    goal = goal_label(row["goal"])
    n_forces = int(row["n_kraft"]) + int(row["n_motkraft"])
    net = row["net_force"]
    if n_forces == 0:
        return f"{goal}: ingen drivkrefter eller motkrefter nevnt"
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
        if side.empty:
            parts.append(f"Ingen {many}.")
            continue
        txt = _count(len(side), one, many)
        n_un = int((~side["scored"]).sum())
        if n_un == len(side):
            txt += ", ikke vurdert" if n_un == 1 else ", ingen av dem vurdert"
        elif n_un:
            txt += f", {n_un} av dem ikke vurdert"
        if len(sc):
            top = sc.sort_values("strength", ascending=False, kind="stable").iloc[0]
            txt += (
                f"; samlet styrke {fmt_num(sc['strength'].sum(), 0)}, "
                f"sterkest «{top['text']}» ({fmt_num(top['strength'])})"
            )
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
    """Group labels for a table cell (a list of names, each as a label)."""
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
            "Ønskede resultater": counts["n_onsket_resultat"].astype(int),
            "Delmål": counts["n_delmal"].astype(int),
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
    prefix = sel["kind"].map({k: kind_label(k) + ": " for k in ("onsket_resultat", "delmal")}).fillna("")
    return (prefix + sel["text"].astype(str)).tolist()


def headline_bullets(statements: pd.DataFrame, labels: dict[str, str] | None = None, n: int = 3) -> list[str]:
    """Plain-language findings for the top of the across-groups report."""
    bullets: list[str] = []
    counts = statement_counts(statements)
    n_groups = len(counts)
    bullets.append(
        f"{_count(n_groups, 'gruppe', 'grupper')} har levert {fmt_num(int(counts['n_statements'].sum()))} utsagn: "
        f"{statements_breakdown(counts)}."
    )
    prio = priorities(statements)
    scored = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
    if not scored.empty:
        top = and_list(f"«{theme_label(t, labels)}»" for t in scored["theme"].head(n))
        bullets.append(f"Motkreftene som rangeres høyest for prioritering, handler om {top}.")
    cons = consensus(statements)
    n_bar = int((cons["kind"] == "motkraft").sum()) if not cons.empty else 0
    n_drv = int((cons["kind"] == "kraft").sum()) if not cons.empty else 0
    bullets.append(
        f"Minst {CONSENSUS_MIN_GROUPS} grupper er enige om {_count_or_none(n_drv, 'drivkraft-tema', 'drivkraft-temaer')} "
        f"og {_count_or_none(n_bar, 'motkraft-tema', 'motkraft-temaer')}."
    )
    gaps = coverage_gaps(statements)
    if gaps.empty:
        bullets.append("Alle motkraft-temaer har minst ett foreslått tiltak med samme tema.")
    else:
        names = and_list(f"«{theme_label(t, labels)}»" for t in gaps["theme"].head(n))
        if len(gaps) == 1:
            bullets.append(f"Ett motkraft-tema, {names}, har ingen foreslåtte tiltak med samme tema.")
        else:
            bullets.append(
                f"{len(gaps)} motkraft-temaer har ingen foreslåtte tiltak med samme tema, blant dem {names}."
            )
    thin = counts.loc[counts["thin"], "group"]
    if len(thin):
        bullets.append(
            f"Få utsagn (under {THIN_THRESHOLD}) fra {groups_in_text(thin)}: tolk tallene for "
            f"{'denne gruppen' if len(thin) == 1 else 'disse gruppene'} med varsomhet."
        )
    return bullets


#: The statement kinds in the order a reader meets them in the counts (singular, plural).
_KIND_WORDS: tuple[tuple[str, str, str], ...] = (
    ("kraft", word("drivkraft"), word("drivkraft", "plural")),
    ("motkraft", word("motkraft"), word("motkraft", "plural")),
    ("tiltak", word("tiltak"), word("tiltak", "plural")),
    ("onsket_resultat", word("onsket_resultat"), word("onsket_resultat", "plural")),
    ("delmal", word("delmal"), word("delmal", "plural")),
)


def statements_breakdown(counts: pd.DataFrame | pd.Series) -> str:
    """Every statement accounted for, by kind: «49 drivkrefter, 77 motkrefter, 77 tiltak, 12 ønskede resultater
    og 13 delmål» (kinds with none are left out; statements of no known kind are named as «andre»).

    >>> statements_breakdown(pd.Series({"n_statements": 6, "n_kraft": 1, "n_motkraft": 2, "n_tiltak": 0,
    ...                                 "n_onsket_resultat": 1, "n_delmal": 2}))
    '1 drivkraft, 2 motkrefter, 1 ønsket resultat og 2 delmål'
    """
    total = int(np.asarray(counts["n_statements"]).sum())
    parts, known = [], 0
    for kind, one, many in _KIND_WORDS:
        n = int(np.asarray(counts[f"n_{kind}"]).sum())
        known += n
        if n:
            parts.append(_count(n, one, many))
    if total - known:
        parts.append(f"{fmt_num(total - known)} andre")
    return and_list(parts) if parts else "ingen"


def all_summary_line(
    statements: pd.DataFrame,
    labels: dict[str, str] | None = None,
    *,
    weights: dict[str, float] | None = None,
    n: int = 3,
) -> str:
    """The across-groups report's lead: the counter-force themes ranked highest, and how much the groups agree.

    >>> df = pd.DataFrame({"group": ["a", "b", "c"], "goal": ["bolyst"] * 3, "kind": ["motkraft"] * 3,
    ...                    "text": ["Få boliger", "Ingen boliger", "Dyre boliger"], "strength": [4, 5, 3],
    ...                    "pavirkbar": [4, 4, 4], "themes": [("bolig",)] * 3})
    >>> all_summary_line(df, {"bolig": "Bolig"})
    '«Bolig» er motkraften som rangeres høyest for prioritering. Minst 3 av 3 grupper nevner 1 tema som motkraft og ingen som drivkraft.'
    """
    prio = priorities(statements, weights=weights)
    scored = prio.loc[prio["scored"].astype(bool)] if not prio.empty else prio
    counts = statement_counts(statements)
    if scored.empty:
        first = (
            f"{_count(len(counts), 'gruppe', 'grupper')} har levert {fmt_num(int(counts['n_statements'].sum()))} "
            "utsagn, men ingen motkrefter er vurdert både for styrke og påvirkbarhet, så de kan ikke rangeres ennå."
        )
    else:
        top = [f"«{theme_label(t, labels)}»" for t in scored["theme"].head(n)]
        first = (
            f"{top[0]} er motkraften som rangeres høyest for prioritering."
            if len(top) == 1
            else f"{and_list(top)} er motkreftene som rangeres høyest for prioritering."
        )
    cons = consensus(statements)
    n_bar = int((cons["kind"] == "motkraft").sum()) if not cons.empty else 0
    n_drv = int((cons["kind"] == "kraft").sum()) if not cons.empty else 0
    agree = (
        f"Minst {CONSENSUS_MIN_GROUPS} av {len(counts)} grupper nevner "
        f"{_count_or_none(n_bar, 'tema', 'temaer')} som motkraft og "
        f"{'ingen' if n_drv == 0 else fmt_num(n_drv)} som drivkraft."
    )
    return f"{first} {agree}"


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
    """How many of the group's measures are linked to its counter-forces, and how many counter-forces no measure answers.

    >>> df = pd.DataFrame({"group": ["a", "a"], "goal": ["bolyst"] * 2, "kind": ["tiltak", "motkraft"],
    ...                    "text": ["Bygg boliger", "Få boliger"], "strength": [None, 4], "themes": [(), ()]})
    >>> measures_sentence(df, "a")
    'Det ene tiltaket er ikke koblet til noen av gruppens motkrefter (i notatene eller av analytikeren). Tiltak og motkrefter med samme tema er bare forslag å sjekke, ikke koblinger. Den ene motkraften gruppen nevnte, har ikke noe tiltak koblet til seg.'
    """
    links = measure_links(statements, group, suggestions=False)
    cov = coverage(select_group(statements, group))
    n_m = len(links)
    if n_m == 0:
        return "Gruppen foreslo ingen tiltak."
    answering = int((links["n_answered"] > 0).sum())
    n_c = len(cov)
    open_ = int((cov["status"] == "ikke besvart").sum()) if n_c else 0
    if n_m == 1:
        linked = "Det ene tiltaket er" + ("" if answering else " ikke")
        linked += " koblet til " + ("minst én" if answering else "noen") + " av gruppens motkrefter"
    elif answering == 0:
        linked = f"Ingen av de {fmt_num(n_m, 0)} tiltakene er koblet til noen av gruppens motkrefter"
    elif answering == n_m:
        linked = f"Alle de {fmt_num(n_m, 0)} tiltakene er koblet til minst én av gruppens motkrefter"
    else:
        linked = f"{fmt_num(answering, 0)} av {fmt_num(n_m, 0)} tiltak er koblet til minst én av gruppens motkrefter"
    text = (
        f"{linked} (i notatene eller av analytikeren). Tiltak og motkrefter med samme tema er bare forslag å sjekke, "
        "ikke koblinger."
    )
    if n_c == 1:
        text += " Den ene motkraften gruppen nevnte, har " + ("ikke noe" if open_ else "et") + " tiltak koblet til seg."
    elif n_c and open_ == n_c:
        text += f" Ingen av gruppens {fmt_num(n_c, 0)} motkrefter har et tiltak koblet til seg."
    elif n_c and open_ == 0:
        text += f" Alle gruppens {fmt_num(n_c, 0)} motkrefter har et tiltak koblet til seg."
    elif n_c:
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


def heatmap_strength_title(weighted: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """Title for the theme × group heatmap weighted by strength: the theme with the most strength in all.

    >>> w = pd.DataFrame({"bolig": [4.0, 5.0], "skole": [3.0, 0.0]}, index=["a", "b"])
    >>> heatmap_strength_title(w, {"bolig": "Bolig"})
    '«Bolig» veier tyngst når styrken telles med (sum 9 i 2 grupper)'
    """
    if weighted.empty or weighted.shape[1] == 0 or not (weighted.to_numpy(dtype=float) > 0).any():
        return "Ingen drivkrefter eller motkrefter har vurdert styrke"
    total = weighted.sum(axis=0)
    best = sorted(weighted.columns, key=lambda t: (-total[t], t))[0]
    n = int((weighted[best] > 0).sum())
    return (
        f"«{theme_label(best, labels)}» veier tyngst når styrken telles med "
        f"(sum {fmt_num(total[best], 0)} i {_count(n, 'gruppe', 'grupper')})"
    )


def heatmap_alt(
    profile: pd.DataFrame, labels: dict[str, str] | None = None, what: str = "antall drivkrefter og motkrefter"
) -> str:
    """Alt text for a theme × group heatmap: size and the largest cell."""
    if profile.empty or profile.shape[1] == 0:
        return "Ingen data."
    values = profile.to_numpy(dtype=float)
    i, j = np.unravel_index(int(np.nanargmax(values)), values.shape)
    return (
        f"Varmekart med {profile.shape[1]} temaer som rader og {profile.shape[0]} grupper som kolonner; "
        f"fargen og tallet i hver rute viser {what}. Høyeste verdi er {fmt_num(values[i, j], 0)} for "
        f"«{theme_label(profile.columns[j], labels)}» hos {group_in_text(profile.index[i])}."
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
        f"{group_title(similarity.index[i])} og {group_in_text(similarity.columns[j])} har de mest like "
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
    parts = [
        f"Liggende søylediagram med normalisert nettokraft for hvert av de {_number_word(len(summary_one_group))} "
        "hovedmålene."
    ]
    parts += [balance_title(r) + "." for r in summary_one_group.to_dict("records")]
    return " ".join(parts)


def top_themes_alt(top: pd.DataFrame, group: str, labels: dict[str, str] | None = None) -> str:
    """Alt text for the group's theme bars."""
    items = "; ".join(
        f"{theme_label(t, labels)}: {int(k)} som drivkraft og {int(m)} som motkraft"
        for t, k, m in zip(top["theme"], top["n_kraft"], top["n_motkraft"])
    )
    return (
        f"Liggende søylediagram over de {_number_word(len(top))} temaene {group_in_text(group)} nevner oftest "
        f"som drivkraft eller motkraft. {items}."
    )


def top_themes_title(top: pd.DataFrame, group: str, labels: dict[str, str] | None = None) -> str:
    """Title for the group's theme bars: its most-named theme."""
    if top.empty:
        return f"{group_title(group)}: ingen kodede temaer"
    return f"{group_title(group)} nevner «{theme_label(top['theme'].iloc[0], labels)}» oftest"


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
    if n_m == 0 and n_c == 0:
        return "Ingen tiltak eller motkrefter er både viktige og påvirkbare"
    if n_m == 0 or n_c == 0:
        n = n_m or n_c
        what = _count(n_m, "tiltak", "tiltak") if n_m else _count(n_c, "motkraft", "motkrefter")
        adj = "viktige og påvirkbare" if n > 1 else ("viktig og påvirkbart" if n_m else "viktig og påvirkbar")
        return f"{what} er både {adj} – {'kandidater' if n > 1 else 'en kandidat'} til å gjøre noe nå"
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
    if n == 1:
        return (
            "Én motkraft eller ett tiltak mangler vurdering av viktighet eller påvirkbarhet og er ikke tegnet inn; "
            "det står nederst i tabellen som «ikke vurdert». Manglende verdier fylles aldri inn."
        )
    return (
        f"{fmt_num(n)} motkrefter og tiltak mangler vurdering av viktighet eller påvirkbarhet og er ikke tegnet inn; "
        "de står nederst i tabellen som «ikke vurdert». Manglende verdier fylles aldri inn."
    )


def coverage_sentence(statements: pd.DataFrame, *, scope: str = "all") -> str:
    """How many counter-forces share a theme with a proposed measure (theme level, one sentence)."""
    cov = _coverage_status(statements, scope)
    if cov.empty:
        return "Ingen motkrefter er registrert."
    counts = cov["status"].value_counts()
    who = "et foreslått tiltak" if scope == "all" else "et tiltak fra samme gruppe"
    covered, not_covered = int(counts.get(THEME_COVERED, 0)), int(counts.get(THEME_NOT_COVERED, 0))
    untagged = int(counts.get("uten tema", 0))
    text = f"Av {_count(len(cov), 'motkraft', 'motkrefter')} har {fmt_num(covered) if covered else 'ingen'} samme tema som {who}"
    tail = []
    if covered and not_covered:
        tail.append(f"{fmt_num(not_covered)} har ikke det")
    if untagged:
        tail.append(f"{fmt_num(untagged)} er ikke kodet med tema")
    if tail:
        text += (", " if len(tail) > 1 else ", og ") + ", og ".join(tail)
    return text + "."


def overview_figures(counts: pd.DataFrame) -> dict[str, str]:
    """Key figures for the across-groups report from :func:`statement_counts` (labels → formatted numbers)."""
    figures = {
        "Grupper": fmt_num(len(counts)),
        "Utsagn i alt": fmt_num(int(counts["n_statements"].sum())),
        **_kind_figures(counts),
    }
    return figures


def _kind_figures(counts: pd.DataFrame | pd.Series) -> dict[str, str]:
    """One key figure per statement kind, so the cards add up to «Utsagn i alt» (any other kind as «Andre»)."""
    labels = {
        "kraft": "Drivkrefter",
        "motkraft": "Motkrefter",
        "tiltak": "Tiltak",
        "onsket_resultat": "Ønskede resultater",
        "delmal": "Delmål",
    }
    figures = {label: fmt_num(int(np.asarray(counts[f"n_{k}"]).sum())) for k, label in labels.items()}
    rest = int(np.asarray(counts["n_statements"]).sum()) - sum(int(np.asarray(counts[f"n_{k}"]).sum()) for k in labels)
    if rest:
        figures["Andre utsagn"] = fmt_num(rest)
    return figures


def thin_groups_caution(counts: pd.DataFrame) -> str | None:
    """A caution naming the groups with fewer than ``THIN_THRESHOLD`` statements, or ``None``."""
    thin = counts.loc[counts["thin"].to_numpy(dtype=bool), "group"]
    if not len(thin):
        return None
    return (
        f"{_count(len(thin), 'gruppe', 'grupper')} har færre enn {THIN_THRESHOLD} utsagn: {groups_in_text(thin)}. "
        "Det de sa, er med i oversiktene, men veier lite, og tallene for dem er usikre."
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
    "Hver søyle viser hvor mange av gruppens drivkrefter og motkrefter som handler om temaet, blått som drivkraft og "
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


def group_intro(group: str) -> str:
    """What the group's report shows, naming the group and its meeting in their natural form.

    >>> group_intro("kommunestyret")
    'Rapporten viser hva kommunestyret sa i workshopen: hva gruppen ønsker for kommunen, hva som drar mot hovedmålene, hva som holder igjen, og hvilke tiltak gruppen foreslår.'
    >>> group_intro("grendemote:drevsjo")
    'Rapporten viser hva innbyggerne sa på grendemøtet i Drevsjø: hva de ønsker for kommunen, hva som drar mot hovedmålene, hva som holder igjen, og hvilke tiltak de foreslår.'
    """
    what = "hva gruppen ønsker for kommunen, hva som drar mot hovedmålene, hva som holder igjen, og hvilke tiltak"
    if is_village(group):
        return f"Rapporten viser hva innbyggerne sa {group_at(group)}: {what.replace('gruppen', 'de')} de foreslår."
    return f"Rapporten viser hva {group_in_text(group)} sa i {word('workshop', 'definite')}: {what} gruppen foreslår."


def no_statements(group: str) -> str:
    """The one message of a group report without statements."""
    return (
        f"Det er ikke registrert noen utsagn {group_from(group)}. Rapporten fylles ut når notatene er lagt inn "
        "i mappen data/raw/workshops og rapportene er bygget på nytt (analysis reports)."
    )


def measures_caption(group: str) -> str:
    """Caption of a group's table of measures: «Tiltak kommunestyret foreslo», «Tiltak foreslått på grendemøtet i Elgå»."""
    if is_village(group):
        return f"Tiltak foreslått {group_at(group)}"
    return f"Tiltak {group_in_text(group)} foreslo"


def group_from(group: str) -> str:
    """«fra kommunestyret», «fra grendemøtet i Drevsjø»."""
    return f"fra {group_in_text(group)}"


NO_STATEMENTS_AT_ALL = (
    "Det er ikke registrert noen utsagn fra workshops eller grendemøter ennå. Legg notatene i mappen "
    "data/raw/workshops (malen lages med «analysis template») og bygg rapportene på nytt (analysis reports)."
)


def thin_group(group: str, n_statements: int) -> str:
    """The caution of a group with fewer than ``THIN_THRESHOLD`` statements."""
    return (
        f"Det er bare {_count(n_statements, 'utsagn', 'utsagn')} {group_from(group)} (færre enn {THIN_THRESHOLD}). "
        "Diagrammene bygger på svært lite materiale, og ett utsagn mer eller mindre kan endre bildet."
    )


def group_figures(counts: pd.Series, discussed: dict[str, bool]) -> dict[str, str]:
    """Key figures of one group: statements, one card per kind (they add up to the statements), goals discussed."""
    return {
        "Utsagn i alt": fmt_num(counts["n_statements"]),
        **_kind_figures(counts),
        "Hovedmål drøftet": f"{sum(discussed.values())} av {len(discussed)}",
    }


def group_summary(group: str, summary: pd.DataFrame, forces: pd.DataFrame, n_measures: int, n_linked: int) -> str:
    """The group report's lead: which side weighs most across the goals, the strongest counter-force, the measures.

    ``summary`` is :func:`~analysis.forcefield.metrics.force_summary` for the group, ``forces`` its forces
    (:func:`~analysis.forcefield.metrics.forces`), ``n_linked`` how many of its ``n_measures`` measures are
    linked to a counter-force.

    >>> s = pd.DataFrame({"goal": ["bolyst", "unge"], "net_force": [-3.0, 2.0], "n_kraft": [1, 1], "n_motkraft": [2, 0]})
    >>> f = pd.DataFrame({"kind": ["motkraft", "motkraft"], "text": ["Få boliger", "Lang vei"],
    ...                   "strength": [5.0, 2.0], "scored": [True, True]})
    >>> group_summary("kommunestyret", s, f, 4, 1)
    'Hos kommunestyret veier drivkreftene og motkreftene like tungt: hver side veier tyngst for ett av to hovedmål. Den sterkeste motkraften er «Få boliger» (styrke 5). Gruppen foreslo 4 tiltak; 1 av dem er koblet til en motkraft.'
    """
    net = summary["net_force"].astype(float)
    neg, pos, total = int((net < 0).sum()), int((net > 0).sum()), len(summary)
    at = group_at(group) if is_village(group) else f"hos {group_in_text(group)}"
    at_start = at[:1].upper() + at[1:]
    if neg == 0 and pos == 0:
        n_forces = int(summary["n_kraft"].sum() + summary["n_motkraft"].sum())
        rated = bool(len(forces)) and bool(forces["scored"].astype(bool).any())
        if n_forces == 0:
            first = f"Ingen drivkrefter eller motkrefter ble nevnt {at}."
        elif rated:  # rated, and the two sides weigh the same for every goal (net 0)
            first = (
                f"{at_start} veier drivkreftene og motkreftene like tungt for "
                f"{'hovedmålet' if total == 1 else 'alle hovedmålene'} der styrken er vurdert."
            )
        else:
            first = (
                f"{_count(n_forces, 'drivkraft eller motkraft', 'drivkrefter og motkrefter')} ble nevnt {at}, "
                "men styrken er ikke vurdert."
            )
    elif neg == pos:
        first = (
            f"{at_start} veier drivkreftene og motkreftene like tungt: hver side veier tyngst for "
            f"{_number_word(neg)} av {_number_word(total)} hovedmål."
        )
    else:
        (side, n_side), (other, n_other) = sorted([("Motkreftene", neg), ("Drivkreftene", pos)], key=lambda x: -x[1])
        share = (
            f"alle de {_number_word(total)} hovedmålene"
            if n_side == total and total > 1
            else f"{_number_word(n_side)} av {_number_word(total)} hovedmål"
        )
        first = f"{at_start} veier {side.lower()} tyngst for {share}"
        first += f", {other.lower()} for {_number_word(n_other)}." if n_other else "."
    parts = [first]
    counter = forces.loc[(forces["kind"] == "motkraft") & forces["scored"].astype(bool)] if len(forces) else forces
    if len(counter):
        top = counter.sort_values("strength", ascending=False, kind="stable").iloc[0]
        parts.append(f"Den sterkeste motkraften er «{top['text']}» (styrke {fmt_num(top['strength'], 0)}).")
    if n_measures == 0:
        parts.append("Gruppen foreslo ingen tiltak.")
    else:
        if n_measures == 1:
            linked = "det er koblet til en motkraft" if n_linked else "det er ikke koblet til noen motkraft"
        elif n_linked == 0:
            linked = "ingen av dem er koblet til en motkraft"
        elif n_linked == n_measures:
            linked = "alle er koblet til en motkraft"
        else:
            linked = f"{fmt_num(n_linked)} av dem er koblet til en motkraft"
        parts.append(f"Gruppen foreslo {_count(n_measures, 'tiltak', 'tiltak')}; {linked}.")
    return " ".join(parts)


NO_GROUP_STATEMENTS = "Ingen utsagn registrert fra gruppen."


def consensus_intro() -> str:
    return (
        f"Et tema regnes som felles når minst {CONSENSUS_MIN_GROUPS} grupper nevner det, som drivkraft eller "
        "som motkraft."
    )
