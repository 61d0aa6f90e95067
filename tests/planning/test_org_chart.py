"""The planned organisation chart (issue 16 §2, docs/planning.md): who reports to whom in
month 1 and month 18, open positions from their open-by month turning into new hires at the
start, a known leaver leaving, expected departures, span of control warnings, the JSON, the PNG
and the PDF, the page for those who plan the scenario's team and nobody else, and the command.

The organisation: Sales (managed by Vp) above East (Ann, Ben) and West (Carla); Ben leaves on
15 March 2027. The plan, made on 15 December 2026 with a lead time of two months, hires one
salesperson starting in June 2027 (open by 1 April) and one in July (open by 1 May).
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from revsight.cli import cli
from revsight.core.errors import InvalidInput
from revsight.core.models import Organisation
from revsight.core.periods import month_of
from revsight.planning import org_chart, services
from revsight.planning import org_chart_render as drawing
from revsight.planning.models import CapacityScenario
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 12, 15)
TEXT = {
    "objectives": "2027-Q1=50000, 2027-Q3=110000",
    "quota": "10000",
    "attainment": "90%",
    "ramp": "50%, 100%",
    "attrition": "30%",
    "lead_time": "2",
}
S = 0.7 ** (1 / 12)  # the monthly survival of 30 % annual attrition


@pytest.fixture(autouse=True)
def team(cast: Cast) -> Cast:
    Organisation.current()
    for person in (cast.east_rep, cast.east_rep2, cast.west_rep):
        person.hire_date = date(2024, 1, 1)
    cast.east_rep2.end_date = date(2027, 3, 15)
    for person in (cast.east_rep, cast.east_rep2, cast.west_rep):
        person.save()
    return cast


@pytest.fixture
def company() -> CapacityScenario:
    return services.save_scenario(None, "Growth", TEXT, AS_OF, None)


def chart_of(found: CapacityScenario, span: int = 8) -> org_chart.Chart:
    return org_chart.for_plan(services.plan_of(found), span)


def month(found: org_chart.Chart, month_id: str) -> dict[str, dict[str, Any]]:
    """The month's boxes as JSON, by team."""
    chosen = org_chart.month_in(found, month_id)
    return {b["team"]: b for b in org_chart.as_json(found, months=[chosen])["months"][0]["teams"]}


def names(box: dict[str, Any]) -> list[str]:
    return [p["name"] for p in box["people"]]


def test_the_plan_hires_one_in_june_and_one_in_july(company: CapacityScenario) -> None:
    plan = services.plan_of(company).plan
    assert [(month_of(h.start), h.count, h.open_by(2)) for h in plan.hires] == [
        (date(2027, 6, 1), 1, date(2027, 4, 1)),
        (date(2027, 7, 1), 1, date(2027, 5, 1)),
    ]


def test_month_one_shows_the_teams_their_managers_and_their_salespeople(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)

    assert [m.id for m in found.months][:2] == ["2027-01", "2027-02"]
    assert len(found.months) == 18
    boxes = month(found, "2027-01")
    # Services has no salespeople: it is not part of the sales organisation's chart.
    assert list(boxes) == ["Sales", "East", "West"]
    assert [(b["manager"], b["parent"]) for b in boxes.values()] == [
        ("Vp", None),
        ("East.Manager", "Sales"),
        ("West.Manager", "Sales"),
    ]
    assert boxes["East"]["people"] == [
        {"email": "ann@acme.test", "name": "Ann", "since": "2024-01-01", "leaves": None},
        {"email": "ben@acme.test", "name": "Ben", "since": "2024-01-01", "leaves": "2027-03-15"},
    ]
    assert names(boxes["West"]) == ["Carla"]
    assert [b["new_hires"] + b["open_positions"] for b in boxes.values()] == [[], [], []]
    # The Vp's direct reports are the two managers below.
    assert [b["span"] for b in boxes.values()] == [2, 2, 1]


def test_month_eighteen_has_each_hire_in_the_team_with_the_fewest_salespeople(
    company: CapacityScenario,
) -> None:
    # June: East has Ann alone (Ben has left), West Carla: a tie, East by name. July: East
    # has Ann and the June hire, West still Carla alone.
    boxes = month(chart_of(company), "2028-06")

    assert names(boxes["East"]) == ["Ann"]
    assert boxes["East"]["new_hires"] == [
        {"label": "New hire 1 (starts 2027-06)", "start": "2027-06"}
    ]
    assert names(boxes["West"]) == ["Carla"]
    assert boxes["West"]["new_hires"] == [
        {"label": "New hire 2 (starts 2027-07)", "start": "2027-07"}
    ]
    assert [b["span"] for b in boxes.values()] == [2, 2, 2]
    assert all(not b["open_positions"] for b in boxes.values())


