"""How a dashboard shows what it compares. The activity heat map sets each salesperson's
activities against the standard to date; on the first days of a period, where the standard
expects less than one activity so far, a share says nothing (one demo on the 1st reads 564%),
so the cell is grey and shows the count. A difference that rounds to nothing has no sign."""

from __future__ import annotations

from revsight.analytics.dashboard import RepRow
from revsight.web import charts

TYPES = ["new_prospect_call", "demonstration"]
LABELS = {"new_prospect_call": "New prospect call", "demonstration": "Demonstration"}


def _rep(name: str, **values: float | None) -> RepRow:
    return RepRow(f"{name.lower()}@acme.test", name, values)


def _cells(rep: RepRow) -> tuple[dict, dict]:
    links = [["/a", "/b"]]
    shares, early = charts.activity_heatmap([rep], TYPES, LABELS, links)["data"]
    return early, shares


def test_a_standard_expecting_less_than_one_so_far_shows_the_count_in_grey() -> None:
    # 1 December: one demonstration against 0.177 expected, 4 prospect calls against 7.7.
    rep = _rep(
        "Ann",
        activities_vs_standard_new_prospect_call=4 / 7.7,
        activities_expected_new_prospect_call=7.7,
        activities_vs_standard_demonstration=1 / 0.177,
        activities_expected_demonstration=0.177,
    )
    early, shares = _cells(rep)
    assert shares["z"] == [[4 / 7.7, None]]
    assert shares["text"] == [["52%", ""]]
    assert early["z"] == [[None, 0.0]]
    assert early["text"] == [["", "1 of 0.2"]]
    assert early["showscale"] is False


def test_from_one_expected_activity_the_share_is_coloured() -> None:
    rep = _rep(
        "Ben",
        activities_vs_standard_new_prospect_call=0.0,
        activities_expected_new_prospect_call=1.0,
        activities_vs_standard_demonstration=None,  # no standard for the role
        activities_expected_demonstration=None,
    )
    early, shares = _cells(rep)
    assert shares["z"] == [[0.0, None]]
    assert shares["text"] == [["0%", "—"]]
    assert early["z"] == [[None, None]]


def test_a_difference_that_rounds_to_nothing_has_no_sign() -> None:
    from revsight.analytics.output import format_gap

    # A win rate of 32.996% against a goal of 33%: on the goal to the decimal shown.
    assert format_gap(-0.00004, "ratio", "win_rate") == "±0.0 pp"
    assert format_gap(-0.0004, "ratio", "win_rate") == "±0.0 pp"
    assert format_gap(-0.0006, "ratio", "win_rate") == "−0.1 pp"
    assert format_gap(0.2, "money", "bookings") == "±0"
    assert format_gap(-12_500, "money", "bookings") == "−12,500"


def test_an_expectation_shown_as_one_is_compared() -> None:
    rep = _rep(
        "Cy",
        activities_vs_standard_new_prospect_call=1 / 0.96,
        activities_expected_new_prospect_call=0.96,
        activities_vs_standard_demonstration=0.0,
        activities_expected_demonstration=0.94,
    )
    early, shares = _cells(rep)
    assert shares["text"] == [["104%", ""]]
    assert early["text"] == [["", "0 of 0.9"]]


def test_a_tile_without_a_value_names_what_it_is_compared_with_and_no_change() -> None:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    # A salesperson with no open deals this month: no coverage, 2.1× the month before.
    tile = SimpleNamespace(
        id="pipeline_coverage",
        name="Pipeline coverage",
        link="/records/",
        value=None,
        goal=None,
        pace=None,
        average=None,
        compared=2.1,
        compared_with="2026-10 (to 20 Oct)",
        change=None,
        improved=None,
        spark="",
    )
    html = " ".join(render_to_string("web/dashboard/tiles.html", {"tiles": [tile]}).split())
    assert '<span class="tile-prev">vs 2026-10 (to 20 Oct): 2.1×</span>' in html
