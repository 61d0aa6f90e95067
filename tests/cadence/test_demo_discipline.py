"""CRM discipline on the demo organisation at its as-of date, 30 June 2026: every rule has
findings, among them the planted deal moved back a stage and the one pushed three times, and
the paused deal is left out, its pause in the audit log."""

from __future__ import annotations

import pytest

from revsight.cadence.discipline_models import DealPause
from revsight.cadence.report import audience, discipline
from revsight.cadence.rules import RULE_IDS
from revsight.core.models import AuditEntry
from revsight.demo.discipline_cases import PAUSE_REASON
from revsight.org.models import User
from tests.conftest import DEMO_AS_OF
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]


def test_every_rule_has_findings_on_the_demo() -> None:
    report = discipline(DEMO_AS_OF, audience(None))
    assert report.counts == {
        "past_close_date": 10,
        "no_recent_activity": 58,
        "stale_in_stage": 74,
        "skipped_stage": 2,
        "moved_backwards": 1,
        "missing_amount": 7,
        "missing_next_step": 36,
        "close_date_pushed": 1,
    }
    assert list(report.counts) == list(RULE_IDS)
    planted = {
        (i.rule, i.deal.id, i.detail)
        for i in report.findings
        if i.rule in ("moved_backwards", "close_date_pushed")
    }
    assert planted == {
        ("moved_backwards", 244, "Negotiation → Proposal on 2026-06-28"),
        ("close_date_pushed", 256, "close date pushed later 3 times"),
    }


def test_the_paused_deal_is_left_out_and_its_pause_audited() -> None:
    pause = DealPause.objects.select_related("opportunity").get()
    assert (pause.reason, str(pause.paused_on), str(pause.resume_on)) == (
        PAUSE_REASON,
        "2026-06-27",
        "2026-07-14",
    )
    deal = pause.opportunity.pk
    assert deal not in {i.deal.id for i in discipline(DEMO_AS_OF, audience(None)).findings}
    before = discipline(pause.paused_on.replace(day=26), audience(None), ["past_close_date"])
    assert deal in {i.deal.id for i in before.findings}
    assert AuditEntry.objects.filter(action="cadence.pause", object_id=str(deal)).count() == 1


def test_the_salesperson_sees_their_own_findings_and_the_trend() -> None:
    rep = User.objects.get(email="rep@example.com")
    response = logged_in(rep).get("/discipline/?as_of=2026-06-30")
    report = response.context["report"]
    assert {i.owner for i in report.findings} == {"rep@example.com"}
    assert report.counts == discipline(DEMO_AS_OF, audience(None, user=rep)).counts
    assert len(report.trend) == 12
    assert report.trend[-1].counts == report.counts
