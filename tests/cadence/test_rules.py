"""Each discipline rule on hand-built history, judged at the end of 30 June 2026 (and at earlier
days, from the same history): exactly which deals it flags and what it says, its parameters and
its per-stage overrides."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.cadence.discipline_models import RuleParameter
from revsight.cadence.report import audience, discipline
from revsight.crm.models import Account
from tests.cadence.builders import AS_OF, activity, deal, stages
from tests.people import Cast

pytestmark = pytest.mark.django_db


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def found(rule: str, day: date = AS_OF) -> list[tuple[str, str]]:
    report = discipline(day, audience(None), [rule])
    return [(item.deal.name, item.detail) for item in report.findings]


def override(rule: str, name: str, value: int, stage: str | None = None) -> None:
    RuleParameter.objects.create(
        rule=rule, name=name, value=value, stage=stages()[stage] if stage else None
    )


def test_past_close_date_flags_open_deals_expected_before_the_day(cast: Cast) -> None:
    rep = cast.east_rep
    deal(rep, "late", d(4, 1), [(d(4, 1), "Proposal", 100, d(6, 20))])
    deal(rep, "due today", d(4, 1), [(d(4, 1), "Proposal", 100, d(6, 30))])
    deal(
        rep,
        "won late",
        d(4, 1),
        [(d(4, 1), "Proposal", 100, d(6, 1)), (d(6, 5), "Won", 100, d(6, 5))],
    )
    deal(
        rep,
        "moved out",
        d(4, 1),
        [(d(4, 1), "Proposal", 100, d(6, 10)), (d(6, 25), "Proposal", 100, d(7, 31))],
    )
    assert found("past_close_date") == [("late", "expected to close 2026-06-20, 10 days ago")]
    # As the history stood on 20 June: "moved out" was still expected on 10 June.
    assert found("past_close_date", d(6, 20)) == [
        ("moved out", "expected to close 2026-06-10, 10 days ago")
    ]
    assert found("past_close_date", d(6, 3)) == [
        ("won late", "expected to close 2026-06-01, 2 days ago")
    ]


def test_no_recent_activity_looks_at_the_deal_and_its_account(cast: Cast) -> None:
    rep = cast.east_rep
    acme, globex = Account.objects.create(name="Acme"), Account.objects.create(name="Globex")
    quiet = deal(rep, "quiet", d(5, 1), [(d(5, 1), "Proposal", 100, d(7, 31))], account=acme)
    activity(rep, d(6, 10), on=quiet)
    deal(rep, "busy account", d(5, 1), [(d(5, 1), "Proposal", 100, d(7, 31))], account=globex)
    activity(cast.east_rep2, d(6, 20), account=globex)  # anyone's activity on the account counts
    edge = deal(rep, "fifteen days", d(5, 1), [(d(5, 1), "Qualification", 100, d(7, 31))])
    activity(rep, d(6, 16), on=edge)  # 14 days before the 30th: not within the last 14 days
    recent = deal(rep, "fourteen days", d(5, 1), [(d(5, 1), "Qualification", 100, d(7, 31))])
    activity(rep, d(6, 17), on=recent)
    deal(rep, "young", d(6, 20), [(d(6, 20), "Prospecting", 100, d(7, 31))])
    deal(rep, "silent", d(5, 1), [(d(5, 1), "Qualification", 100, d(7, 31))])
    assert found("no_recent_activity") == [
        ("quiet", "no activity on the deal or its account in the last 14 days (last 2026-06-10)"),
        (
            "fifteen days",
            "no activity on the deal or its account in the last 14 days (last 2026-06-16)",
        ),
        ("silent", "no activity on the deal or its account in the last 14 days (none recorded)"),
    ]
    assert [name for name, _ in found("no_recent_activity", d(6, 20))] == ["silent"]


def test_no_recent_activity_takes_its_days_per_stage(cast: Cast) -> None:
    rep = cast.east_rep
    deal(rep, "proposal", d(5, 1), [(d(5, 1), "Proposal", 100, d(7, 31))])
    deal(rep, "qualification", d(5, 1), [(d(5, 1), "Qualification", 100, d(7, 31))])
    override("no_recent_activity", "days", 90, "Proposal")
    override("no_recent_activity", "days", 30)
    assert found("no_recent_activity") == [
        (
            "qualification",
            "no activity on the deal or its account in the last 30 days (none recorded)",
        )
    ]


@pytest.fixture
def won_deals(cast: Cast) -> None:
    """Two deals won this year: 10 and 4 days in Qualification, 10 and 20 in Proposal. Twice
    the medians: Qualification 14 days, Proposal 30; no won deal went through Prospecting."""
    rep = cast.west_rep
    deal(
        rep,
        "won 1",
        d(3, 1),
        [
            (d(3, 1), "Qualification", 100, d(3, 31)),
            (d(3, 11), "Proposal", 100, d(3, 31)),
            (d(3, 21), "Won", 100, d(3, 21)),
        ],
    )
    deal(
        rep,
        "won 2",
        d(4, 1),
        [
            (d(4, 1), "Qualification", 100, d(4, 30)),
            (d(4, 5), "Proposal", 100, d(4, 30)),
            (d(4, 25), "Won", 100, d(4, 25)),
        ],
    )


@pytest.mark.usefixtures("won_deals")
def test_stale_in_stage_compares_with_twice_the_median_of_won_deals(cast: Cast) -> None:
    rep = cast.east_rep
    # A close-date change keeps the deal in its stage: it entered Proposal on 25 May.
    deal(
        rep,
        "slow proposal",
        d(5, 1),
        [
            (d(5, 1), "Qualification", 100, d(6, 30)),
            (d(5, 25), "Proposal", 100, d(6, 30)),
            (d(6, 20), "Proposal", 100, d(7, 15)),
        ],
    )
    deal(rep, "14 days", d(6, 16), [(d(6, 16), "Qualification", 100, d(7, 31))])
    deal(rep, "15 days", d(6, 15), [(d(6, 15), "Qualification", 100, d(7, 31))])
    deal(rep, "old prospect", d(3, 1), [(d(3, 1), "Prospecting", 100, d(7, 31))])
    assert found("stale_in_stage") == [
        ("slow proposal", "in Proposal for 36 days (expected 30)"),
        ("15 days", "in Qualification for 15 days (expected 14)"),
    ]


@pytest.mark.usefixtures("won_deals")
def test_stale_in_stage_takes_a_stage_override_and_the_factor(cast: Cast) -> None:
    rep = cast.east_rep
    deal(rep, "15 days", d(6, 15), [(d(6, 15), "Qualification", 100, d(7, 31))])
    deal(rep, "old prospect", d(3, 1), [(d(3, 1), "Prospecting", 100, d(7, 31))])
    override("stale_in_stage", "days", 100, "Prospecting")
    override("stale_in_stage", "factor", 3)  # Qualification: 3 × 7 = 21 days
    assert found("stale_in_stage") == [
        ("old prospect", "in Prospecting for 121 days (expected 100)")
    ]


def test_skipped_stage_flags_jumps_beyond_the_next_stage_in_the_last_30_days(cast: Cast) -> None:
    rep = cast.east_rep
    close = d(8, 31)
    deal(
        rep,
        "jumped",
        d(6, 1),
        [(d(6, 1), "Prospecting", 100, close), (d(6, 10), "Proposal", 100, close)],
    )
    deal(
        rep,
        "one step",
        d(6, 1),
        [(d(6, 1), "Qualification", 100, close), (d(6, 10), "Proposal", 100, close)],
    )
    deal(
        rep,
        "long ago",
        d(5, 1),
        [(d(5, 1), "Prospecting", 100, close), (d(5, 20), "Proposal", 100, close)],
    )
    deal(
        rep,
        "won early",
        d(6, 1),
        [(d(6, 1), "Qualification", 100, close), (d(6, 20), "Won", 100, d(6, 20))],
    )
    deal(
        rep,
        "lost early",
        d(6, 1),
        [(d(6, 1), "Prospecting", 100, close), (d(6, 20), "Lost", 100, d(6, 20))],
    )
    assert found("skipped_stage") == [
        ("jumped", "Prospecting → Proposal on 2026-06-10"),
        ("won early", "Qualification → Won on 2026-06-20"),
    ]
    override("skipped_stage", "days", 60)
    assert [name for name, _ in found("skipped_stage")] == ["jumped", "long ago", "won early"]


def test_moved_backwards_flags_a_move_to_an_earlier_open_stage(cast: Cast) -> None:
    rep = cast.east_rep
    close = d(8, 31)
    deal(
        rep,
        "back",
        d(5, 1),
        [(d(5, 1), "Proposal", 100, close), (d(6, 15), "Qualification", 100, close)],
    )
    deal(
        rep,
        "back long ago",
        d(4, 1),
        [(d(4, 1), "Proposal", 100, close), (d(5, 15), "Qualification", 100, close)],
    )
    deal(
        rep,
        "lost",
        d(5, 1),
        [(d(5, 1), "Negotiation", 100, close), (d(6, 15), "Lost", 100, d(6, 15))],
    )
    assert found("moved_backwards") == [("back", "Proposal → Qualification on 2026-06-15")]
    assert found("moved_backwards", d(6, 14)) == []


def test_missing_amount_flags_open_deals_without_an_amount_or_at_zero(cast: Cast) -> None:
    rep = cast.east_rep
    close = d(8, 31)
    deal(rep, "none", d(5, 1), [(d(5, 1), "Proposal", None, close)])
    deal(rep, "zero", d(5, 1), [(d(5, 1), "Proposal", 0, close)])
    deal(rep, "priced", d(5, 1), [(d(5, 1), "Proposal", 5000, close)])
    deal(
        rep,
        "won unpriced",
        d(5, 1),
        [(d(5, 1), "Proposal", None, close), (d(6, 1), "Won", None, d(6, 1))],
    )
    deal(
        rep,
        "priced later",
        d(5, 1),
        [(d(5, 1), "Proposal", None, close), (d(6, 20), "Proposal", 5000, close)],
    )
    assert found("missing_amount") == [("none", "no amount"), ("zero", "amount 0")]
    assert [name for name, _ in found("missing_amount", d(6, 15))] == [
        "none",
        "zero",
        "priced later",
    ]


def test_missing_next_step_flags_open_deals_without_one(cast: Cast) -> None:
    rep = cast.east_rep
    close = d(8, 31)
    deal(rep, "no step", d(5, 1), [(d(5, 1), "Proposal", 100, close)], next_step="")
    deal(rep, "with step", d(5, 1), [(d(5, 1), "Proposal", 100, close)])
    deal(
        rep,
        "won",
        d(5, 1),
        [(d(5, 1), "Proposal", 100, close), (d(6, 1), "Won", 100, d(6, 1))],
        next_step="",
    )
    assert found("missing_next_step") == [("no step", "no next step")]


def test_close_date_pushed_counts_moves_later(cast: Cast) -> None:
    rep = cast.east_rep
    deal(
        rep,
        "pushed thrice",
        d(4, 1),
        [
            (d(4, 1), "Proposal", 100, d(6, 30)),
            (d(5, 1), "Proposal", 100, d(7, 15)),
            (d(5, 20), "Negotiation", 100, d(7, 15)),
            (d(6, 1), "Negotiation", 100, d(7, 31)),
            (d(6, 20), "Negotiation", 100, d(8, 31)),
        ],
    )
    deal(
        rep,
        "pushed twice",
        d(4, 1),
        [
            (d(4, 1), "Proposal", 100, d(6, 30)),
            (d(5, 1), "Proposal", 100, d(7, 15)),
            (d(5, 10), "Proposal", 100, d(7, 1)),
            (d(6, 1), "Proposal", 100, d(7, 31)),
        ],
    )
    assert found("close_date_pushed") == [("pushed thrice", "close date pushed later 3 times")]
    assert found("close_date_pushed", d(6, 19)) == []
    override("close_date_pushed", "times", 2)
    assert found("close_date_pushed", d(6, 19)) == [
        ("pushed thrice", "close date pushed later 2 times"),
        ("pushed twice", "close date pushed later 2 times"),
    ]


def test_a_deal_without_history_is_judged_by_its_current_fields(cast: Cast) -> None:
    from revsight.crm.models import Opportunity

    Opportunity.objects.create(
        owner=cast.east_rep,
        name="imported without history",
        stage=stages()["Proposal"],
        amount=None,
        created_date=d(5, 1),
        close_date=d(6, 1),
        next_step="",
    )
    report = discipline(
        AS_OF, audience(None), ["past_close_date", "missing_amount", "missing_next_step"]
    )
    assert [(i.rule, i.detail) for i in report.findings] == [
        ("missing_amount", "no amount"),
        ("missing_next_step", "no next step"),
        ("past_close_date", "expected to close 2026-06-01, 29 days ago"),
    ]