def test_an_open_position_shows_from_its_open_by_month_until_it_starts(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)

    def east(month_id: str) -> tuple[list[str], list[str]]:
        box = month(found, month_id)["East"]
        return [q["label"] for q in box["open_positions"]], [q["label"] for q in box["new_hires"]]

    assert east("2027-03") == ([], [])
    assert east("2027-04") == (["Open position 1 (starts 2027-06)"], [])
    assert east("2027-05") == (["Open position 1 (starts 2027-06)"], [])
    assert east("2027-06") == ([], ["New hire 1 (starts 2027-06)"])
    assert month(found, "2027-05")["East"]["open_positions"] == [
        {"label": "Open position 1 (starts 2027-06)", "open_by": "2027-04-01", "start": "2027-06"}
    ]
    assert [q["label"] for q in month(found, "2027-05")["West"]["open_positions"]] == [
        "Open position 2 (starts 2027-07)"
    ]


def test_someone_with_an_end_date_is_shown_until_the_month_they_leave(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)

    assert names(month(found, "2027-03")["East"]) == ["Ann", "Ben"]
    assert names(month(found, "2027-04")["East"]) == ["Ann"]
    assert month(found, "2027-04")["East"]["span"] == 1  # the open position is not a report yet


def test_expected_departures_are_the_plans_attrition_among_the_people_shown(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)

    january, june_2028 = month(found, "2027-01"), month(found, "2028-06")
    assert [b["expected_departures"] for b in january.values()] == [0, 0, 0]
    # Month 18 is 17 months after the first; the June hire has been there 12, the July one 11.
    assert june_2028["East"]["expected_departures"] == round((1 - S**17) + (1 - S**12), 4)
    assert june_2028["East"]["expected_departures"] == 0.6967
    assert june_2028["West"]["expected_departures"] == round((1 - S**17) + (1 - S**11), 4)
    # March: Ann and Ben (leaving that month) two months in.
    assert month(found, "2027-03")["East"]["expected_departures"] == round(2 * (1 - S**2), 4)
    assert june_2028["Sales"]["expected_departures"] == 0


def test_a_span_at_the_limit_has_no_warning_and_one_above_it_has(
    company: CapacityScenario,
) -> None:
    at_limit = month(chart_of(company, span=2), "2028-06")
    above = month(chart_of(company, span=1), "2028-06")

    assert [b["warning"] for b in at_limit.values()] == [None, None, None]
    assert [b["warning"] for b in above.values()] == [
        "Vp has 2 direct reports, more than the span of 1",
        "East.Manager has 2 direct reports, more than the span of 1",
        "West.Manager has 2 direct reports, more than the span of 1",
    ]


def test_a_manager_with_fewer_than_two_direct_reports_gets_a_note(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)

    assert (
        month(found, "2027-01")["West"]["note"] == "West.Manager has 1 direct report: fewer than 2"
    )
    assert month(found, "2027-01")["West"]["warning"] is None
    document = org_chart.as_json(found, "Growth")
    west = [w for w in document["warnings"] if w["manager_email"] == "west.manager@acme.test"]
    # Alone with Carla from January to June, until the July hire starts.
    assert [w["month"] for w in west] == [
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
        "2027-05",
        "2027-06",
    ]
    assert {(w["kind"], w["span"], tuple(w["teams"])) for w in west} == {("under", 1, ("West",))}
    runs = org_chart.runs(found.alerts)
    assert [(r.manager, r.kind, r.first_id, r.last_id, r.most) for r in runs] == [
        ("West.Manager", "under", "2027-01", "2027-06", 1),
        ("East.Manager", "under", "2027-04", "2027-05", 1),
    ]


def test_the_json_document_names_the_scenario_and_lists_every_month(
    company: CapacityScenario,
) -> None:
    document = org_chart.as_json(chart_of(company), "Growth")

    assert (document["scenario"], document["as_of"], document["team"], document["span"]) == (
        "Growth",
        "2026-12-15",
        None,
        8,
    )
    assert [m["month"] for m in document["months"]][::6] == ["2027-01", "2027-07", "2028-01"]
    assert document["positions"] == [
        {"number": 1, "team": "East", "open_by": "2027-04-01", "start": "2027-06"},
        {"number": 2, "team": "West", "open_by": "2027-05-01", "start": "2027-07"},
    ]
    assert set(document["months"][0]["teams"][1]) == {
        "team",
        "manager",
        "manager_email",
        "parent",
        "people",
        "new_hires",
        "open_positions",
        "expected_departures",
        "span",
        "warning",
        "note",
    }
    json.dumps(document)


