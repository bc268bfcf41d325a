"""The sections of the survey report ("Bolyst og flytting"), ready to display.

``survey = sections.load(kommunenummer, min_cell=..., shareable=..., allow_quotes=...)`` reads the
cleaned survey once; each section returns a list of display objects. Estimates come from
:mod:`.analysis` (weighted, small groups hidden below ``min_cell``), the wording from :mod:`.text`,
the charts from :mod:`.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.numfmt import fmt_int
from analysis.privacy import can_show_quotes, fewer_than, label_suppressed, quotes_for_report
from analysis.profile import Profile, load_profile
from analysis.report import html
from analysis.report.glossary import glossary_section
from analysis.report.labels import and_list
from analysis.survey import analysis as sa
from analysis.survey import plots, text
from analysis.survey.codebook import load_codebook
from analysis.survey.store import load_survey

Section = list[Any]
GENDERS = ["female", "male"]


@dataclass
class SurveyReport:
    responses: pd.DataFrame = field(repr=False)
    manifest: dict
    name: str
    bands: list[str]
    threshold: int
    shareable: bool
    allow_quotes: bool
    ages: str = ""  # the survey's age range, e.g. "18–40"

    @property
    def weighting(self) -> dict:
        return self.manifest.get("weighting", {})

    @property
    def residents(self) -> pd.DataFrame:
        return sa.residents(self.responses)

    @property
    def out_movers(self) -> pd.DataFrame:
        return sa.out_movers(self.responses)

    @property
    def has_data(self) -> bool:
        return len(self.residents) >= self.threshold

    @property
    def weighted(self) -> bool:
        return bool(self.weighting.get("converged"))


def load(*, min_cell: int, shareable: bool, allow_quotes: bool, profile: Profile | None = None) -> SurveyReport:
    """The cleaned survey (``analysis clean``) for the profile's municipality.

    When the answers could not be weighted (no SSB population figures when they were cleaned), the
    report works on the answers as they came in (every resident weight 1) and says so on the page.
    """
    profile = profile or load_profile()
    survey = load_survey()
    codebook = load_codebook()
    responses = survey.responses
    if not survey.manifest.get("weighting", {}).get("converged") and "weight" in responses.columns:
        responses = responses.copy()
        scope = (
            responses["in_scope"].astype(bool).to_numpy() & responses["status"].eq("resident").fillna(False).to_numpy()
        )
        responses["weight"] = np.where(scope, 1.0, np.nan)
    return SurveyReport(
        responses=responses,
        manifest=survey.manifest,
        name=profile.kommune.name,
        bands=codebook.band_labels(),
        ages=f"{codebook.age_min}–{codebook.age_max}",
        threshold=min_cell,
        shareable=shareable,
        allow_quotes=allow_quotes,
    )


def intro(s: SurveyReport) -> Section:
    """The lead (what the answers show), the illustrative notice, and why nothing is shown when answers are missing."""
    out: Section = []
    if s.has_data:
        satisfaction = sa.satisfaction_by_item(s.responses, threshold=s.threshold)
        moves = sa.move_intentions(s.responses, threshold=s.threshold)
        out.append(html.summary(text.summary_line(satisfaction, moves, s.name, s.ages)))
    out.append(html.illustrative_notice("Svarene") if s.manifest.get("illustrative") else html.paragraph(""))
    if s.responses.empty:
        out.append(html.missing_data(text.NO_ANSWERS))
    elif not s.has_data:
        out.append(html.no_data(text.too_few_answers(len(s.residents), s.threshold)))
    if s.has_data and not s.weighted:
        out.append(html.caution(text.unweighted_reason(s.weighting)))
    return out


def respondents(s: SurveyReport) -> Section:
    r = s.responses
    in_scope = r.loc[r["in_scope"].astype(bool).to_numpy()] if "in_scope" in r.columns else r.iloc[0:0]
    status = in_scope["status"].astype(str) if len(in_scope) else pd.Series(dtype=str)
    residents, out_movers = int((status == "resident").sum()), int((status == "out_mover").sum())
    weighted = len(s.residents) if s.weighted else None
    no_age = int(in_scope["age_band"].isna().sum()) if "age_band" in in_scope.columns else 0
    return [
        html.key_figures(
            text.respondent_figures(residents, out_movers, s.name, s.weighting, s.threshold, s.ages, weighted)
        ),
        html.paragraph(text.respondents_sentence(s.manifest, s.ages, residents, out_movers, weighted, no_age)),
    ]


def respondent_tables(s: SurveyReport) -> Section:
    """Who answered, by age and by gender (small cells and their complements hidden)."""
    by_age = sa.profile_table(s.responses, "age_band", threshold=s.threshold, status_labels=text.status_labels(s.name))
    by_gender = sa.profile_table(
        s.responses,
        "gender",
        threshold=s.threshold,
        row_labels=text.GENDER_LABELS,
        status_labels=text.status_labels(s.name),
    )
    return [
        html.table(label_suppressed(by_age).reset_index(names="Alder"), text.profile_caption("alder", s.threshold)),
        html.table(label_suppressed(by_gender).reset_index(names="Kjønn"), text.profile_caption("kjønn", s.threshold)),
    ]


def satisfaction(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    table = sa.satisfaction_by_item(s.responses, threshold=s.threshold)
    finding = text.finding_satisfaction(table)
    return [
        html.callout(finding, title="Funn:"),
        html.figure(
            plots.satisfaction_chart(table, threshold=s.threshold),
            alt=(
                "Punktdiagram med gjennomsnittlig tilfredshet fra 1 til 5 for elleve temaer, med 95 % "
                "konfidensintervall. " + finding
            ),
            caption=f"Tilfredshet blant innbyggere {s.ages} år, vektet etter alder og kjønn.",
            guide=text.SATISFACTION_GUIDE,
        ),
    ]


def satisfaction_table(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    table = sa.satisfaction_by_item(s.responses, threshold=s.threshold)
    return [
        html.table(
            text.satisfaction_shares_table(table, s.threshold),
            "Gjennomsnitt (1–5) og andel som er fornøyd (4 eller 5), vektet",
            decimals={"Snitt": 1, "Andel fornøyd eller svært fornøyd (%)": 0},
        )
    ]


def gender(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    table = sa.satisfaction_by_item(s.responses, "gender", order=GENDERS, threshold=s.threshold)
    finding = text.finding_gender_gaps(table)
    return [
        html.callout(finding, title="Funn:"),
        html.figure(
            plots.satisfaction_chart(table, title=text.gender_title(table), threshold=s.threshold),
            alt="Punktdiagram som sammenligner kvinners og menns tilfredshet per tema. " + finding,
            caption=f"Tilfredshet blant kvinner og menn {s.ages} år som bor i kommunen, vektet.",
            guide=text.GENDER_GUIDE,
        ),
        html.table(
            text.satisfaction_table(table, text.GENDER_LABELS, threshold=s.threshold),
            "Gjennomsnitt 1–5 (95 % konfidensintervall) for kvinner og menn",
        ),
    ]


def age(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    table = sa.satisfaction_by_item(s.responses, "age_band", order=s.bands, threshold=s.threshold)
    return [
        html.table(
            text.satisfaction_table(table, threshold=s.threshold),
            "Gjennomsnitt 1–5 (95 % konfidensintervall) etter aldersgruppe, vektet",
        ),
        html.paragraph(
            f"Grupper med {fewer_than(s.threshold)} svar vises ikke. Intervallene er brede fordi hver "
            "aldersgruppe har få svar."
        ),
    ]


def drivers(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    table = sa.drivers(s.responses, threshold=s.threshold)
    finding = text.finding_drivers(table, s.name)
    return [
        html.callout(finding, title="Funn:"),
        html.figure(
            plots.drivers_chart(table, threshold=s.threshold),
            alt=(
                "Spredningsdiagram der hvert tema er plassert etter tilfredshet (vannrett) og hvor sterkt det henger "
                "sammen med total tilfredshet (loddrett). " + finding
            ),
            caption=f"Betydning (samvariasjon med total tilfredshet) mot tilfredshet, innbyggere {s.ages} år, vektet.",
            guide=text.DRIVERS_GUIDE,
        ),
        html.table(text.drivers_table(table), "Betydning målt som vektet korrelasjon (r, fra −1 til 1)", decimals=2),
    ]


def recommendation(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    rec = sa.recommendation(s.responses, threshold=s.threshold)
    if rec["suppressed"]:
        return [html.no_data(f"{fewer_than(s.threshold).capitalize()} har svart på spørsmålet.")]
    return [
        html.key_figures(text.recommendation_figures(rec)),
        html.paragraph(
            "Vektede tall med 95 % konfidensintervall i parentes. Skala fra 0 (svært lite sannsynlig) "
            "til 10 (svært sannsynlig)."
        ),
    ]


def moving(s: SurveyReport) -> Section:
    if not s.has_data:
        return []
    moves = sa.move_intentions(s.responses, threshold=s.threshold)
    by_age = sa.move_intentions(s.responses, "age_band", order=s.bands, threshold=s.threshold)
    finding = text.finding_move(moves, s.ages)
    return [
        html.callout(finding, title="Funn:"),
        html.figure(
            plots.move_chart(
                by_age, title=f"Planer om å flytte fra {s.name} innen fem år", ages=s.ages, threshold=s.threshold
            ),
            alt="Stablede søyler per aldersgruppe med andelen som svarer ja, kanskje og nei på om de planlegger å "
            "flytte innen fem år. " + finding,
            caption="Planer om å flytte fra kommunen innen fem år, innbyggere etter alder, vektet. «Vet ikke» er "
            "holdt utenfor.",
            guide="Hver søyle er en aldersgruppe og summerer til 100 %. Den skraverte delen til venstre er de som "
            "planlegger å flytte.",
        ),
        html.table(
            text.move_table(moves),
            f"Planlegger du å flytte fra kommunen i løpet av de neste fem årene? (alle innbyggere {s.ages} år, vektet)",
            decimals=0,
        ),
    ]


def out_movers(s: SurveyReport) -> Section:
    """Why out-movers left and what would bring them back (unweighted)."""
    reasons = sa.option_shares(s.responses, "left_reasons", threshold=s.threshold)
    conditions = sa.option_shares(s.responses, "return_conditions", threshold=s.threshold)
    if reasons["suppressed"].all():
        return [html.no_data(f"{fewer_than(s.threshold).capitalize()} utflyttere har svart.")]
    xlabel = "Andel av utflytterne som svarte (flere svar mulig)"
    back = sa.single_shares(s.out_movers, "move_back", weighted=False, threshold=s.threshold)
    return [
        html.callout(
            text.finding_options(reasons, "reasons") + " " + text.finding_options(conditions, "conditions"),
            title="Funn:",
        ),
        html.caution(text.OUT_MOVERS_UNWEIGHTED, title="Uvektet:"),
        html.figure(
            plots.options_chart(reasons, xlabel=xlabel, threshold=s.threshold),
            alt="Liggende søyler med andelen utflyttere som oppgir hver grunn til å flytte. "
            + text.finding_options(reasons, "reasons"),
            caption=f"Hvorfor flyttet du fra kommunen? Utflyttere {s.ages} år, uvektet, flere svar mulig.",
            guide="Hver søyle er andelen av utflytterne som krysset av for grunnen, og streken viser 95 % "
            "konfidensintervall. Summen blir over 100 % fordi man kunne velge flere grunner.",
        ),
        html.figure(
            plots.options_chart(conditions, xlabel=xlabel, threshold=s.threshold),
            alt="Liggende søyler med andelen utflyttere som oppgir hvert vilkår for å flytte tilbake. "
            + text.finding_options(conditions, "conditions"),
            caption=f"Hva skal til for at du flytter tilbake? Utflyttere {s.ages} år, uvektet, flere svar mulig.",
            guide="Lengst søyle øverst er det flest nevner. Det viser hva kommunen kan gjøre for å få utflyttere "
            "tilbake.",
        ),
        html.table(
            text.move_back_table(back, s.threshold),
            "Kan du tenke deg å flytte tilbake? (utflyttere, uvektet)",
            decimals=0,
        ),
    ]


def free_text_themes(s: SurveyReport) -> Section:
    """Themes in the free-text answers beside the workshops' themes."""
    survey_themes = sa.text_themes(s.responses)
    workshop_themes, message = sa.workshop_themes()
    comparison = sa.theme_comparison(survey_themes, workshop_themes, threshold=s.threshold)
    out: Section = []
    if message:
        out.append(
            html.caution(message + " Figuren viser derfor bare spørreundersøkelsen.", title="Workshops og grendemøter:")
        )
    n = survey_themes["n"].iloc[0]
    out += [
        html.figure(
            plots.themes_chart(comparison, threshold=s.threshold),
            alt=text.themes_alt(workshop_themes is not None),
            caption=f"Temaer i fritekstsvar fra {fmt_int(n)} personer, kodet med samme temaliste som {text.MEETINGS}.",
            guide=text.THEMES_GUIDE,
        ),
        html.table(text.themes_table(comparison, s.threshold), "Andel som nevner hvert tema"),
    ]
    agreed = comparison[comparison["both_top"]]["label"].tolist()
    if agreed:
        out.append(
            html.callout(
                f"Undersøkelsen, {text.MEETINGS} peker alle på {and_list(a.lower() for a in agreed)}.",
                title="Samstemt:",
            )
        )
    return out


def quotes(s: SurveyReport) -> Section:
    """Free-text quotes (scrubbed), only where the report may show them."""
    if not can_show_quotes(s.shareable, s.allow_quotes):
        return [
            html.paragraph(
                "Sitater fra fritekstsvarene vises bare i interne rapporter, for at ingen skal kunne kjennes igjen."
            )
        ]
    texts = s.out_movers["text_improve"].dropna().tolist() + s.residents["text_improve"].dropna().tolist()
    chosen = quotes_for_report(texts, shareable=s.shareable, allow_quotes=s.allow_quotes, limit=8)
    return [html.heading("Eksempler på hva som må til (fritekst, anonymisert)", 3), html.bullet_list(chosen)]


def method(s: SurveyReport) -> Section:
    return [html.bullet_list(text.method_bullets(s.name, s.weighting, s.manifest, s.threshold, s.ages))]


def glossary() -> Section:
    """«Ord og begreper»: the words of the survey report, each with a one-line explanation."""
    return glossary_section("survey")
