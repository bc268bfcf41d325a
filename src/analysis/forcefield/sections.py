"""The sections of the force-field reports, ready to display.

Two reports use them: one stakeholder group (:func:`load_group` and the ``group_*`` sections) and
all groups together (:func:`load_all` and the ``all_*`` sections). Statements are the groups'
collective notes; they are scrubbed of names, phone numbers and the like before anything is shown
(:func:`analysis.forcefield.metrics.for_display`), and every text is HTML-escaped by
:mod:`analysis.report.html`. A section returns a list of display objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.forcefield import metrics, plots, text
from analysis.numfmt import fmt_num
from analysis.profile import load_profile
from analysis.report import html
from analysis.report.glossary import glossary_section
from analysis.report.labels import goal_label, group_in_text, group_title
from analysis.workshops.store import load_statements

Section = list[Any]

#: A list or table in a group's report shows at most this many rows; the others are counted under it.
#: Charts are capped the same way (:data:`analysis.forcefield.plots.MAX_DRAWN_PER_SIDE`), and the
#: measures' links are worked out only for what is shown, so a group with 60 000 statements gets its
#: report in seconds (benchmarks/bench_group_report.py).
MAX_LISTED = 30
#: At most this many counter-forces are named beside each measure.
MAX_ANSWERS_SHOWN = 5


def _more(n_more: int, what: str) -> Section:
    if n_more <= 0:
        return []
    return [html.paragraph(f"… og {fmt_num(n_more, 0)} {what} til, som ikke er listet her, men er med i tallene.")]


def _ranked_measures(statements: pd.DataFrame) -> pd.DataFrame:
    """The group's measures, most votes first, then highest påvirkbar, then text."""
    m = statements.loc[statements["kind"].astype(str) == "tiltak"]
    order = m.assign(
        _v=-pd.to_numeric(m["votes"], errors="coerce").fillna(-1),
        _p=-pd.to_numeric(m["pavirkbar"], errors="coerce").fillna(0),
        _t=m["text"].astype(str),
    )
    return order.sort_values(["_v", "_p", "_t"], kind="stable").drop(columns=["_v", "_p", "_t"])