def test_a_leaf_teams_plan_hires_into_that_team(cast: Cast) -> None:
    found = services.save_scenario(cast.east_manager, "East growth", TEXT, AS_OF, cast.east)

    document = org_chart.as_json(chart_of(found))

    assert {p["team"] for p in document["positions"]} == {"East"}
    assert [b["team"] for b in document["months"][0]["teams"]] == ["East"]
    assert document["months"][0]["teams"][0]["parent"] is None


@pytest.mark.parametrize(("raw", "field"), [("0", "span"), ("31", "span"), ("eight", "span")])
def test_a_span_outside_one_to_thirty_is_refused(raw: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        org_chart.check_span(raw)
    assert refused.value.field == field


def test_the_layout_keeps_every_box_inside_the_drawing_and_apart(
    company: CapacityScenario,
) -> None:
    found = chart_of(company)
    for chosen in found.months:
        drawn = drawing.layout(found, chosen, "Growth")
        boxes = [(b.x, b.y, b.x + b.width, b.y + b.height) for b in drawn.boxes]
        assert all(
            x0 >= 0 and x1 <= drawn.width and y0 >= 0 and y1 <= drawn.height
            for x0, y0, x1, y1 in boxes
        )
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_a_box_with_many_hires_lists_them_by_start_month(cast: Cast) -> None:
    text = {**TEXT, "objectives": "2027-Q1=50000, 2027-Q3=300000"}
    found = chart_of(services.save_scenario(None, "East push", text, AS_OF, cast.east))
    assert [(q.start_id, q.team_name) for q in found.positions] == [
        *[("2027-06", "East")] * 10,
        ("2027-09", "East"),
    ]

    def rows(month_id: str) -> list[str]:
        drawn = drawing.layout(found, org_chart.month_in(found, month_id), "East push")
        return [label.text for label in drawn.boxes[0].labels if label.style in ("hire", "open")]

    assert rows("2027-07") == ["10 new hires (start 2027-06)", "Open position 11 (starts 2027-09)"]
    assert rows("2027-09") == ["10 new hires (start 2027-06)", "New hire 11 (starts 2027-09)"]
    assert rows("2027-05") == ["10 open positions (start 2027-06)"]


def test_the_svg_escapes_the_names_it_shows(cast: Cast, company: CapacityScenario) -> None:
    cast.west_rep.name = "Carla <b>&</b>"
    cast.west_rep.save()
    found = chart_of(company)

    text = drawing.svg(drawing.layout(found, found.months[0], "Growth"))

    assert "Carla &lt;b&gt;&amp;&lt;/b&gt;" in text
    assert "<b>" not in text


def test_the_png_is_the_layout_at_twice_its_size(company: CapacityScenario) -> None:
    found = chart_of(company)
    first = drawing.layout(found, found.months[0], "Growth")
    last = drawing.layout(found, found.months[-1], "Growth")

    images = [Image.open(io.BytesIO(drawing.png(d))) for d in (first, last)]

    assert [i.format for i in images] == ["PNG", "PNG"]
    assert [i.size for i in images] == [
        (first.width * 2, first.height * 2),
        (last.width * 2, last.height * 2),
    ]
    # A new hire's row is taller than a salesperson's; wider than tall, as a team tree is.
    assert images[1].height > images[0].height
    assert all(i.width > i.height for i in images)


def test_the_pdf_has_a_page_per_month_with_the_chart_as_text(company: CapacityScenario) -> None:
    found = chart_of(company)

    reader = pypdf.PdfReader(
        io.BytesIO(drawing.pdf([drawing.layout(found, m, "Growth") for m in found.months]))
    )

    assert len(reader.pages) == 18
    june = reader.pages[5].extract_text()
    assert "Growth: organisation chart, June 2027" in june
    assert "New hire 1 (starts 2027-06)" in june
    assert "Open position 2 (starts 2027-07)" in june
    assert "Ben" not in june


def page(client: Any, found: CapacityScenario, suffix: str = "/", **query: str) -> Any:
    return client.get(f"/planning/capacity/{found.pk}/org-chart{suffix}", query)


def test_an_executive_opens_the_chart_of_a_company_scenario(
    cast: Cast, company: CapacityScenario
) -> None:
    response = page(logged_in(cast.president), company, month="2027-06", span="8")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="org-box"') == 3
    assert "New hire 1 (starts 2027-06)" in html
    assert "?month=2027-05&amp;span=8" in html  # the previous month
    assert "?month=2027-07&amp;span=8" in html
    assert f"/planning/capacity/{company.pk}/org-chart.png?month=2027-06&amp;span=8" in html
    assert response.context["runs"][0].manager == "West.Manager"
    scenario_page = logged_in(cast.president).get(f"/planning/capacity/{company.pk}/")
    assert f"/planning/capacity/{company.pk}/org-chart/" in scenario_page.content.decode()


def test_the_exports_download_as_png_and_pdf(cast: Cast, company: CapacityScenario) -> None:
    client = logged_in(cast.president)

    png = page(client, company, ".png", month="2027-06")
    one = page(client, company, ".pdf", month="2027-06")
    every = page(client, company, ".pdf")

    assert (png["Content-Type"], png["Content-Disposition"]) == (
        "image/png",
        'attachment; filename="org-chart-growth-2027-06.png"',
    )
    assert Image.open(io.BytesIO(png.content)).format == "PNG"
    assert one["Content-Type"] == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(one.content)).pages) == 1
    assert len(pypdf.PdfReader(io.BytesIO(every.content)).pages) == 18


