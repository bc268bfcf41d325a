"""Force-field charts build for ordinary, thin and empty data (issue 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.forcefield import metrics as ffm
from analysis.forcefield import plots as fp
from analysis.report.style import DRIVING, RESTRAINING, figure_png
from conftest import REPO

LONG = (
    "Det mangler utleieboliger av god kvalitet for unge voksne og tilflyttere som vil prøve å bo i "
    "Engerdal før de kjøper eget hus, og private utleiere tør ikke bygge fordi markedet er lite"
)


def make(rows):
    df = pd.DataFrame(rows, columns=["group", "goal", "kind", "strength", "pavirkbar", "themes", "text"])
    df.insert(0, "statement_id", [f"s{i}" for i in range(len(df))])
    df["strength"] = pd.array(df["strength"].tolist(), dtype="Int64")
    df["pavirkbar"] = pd.array(df["pavirkbar"].tolist(), dtype="Int64")
    return df


DATA = make(
    [
        ("a", "bolyst", "kraft", 4, 5, ("natur",), "Flott natur"),
        ("a", "bolyst", "kraft", None, None, ("natur",), "Stille og trygt"),
        ("a", "bolyst", "motkraft", 3, 4, ("bolig",), LONG),
        ("a", "bolyst", "motkraft", None, 2, ("bolig",), "Få utleieboliger"),
        ("a", "unge", "motkraft", 5, 4, ("arbeid",), "Få jobber"),
        ("a", None, "tiltak", None, None, ("bolig",), "Bygg utleieboliger"),
        ("b", "unge", "kraft", 2, 2, ("kultur",), "Festival"),
        ("c", "unge", "motkraft", 2, 3, ("bolig",), "Dyrt"),
    ]
)


def _all_text(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    return "\n".join(parts)


def _bars(ax):
    from matplotlib.patches import Rectangle

    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_lewin_unscored_drawn_distinctly_not_as_zero():
    f = ffm.forces(DATA, group="a", goal="bolyst")
    fig = fp.lewin_diagram(f, "Økt bolyst: drivkreftene og motkreftene veier likt")
    ax_l, ax_r = fig.axes
    widths_l = sorted(round(b.get_width(), 2) for b in _bars(ax_l))
    widths_r = sorted(round(b.get_width(), 2) for b in _bars(ax_r))
    assert widths_l == [fp.UNSCORED_LENGTH, 4.0] and widths_r == [fp.UNSCORED_LENGTH, 3.0]
    assert 0.0 not in widths_l + widths_r
    unscored = [b for b in _bars(ax_r) if round(b.get_width(), 2) == fp.UNSCORED_LENGTH]
    assert unscored[0].get_hatch() and unscored[0].get_facecolor()[3] == 0  # outline only
    assert _all_text(fig).count(fp.UNSCORED_TEXT) == 2
    # driving on one side (blue), restraining on the other (vermillion)
    scored_l = [b for b in _bars(ax_l) if b.get_facecolor()[3] > 0]
    assert np.allclose(scored_l[0].get_facecolor()[:3], tuple(int(DRIVING[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    scored_r = [b for b in _bars(ax_r) if b.get_facecolor()[3] > 0]
    assert np.allclose(scored_r[0].get_facecolor()[:3], tuple(int(RESTRAINING[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    # long statements are wrapped, not left as one line
    labels = [t.get_text() for t in ax_r.get_yticklabels()]
    assert any("\n" in lab for lab in labels) and all(
        len(line) <= fp.LABEL_WIDTH for lab in labels for line in lab.split("\n")
    )
    assert figure_png(fig)[:4] == b"\x89PNG"


def test_lewin_sorted_strongest_first():
    rows = [("a", "bolyst", "kraft", s, None, (), f"K{s}") for s in (2, 5, 3)]
    fig = fp.lewin_diagram(ffm.forces(make(rows), goal="bolyst"), "t")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["K5", "K3", "K2"]


def test_lewin_goal_with_only_counter_forces_and_empty_goal():
    fig = fp.lewin_diagram(ffm.forces(DATA, group="a", goal="unge"), "Flere yngre: bare motkrefter")
    assert "Ingen drivkrefter nevnt" in _all_text(fig)
    empty = fp.lewin_diagram(ffm.forces(DATA, group="a", goal="kvinner"), "Ingen")
    assert "Ingen drivkrefter eller motkrefter" in _all_text(empty)
    assert figure_png(empty)[:4] == b"\x89PNG"


def test_net_balance_marks_goals_not_discussed_and_unscored():
    s = ffm.force_summary(DATA, groups=["a"])
    text = _all_text(fp.net_balance_chart(s, "Motkreftene veier tyngst for unge"))
    assert "ikke drøftet" in text and "netto +1" in text and "netto −5" in text
    unscored = make([("x", "bolyst", "kraft", None, None, (), "u")])
    assert "ingen vurderte krefter" in _all_text(fp.net_balance_chart(ffm.force_summary(unscored), "t"))


@pytest.mark.parametrize("group", ["a", "b", "nobody"])
def test_group_charts_build_for_thin_and_missing_groups(group):
    for fig in (
        fp.theme_bars(ffm.top_themes(DATA, group), "Temaer", {"natur": "Natur"}),
        fp.matrix_chart(ffm.matrix_items(DATA, group), "Viktighet og påvirkbarhet"),
        fp.net_balance_chart(ffm.force_summary(DATA, groups=[group]), "Balanse"),
    ):
        assert isinstance(fig, Figure) and figure_png(fig)[:4] == b"\x89PNG"
    assert "Ingen av gruppens" in _all_text(fp.theme_bars(ffm.top_themes(DATA, "nobody"), "t"))


def test_across_group_charts():
    prof = ffm.theme_profile(DATA)
    fig = fp.theme_heatmap(prof, "Bolig nevnes av flest grupper", {"bolig": "Boliger"})
    assert "Boliger" in _all_text(fig)
    sim = ffm.theme_similarity(DATA)
    sim.loc["b", :] = np.nan
    assert "–" in _all_text(fp.similarity_heatmap(sim, "Likhet"))  # NaN shown as a dash
    prio_fig = fp.priority_chart(ffm.priorities(DATA), "Boliger rangeres høyest")
    assert "grupper" in _all_text(prio_fig)
    for chart in (fig, prio_fig):
        assert figure_png(chart)[:4] == b"\x89PNG"


def test_empty_inputs_give_a_message_not_an_empty_chart():
    empty = DATA.iloc[0:0]
    for fig in (
        fp.theme_heatmap(ffm.theme_profile(empty), "t"),
        fp.similarity_heatmap(ffm.theme_similarity(empty), "t"),
        fp.priority_chart(ffm.priorities(empty), "t"),
        fp.matrix_chart(ffm.matrix_items(empty), "t"),
    ):
        assert len(fig.axes) == 1 and not fig.axes[0].axison
        assert figure_png(fig)[:4] == b"\x89PNG"


# --------------------------------------------------------------------------- the prioritisation matrix


def _label_boxes(fig: Figure):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[0].texts if t.get_gid() == fp.LABEL_GID]
    return labels, [t.get_window_extent(renderer) for t in labels]


def _items(n: int, seed: int, same_point: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    words = ["Mangel på utleieboliger", "Lite å gjøre for ungdom", "Bygge skatepark ved skolen", "Kveldsbuss"]
    return pd.DataFrame(
        {
            "kind": rng.choice(["motkraft", "tiltak"], n),
            "text": [f"{words[i % 4]} {i}" for i in range(n)],
            "importance": np.full(n, 4.0) if same_point else rng.integers(1, 6, n).astype(float),
            "pavirkbar": np.full(n, 4.0) if same_point else rng.integers(1, 6, n).astype(float),
            "plotted": True,
        }
    )


@pytest.mark.parametrize(("n", "seed", "same_point"), [(6, 1, False), (20, 2, False), (35, 3, False), (14, 4, True)])
def test_matrix_has_a_label_for_every_point_and_no_two_labels_overlap(n, seed, same_point):
    fig = fp.matrix_chart(_items(n, seed, same_point), "Prioriteringsmatrise")
    labels, boxes = _label_boxes(fig)
    assert len(labels) == n  # one label per point
    numbers = sorted(int(t.get_text().split(".")[0].split("\n")[0]) for t in labels)
    assert numbers == list(range(1, n + 1))  # numbered as in the reader table
    for i in range(n):
        for j in range(i + 1, n):
            assert not boxes[i].overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
    ax_box = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    assert all(ax_box.x0 <= b.x0 and b.x1 <= ax_box.x1 and ax_box.y0 <= b.y0 and b.y1 <= ax_box.y1 for b in boxes)
    text = _all_text(fig)
    assert "gjør noe nå" in text and "påvirk fylket og staten" in text and "fylkesveier, mobildekning" in text


def test_matrix_points_that_share_a_place_are_spread():
    xs, ys = fp.spread_points(np.array([4.0, 4.0, 4.0, 2.0]), np.array([5.0, 5.0, 5.0, 1.0]))
    assert len({(round(x, 6), round(y, 6)) for x, y in zip(xs, ys)}) == 4
    assert (xs[3], ys[3]) == (2.0, 1.0)
    assert np.allclose(np.hypot(xs[:3] - 4, ys[:3] - 5), 0.13)
    # on a quadrant line (3): spread on the side the quadrant rule counts them to
    xs, ys = fp.spread_points(np.array([3.0, 3.0, 3.0]), np.array([4.0, 4.0, 4.0]), midpoint=3.0)
    assert (xs >= 3.0).all()


def test_matrix_draws_only_items_scored_on_both_scales():
    items = ffm.matrix_items(DATA, "a")
    plotted = items.loc[items["plotted"]]
    # "Få jobber" (5, 4), the long text (3, 4); the measure has no påvirkbar and no link: not drawn
    assert set(plotted["text"]) == {"Få jobber", LONG}
    labels, _ = _label_boxes(fp.matrix_chart(items, "t"))
    assert len(labels) == 2


# --------------------------------------------------------------------------- notebooks on thin data


@pytest.fixture(scope="module")
def thin_processed(tmp_path_factory):
    """A processed folder cleaned (through the public workshop interface) from one tiny workshop file."""
    from analysis.workshops.pipeline import run_clean

    root = tmp_path_factory.mktemp("thin")
    raw = root / "data" / "raw" / "workshops"
    raw.mkdir(parents=True)
    (raw / "ungdomsraadet_workshop_test.csv").write_text(
        "Group,Date,GOAL,Kind,Statement,Strength,Influence\n"
        "Ungdomsrådet,2021-04-20,Flere yngre innbyggere,motkraft,Lang reisevei til videregående skole,4,\n"
        "Ungdomsrådet,2021-04-20,Flere yngre innbyggere,motkraft,Ungdom flytter ut for å ta utdanning,,\n"
        "Ungdomsrådet,2021-04-20,Flere yngre innbyggere,tiltak,Gratis skolebuss til videregående skole,,4\n",
        encoding="utf-8",
    )
    processed = root / "processed"
    run_clean(root / "data", processed, lambda _msg: None)
    assert (processed / "statements.parquet").is_file()
    return processed


GROUP_SECTIONS = (
    "group_intro",
    "group_desired",
    "group_forces",
    "group_balance",
    "group_themes",
    "group_measures",
    "group_matrix",
)
ALL_SECTIONS = (
    "all_intro",
    "all_summary",
    "all_priorities",
    "all_matrix",
    "all_consensus",
    "all_themes",
    "all_unique",
    "all_similarity",
    "all_coverage",
    "all_counts",
)


def _shown(report, names, processed, monkeypatch) -> str:
    """The HTML of every section a notebook shows, in its order (the notebooks only call these)."""
    from analysis.forcefield import sections

    monkeypatch.setenv("ANALYSIS_PROCESSED_DIR", str(processed))
    loaded = report()
    return "\n".join(item.data for name in names for item in getattr(sections, name)(loaded))


@pytest.mark.slow
def test_group_report_with_thin_data_and_without_data(thin_processed, monkeypatch):
    from analysis.forcefield import sections

    thin = _shown(lambda: sections.load_group("ungdomsradet"), GROUP_SECTIONS, thin_processed, monkeypatch)
    assert "Tolk med varsomhet" in thin and "færre enn 10" in thin
    assert thin.count("Gruppen drøftet ikke dette målet.") == 3  # only «Flere yngre innbyggere» was discussed
    assert "ikke vurdert" in thin and "<svg" in thin
    empty = _shown(lambda: sections.load_group("grendemote:elga"), GROUP_SECTIONS, thin_processed, monkeypatch)
    assert "Mangler data:" in empty and "fra grendemøtet i Elgå" in empty
    assert "<svg" not in empty and "Traceback" not in empty


@pytest.mark.slow
def test_across_groups_report_with_a_single_thin_group(thin_processed, monkeypatch):
    from analysis.forcefield import sections

    html = _shown(sections.load_all, ALL_SECTIONS, thin_processed, monkeypatch)
    assert "1 gruppe har levert 3 utsagn: 2 motkrefter og 1 tiltak." in html  # every statement accounted for
    assert "Det trengs minst to grupper" in html
    assert "Ungdomsrådet" in html and "Traceback" not in html


def test_the_notebooks_show_exactly_these_sections() -> None:
    """The notebooks call the sections listed above, in this order (so testing them tests the reports)."""
    import re

    for notebook, names in (("kraftfelt_gruppe.ipynb", GROUP_SECTIONS), ("kraftfelt_samlet.ipynb", ALL_SECTIONS)):
        text = (REPO / "notebooks" / notebook).read_text(encoding="utf-8")
        assert tuple(re.findall(r"sections\.((?:group|all)_\w+)\(", text)) == names, notebook
        assert text.count("sections.glossary()") == 1, f"{notebook}: «Ord og begreper» is missing"