def _with_measures(statements: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The group's statements with only ``measures`` among the measures (the ones shown)."""
    others = statements.loc[statements["kind"].astype(str) != "tiltak"]
    return pd.concat([others, measures], ignore_index=True)


def _short_answers(links: pd.DataFrame) -> pd.DataFrame:
    """The counter-forces named beside each measure, at most :data:`MAX_ANSWERS_SHOWN` (strongest first)."""

    def cut(a: tuple) -> tuple:
        a = tuple(a)
        if len(a) <= MAX_ANSWERS_SHOWN:
            return a
        return (*a[:MAX_ANSWERS_SHOWN], f"og {fmt_num(len(a) - MAX_ANSWERS_SHOWN, 0)} til")

    return links.assign(answers=links["answers"].map(cut))


def _illustrative(what: str = "Utsagnene") -> Section:
    return [html.illustrative_notice(what)] if metrics.data_is_illustrative() else []


# --------------------------------------------------------------------------- one group


@dataclass
class GroupReport:
    group: str
    name: str  # the group as a title («Grendemøtet i Drevsjø»); in a sentence: :attr:`in_text`
    statements: pd.DataFrame = field(repr=False)  # the group's own statements (scrubbed)
    counts: pd.Series = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    discussed: dict[str, bool]
    theme_names: dict[str, str]

    @property
    def has_data(self) -> bool:
        return bool(self.counts["n_statements"] > 0)

    @property
    def in_text(self) -> str:
        """The group's name inside a sentence («kommunestyret», «grendemøtet i Drevsjø»)."""
        return group_in_text(self.group)


def load_group(group: str) -> GroupReport:
    """The cleaned statements of one group (scrubbed for display) and its counts."""
    statements = metrics.for_display(load_statements())
    own = metrics.select_group(statements, group)
    return GroupReport(
        group=group,
        name=group_title(group),
        statements=own,
        counts=metrics.statement_counts(statements, groups=[group]).iloc[0],
        summary=metrics.force_summary(own, groups=[group]),
        discussed=metrics.goals_discussed(own, group),
        theme_names=text.theme_labels(),
    )


def group_intro(g: GroupReport) -> Section:
    """The lead (what the group's statements show), the illustrative notice, what the page shows, key figures."""
    out: Section = []
    if g.has_data:
        measures = g.statements.loc[g.statements["kind"].astype(str) == "tiltak"]
        n_linked = 0
        if len(measures):
            links = metrics.measure_links(g.statements, g.group, suggestions=False)
            n_linked = int((links["n_answered"] > 0).sum())
        out.append(
            html.summary(text.group_summary(g.group, g.summary, metrics.forces(g.statements), len(measures), n_linked))
        )
    out += _illustrative()
    out.append(html.paragraph(text.group_intro(g.group)))
    if not g.has_data:
        out.append(html.missing_data(text.no_statements(g.group)))
    elif g.counts["thin"]:
        out.append(html.caution(text.thin_group(g.group, int(g.counts["n_statements"]))))
    if g.has_data:
        out.append(html.key_figures(text.group_figures(g.counts, g.discussed)))
    return out


def _no_group_data() -> Section:
    return [html.paragraph(text.NO_GROUP_STATEMENTS)]


def group_desired(g: GroupReport) -> Section:
    """What the group wants: desired results and sub-goals per goal (at most :data:`MAX_LISTED` per goal)."""
    if not g.has_data:
        return _no_group_data()
    desired = metrics.desired_results(g.statements, g.group)
    out: Section = []
    if desired.empty:
        out.append(
            html.paragraph(f"Det ble ikke skrevet ned ønskede resultater eller delmål {text.group_at(g.group)}.")
        )
    for goal in [*load_profile().goal_ids, None]:
        items = text.desired_results_items(desired, goal)
        if items:
            out += [html.heading(goal_label(goal), 3), html.bullet_list(items[:MAX_LISTED])]
            out += _more(len(items) - MAX_LISTED, "ønskede resultater og delmål")
    return out


def group_forces(g: GroupReport) -> Section:
    """One force-field diagram per goal."""
    if not g.has_data:
        return _no_group_data()
    out: Section = []
    for goal in load_profile().goal_ids:
        out.append(html.heading(goal_label(goal), 3))
        goal_forces = metrics.forces(g.statements, goal=goal)
        if not g.discussed[goal]:
            out.append(html.paragraph("Gruppen drøftet ikke dette målet."))
        elif goal_forces.empty:
            out.append(html.paragraph("Gruppen drøftet målet, men nevnte ingen drivkrefter eller motkrefter."))
        else:
            row = g.summary.loc[g.summary["goal"] == goal].iloc[0]
            out.append(
                html.figure(
                    plots.lewin_diagram(goal_forces, text.balance_title(row)),
                    alt=text.balance_alt(goal_forces, goal),
                    caption=f"Kraftfelt for «{goal_label(goal)}» slik {g.in_text} ser det. Styrke 1–5 slik gruppen vurderte."
                    + (
                        f" De {plots.MAX_DRAWN_PER_SIDE} sterkeste på hver side er tegnet; de andre er telt under "
                        "figuren og regnet med i nettokraften."
                        if (goal_forces["kind"] == "kraft").sum() > plots.MAX_DRAWN_PER_SIDE
                        or (goal_forces["kind"] == "motkraft").sum() > plots.MAX_DRAWN_PER_SIDE
                        else ""
                    ),
                    guide=text.LEWIN_GUIDE,
                )
            )
    return out


def group_balance(g: GroupReport) -> Section:
    """The net balance of forces per goal."""
    if not g.has_data:
        return _no_group_data()
    return [
        html.figure(
            plots.net_balance_chart(g.summary, text.balance_headline(g.summary)),
            alt=text.balance_alt_all(g.summary),
            caption=f"Nettokraft per hovedmål for {g.in_text}.",
            guide=text.NET_GUIDE,
        ),
        html.table(
            text.summary_table(g.summary),
            caption=f"Drivkrefter og motkrefter per hovedmål – {g.name}",
            decimals={
                "Normalisert (−1 til +1)": 2,
                "Nettokraft": 0,
                "Sum styrke drivkrefter": 0,
                "Sum styrke motkrefter": 0,
            },
        ),
        html.paragraph(text.NET_FORMULA),
    ]


def group_themes(g: GroupReport) -> Section:
    """The group's most-named themes."""
    if not g.has_data:
        return _no_group_data()
    top = metrics.top_themes(g.statements, g.group, n=6)
    if top.empty:
        return [html.no_data("Ingen av gruppens drivkrefter eller motkrefter er kodet med tema.")]
    return [
        html.figure(
            plots.theme_bars(top, text.top_themes_title(top, g.group, g.theme_names), g.theme_names),
            alt=text.top_themes_alt(top, g.group, g.theme_names),
            caption=f"Temaene {g.in_text} nevner oftest blant drivkreftene og motkreftene.",
            guide=text.THEMES_GUIDE,
        )
    ]


def group_measures(g: GroupReport) -> Section:
    """The group's measures and the counter-forces they are linked to; counter-forces no measure answers.

    At most :data:`MAX_LISTED` measures (most votes first) and counter-forces are listed; the counts in
    the sentence above the tables cover all of them.
    """
    if not g.has_data:
        return _no_group_data()
    ranked = _ranked_measures(g.statements)
    shown = ranked.head(MAX_LISTED)
    large = len(ranked) > MAX_LISTED
    links = metrics.measure_links(_with_measures(g.statements, shown) if large else g.statements, g.group)
    if large:
        order = {sid: i for i, sid in enumerate(shown["statement_id"].astype(str))}
        links = links.assign(_o=links["statement_id"].astype(str).map(order)).sort_values("_o", kind="stable")
        links = links.drop(columns=["_o"]).reset_index(drop=True)
    out = [html.paragraph(text.measures_sentence(g.statements, g.group))]
    if not links.empty:
        out.append(
            html.table(
                text.measures_table(_short_answers(links), g.theme_names),
                caption=text.measures_caption(g.group),
            )
        )
        out += _more(len(ranked) - len(shown), "tiltak")
    open_counters = text.uncovered_table(g.statements, g.group)
    if not open_counters.empty:
        out.append(
            html.table(open_counters.head(MAX_LISTED), caption="Motkrefter ingen av gruppens tiltak er koblet til")
        )
        out += _more(len(open_counters) - MAX_LISTED, "motkrefter uten koblet tiltak")
    return out


def _matrix_section(items: pd.DataFrame, who: str, *, groups: bool, caption: str) -> Section:
    if items.empty or not items["plotted"].any():
        return [
            html.no_data(
                f"Ingen av motkreftene eller tiltakene til {who} er vurdert både for viktighet og påvirkbarhet, "
                "så prioriteringsmatrisen kan ikke tegnes. Tabellen viser det som er vurdert."
            ),
            *([html.table(text.matrix_table(items, groups=groups), caption=caption)] if not items.empty else []),
        ]
    out: Section = [
        html.figure(
            plots.matrix_chart(items, text.matrix_title(items)),
            alt=text.matrix_alt(items, who),
            caption="Distriktssenterets prioriteringsmatrise: hvor viktig hver motkraft og hvert tiltak er, mot hvor "
            "mye kommunen selv kan påvirke det. Numrene viser til tabellen under.",
            guide=text.MATRIX_GUIDE,
        ),
        html.table(text.matrix_table(items, groups=groups), caption=caption),
    ]
    note = text.matrix_unscored_sentence(items)
    if note:
        out.append(html.paragraph(note))
    return out


def group_matrix(g: GroupReport) -> Section:
    """Distriktssenteret's prioritisation matrix of the group's counter-forces and measures.

    A group with more than :data:`MAX_LISTED` scored items gets the :data:`MAX_LISTED` with the highest
    importance × påvirkbar in the chart and its table; the others are counted under it.
    """
    if not g.has_data:
        return _no_group_data()
    items = metrics.matrix_items(g.statements, g.group)
    caption = f"Punktene i prioriteringsmatrisen – {g.name}"
    plotted = items.loc[items["plotted"]] if len(items) else items
    unscored = items.loc[~items["plotted"]] if len(items) else items
    if len(plotted) <= MAX_LISTED and len(unscored) <= MAX_LISTED:
        return _matrix_section(items, g.in_text, groups=False, caption=caption)
    shown = pd.concat([plotted.head(MAX_LISTED), unscored.head(MAX_LISTED)], ignore_index=True)
    out = _matrix_section(shown, g.in_text, groups=False, caption=caption)
    out += _more(len(plotted) - MAX_LISTED, "vurderte motkrefter og tiltak med lavere viktighet × påvirkbarhet")
    out += _more(len(unscored) - MAX_LISTED, "motkrefter og tiltak som ikke er vurdert for begge")
    return out


# --------------------------------------------------------------------------- all groups


@dataclass
class AllGroups:
    data: pd.DataFrame = field(repr=False)  # prepared statements of every group (scrubbed)
    counts: pd.DataFrame = field(repr=False)
    theme_names: dict[str, str]
    top_n: int = 10
    group_weights: dict[str, float] | None = None  # None: metrics.DEFAULT_GROUP_WEIGHTS

    @property
    def has_data(self) -> bool:
        return bool(len(self.data))


def load_all(top_n: int = 10, group_weights: dict[str, float] | None = None) -> AllGroups:
    """Every group's statements (scrubbed), counts and the group weights of the priority score."""
    data = metrics.prepare(metrics.for_display(load_statements()))
    metrics.group_weights(data["group"].unique(), group_weights)  # a bad weight fails here, with its group
    return AllGroups(
        data=data,
        counts=metrics.statement_counts(data),
        theme_names=text.theme_labels(),
        top_n=top_n,
        group_weights=group_weights,
    )


def all_intro(a: AllGroups) -> Section:
    """The lead (the highest-ranked counter-forces and what the groups agree on) and the illustrative notice."""
    out: Section = []
    if a.has_data:
        out.append(html.summary(text.all_summary_line(a.data, a.theme_names, weights=a.group_weights)))
    out += _illustrative()
    if not a.has_data:
        out.append(html.missing_data(text.NO_STATEMENTS_AT_ALL))
    return out


def all_summary(a: AllGroups) -> Section:
    if not a.has_data:
        return []
    return [
        html.key_figures(text.overview_figures(a.counts)),
        html.bullet_list(text.headline_bullets(a.data, a.theme_names)),
    ]


def all_priorities(a: AllGroups) -> Section:
    """The counter-force themes ranked for prioritisation, with the formula, the weights and a sensitivity line."""
    if not a.has_data:
        return []
    prio = metrics.priorities(a.data, weights=a.group_weights)
    sens = metrics.priority_sensitivity(a.data, weights=a.group_weights)
    out = [
        html.figure(
            plots.priority_chart(prio, text.priority_title(prio, a.theme_names), a.theme_names, n=a.top_n),
            alt=text.priority_alt(prio, a.theme_names, n=a.top_n),
            caption="Kandidater til prioritering: motkrefter samlet per tema.",
            guide=text.PRIORITY_GUIDE,
        ),
        html.paragraph(text.PRIORITY_FORMULA),
        html.paragraph(text.weights_sentence(a.group_weights)),
        html.paragraph(text.sensitivity_sentence(sens, a.theme_names)),
    ]
    scored = text.priorities_table(prio, a.theme_names, n=a.top_n)
    if not scored.empty:
        out.append(html.table(scored, caption=f"De {len(scored)} høyest rangerte motkraft-temaene", decimals=2))
    unscored = text.unscored_table(prio, a.theme_names)
    if not unscored.empty:
        out += [
            html.heading("Motkraft-temaer som ikke kan rangeres ennå", 3),
            html.paragraph(
                "Disse temaene mangler vurdert styrke eller påvirkbarhet. De får ingen poengsum – manglende verdier "
                "fylles ikke inn – og rangeres her for seg, etter vektet antall grupper og styrke. Koble tiltak til "
                "motkreftene, eller vurder påvirkbarheten, så kommer de med i rangeringen."
            ),
            html.table(unscored, caption="Motkraft-temaer uten fullstendig vurdering"),
        ]
    return out


def all_matrix(a: AllGroups, max_points: int = 16) -> Section:
    """Distriktssenteret's prioritisation matrix across all groups: the items most important and within reach."""
    if not a.has_data:
        return []
    items = metrics.matrix_items(a.data, weights=a.group_weights)
    shown = items.loc[items["plotted"]].head(max_points)
    rest = items.loc[items["plotted"]].iloc[max_points:]
    out: Section = [
        html.paragraph(
            "Motkrefter og tiltak med samme tekst hos flere grupper er ett punkt; verdiene er gjennomsnittet for hver "
            f"gruppe først og så for gruppene, med vektene over. Diagrammet viser de {len(shown)} punktene med høyest "
            "viktighet × påvirkbarhet" + (f"; de {len(rest)} andre står i tabellen under." if len(rest) else ".")
        )
    ]
    chart_items = pd.concat([shown, items.loc[~items["plotted"]]], ignore_index=True)
    out += _matrix_section(chart_items, "alle gruppene", groups=True, caption="Punktene i prioriteringsmatrisen")
    if len(rest):
        out.append(
            html.table(
                text.matrix_table(rest.assign(plotted=False), groups=True).assign(**{"Nr.": "–"}),
                caption="Andre vurderte motkrefter og tiltak (ikke i diagrammet)",
            )
        )
    return out


def all_consensus(a: AllGroups) -> Section:
    """Themes that at least three groups name, as driving and as restraining forces."""
    if not a.has_data:
        return []
    agreed = metrics.consensus(a.data)
    out = [html.paragraph(text.consensus_intro())]
    for kind, label in (("kraft", "drivkraft"), ("motkraft", "motkraft")):
        out.append(html.heading(f"Temaer minst {metrics.CONSENSUS_MIN_GROUPS} grupper nevner som {label}", 3))
        table = text.consensus_table(agreed, kind, a.theme_names)
        if table.empty:
            out.append(html.paragraph(f"Ingen temaer nevnes som {label} av så mange grupper."))
        else:
            out.append(html.table(table, caption=f"Felles temaer for {text.word(label, 'plural_definite')}"))
    return out


def all_themes(a: AllGroups) -> Section:
    """Theme × group heatmaps: counts and summed strength."""
    if not a.has_data:
        return []
    profile = metrics.theme_profile(a.data)
    weighted = metrics.theme_profile(a.data, weight="strength")
    if profile.shape[1] == 0:
        return [html.no_data("Ingen drivkrefter eller motkrefter er kodet med tema.")]
    return [
        html.figure(
            plots.theme_heatmap(profile, text.heatmap_title(profile, a.theme_names), a.theme_names),
            alt=text.heatmap_alt(profile, a.theme_names),
            caption="Antall drivkrefter og motkrefter per tema og gruppe.",
            guide=text.HEATMAP_GUIDE,
        ),
        html.figure(
            plots.theme_heatmap(
                weighted,
                text.heatmap_strength_title(weighted, a.theme_names),
                a.theme_names,
                value_label="Sum styrke",
            ),
            alt=text.heatmap_alt(weighted, a.theme_names, what="summen av styrke (1–5) for drivkrefter og motkrefter"),
            caption="Sum styrke for drivkrefter og motkrefter per tema og gruppe.",
            guide=text.HEATMAP_STRENGTH_GUIDE,
        ),
    ]


def all_unique(a: AllGroups) -> Section:
    """What only one group named."""
    if not a.has_data:
        return []
    unique = metrics.unique_perspectives(a.data)
    if unique.empty:
        return [html.paragraph("Alle temaer er nevnt av minst to grupper.")]
    return [
        html.paragraph(
            "Temaer som bare én gruppe nevnte som drivkraft, som motkraft eller som tiltak – "
            "perspektiver de andre gruppene ikke tok opp."
        ),
        html.table(text.unique_table(unique, a.theme_names), caption="Perspektiver bare én gruppe tok opp"),
    ]


def all_similarity(a: AllGroups) -> Section:
    """How alike the groups' theme profiles are."""
    if not a.has_data:
        return []
    similarity = metrics.theme_similarity(a.data)
    if len(similarity) < 2:
        return [html.no_data("Det trengs minst to grupper for å sammenligne.")]
    return [
        html.figure(
            plots.similarity_heatmap(similarity, text.similarity_title(similarity)),
            alt=text.similarity_alt(similarity),
            caption="Likhet mellom gruppenes temaprofiler (cosinuslikhet).",
            guide=text.SIMILARITY_GUIDE,
        ),
        html.paragraph(text.similarity_method(similarity)),
    ]


def all_coverage(a: AllGroups) -> Section:
    """Counter-force themes no measure answers, across all groups and within each group."""
    if not a.has_data:
        return []
    gaps = metrics.coverage_gaps(a.data)
    out = [html.paragraph(text.COVERAGE_RULE), html.paragraph(text.coverage_sentence(a.data))]
    if gaps.empty:
        out.append(html.paragraph("Alle motkraft-temaer har minst ett foreslått tiltak fra en av gruppene."))
    else:
        out.append(html.table(text.gaps_table(gaps, a.theme_names), caption="Motkraft-temaer uten foreslåtte tiltak"))
    own_gaps = metrics.coverage_gaps(a.data, scope="group")
    if not own_gaps.empty:
        out += [
            html.heading("Motkrefter gruppene selv ikke foreslo tiltak mot", 3),
            html.paragraph(text.coverage_sentence(a.data, scope="group")),
            html.table(
                text.gaps_table(own_gaps, a.theme_names),
                caption="Temaer der gruppene nevner motkrefter uten å foreslå egne tiltak",
            ),
        ]
    return out


def all_counts(a: AllGroups) -> Section:
    """How much each group said, with a caution for thin groups."""
    if not a.has_data:
        return []
    out: Section = []
    thin = text.thin_groups_caution(a.counts)
    if thin:
        out.append(html.caution(thin))
    out.append(html.table(text.counts_table(a.counts), caption="Utsagn per gruppe"))
    return out


def glossary() -> Section:
    """«Ord og begreper»: the words of the force-field reports, each with a one-line explanation."""
    return glossary_section("forcefield")