def test_a_salesperson_cannot_open_any_org_chart(cast: Cast, company: CapacityScenario) -> None:
    client = logged_in(cast.east_rep)
    for suffix in ("/", ".png", ".pdf"):
        assert page(client, company, suffix).status_code == 404


def test_a_manager_opens_their_teams_chart_and_not_another_teams(cast: Cast) -> None:
    east = services.save_scenario(cast.east_manager, "East growth", TEXT, AS_OF, cast.east)

    assert page(logged_in(cast.east_manager), east).status_code == 200
    assert page(logged_in(cast.vp), east).status_code == 200  # Sales includes East
    refused = page(logged_in(cast.west_manager), east)
    assert refused.status_code == 404
    assert "not yours to see" in refused.content.decode()


def test_a_manager_does_not_see_the_company_chart(cast: Cast, company: CapacityScenario) -> None:
    assert page(logged_in(cast.east_manager), company).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2028-07"}, "month"),
        ({"month": "June"}, "month"),
        ({"span": "0"}, "span"),
        ({"span": "x"}, "span"),
    ],
)
@pytest.mark.parametrize("suffix", ["/", ".png", ".pdf"])
def test_a_bad_month_or_span_is_refused_naming_the_field(
    cast: Cast, company: CapacityScenario, query: dict[str, str], field: str, suffix: str
) -> None:
    response = page(logged_in(cast.president), company, suffix, **query)

    assert response.status_code == 400
    assert f"{field} (" in response.content.decode()


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["plan", "org-chart", *args])


def test_the_command_prints_a_month_and_the_span_alerts(company: CapacityScenario) -> None:
    result = run("Growth", "--month", "2027-05")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Growth: organisation chart, 2027-05"
    assert "  East (East.Manager, 1 direct reports)" in lines
    assert "    ? Open position 1 (starts 2027-06), open by 2027-04-01" in lines
    assert "  2027-01 to 2027-06: West.Manager (West) 1, fewer than 2" in lines


def test_the_command_writes_json_png_and_pdf(company: CapacityScenario, tmp_path: Path) -> None:
    document = json.loads(run("growth", "--format", "json", "--span", "1").output)
    assert document == org_chart.as_json(chart_of(company, span=1), "Growth")
    one = json.loads(run("Growth", "--format", "json", "--month", "2028-06").output)
    assert [m["month"] for m in one["months"]] == ["2028-06"]

    png, pdf = tmp_path / "chart.png", tmp_path / "chart.pdf"
    assert run("Growth", "--format", "png", "--month", "2027-06", "-o", str(png)).exit_code == 0
    assert run("Growth", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    assert Image.open(png).format == "PNG"
    assert len(pypdf.PdfReader(pdf).pages) == 18


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--span", "31"], "--span '31' must be a whole number"),
        (
            ["--month", "2026-12"],
            "--month '2026-12' is not a month of the chart, 2027-01 to 2028-06",
        ),
        (["--format", "json", "--month", "next"], "--month 'next'"),
    ],
)
def test_the_command_refuses_a_bad_option_naming_it(
    company: CapacityScenario, args: list[str], said: str
) -> None:
    result = run("Growth", *args)

    assert result.exit_code == 2
    assert said in result.output
