"""The demo's annual plan: the president's plan for the fiscal year containing the as-of
date, written before it began and linked to the year's and the quarters' company goals, so
that the next year's worksheet opens with last year's answers beside its questions."""

from __future__ import annotations

from datetime import date

from revsight.assessments import annual_plan_services as annual_plans
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, User

ANSWERS = {
    "went_well": "Enterprise renewals closed on time; the new proposal template shortened "
    "the proposal stage by a week.",
    "went_badly": "Two account executives left in the spring and their territories sat "
    "uncovered for four months; mid-market deals were lost on price.",
    "key_drivers": "Expansion in the installed base, and a full complement of account "
    "executives by the second quarter.",
    "key_metrics": "Pipeline coverage of the next quarter at three times its quota; win rate "
    "above 25%; forecast accuracy above 85% for every manager.",
    "risks": "Hiring slower than planned; a competitor's price cut in mid-market. Response: "
    "start recruiting in the first month, and sell on total cost rather than discount.",
    "opportunities": "The services line for existing customers; the two regions without a "
    "salesperson today.",
    "specific_factors": "A price increase in the second quarter; the new CRM's first full "
    "year of data.",
    "market_assumptions": "Budgets flat in the first half and growing in the second; buying "
    "decisions taking longer, with more people involved.",
    "offerings_assumptions": "The core product sells itself to existing customers; the new "
    "module needs a presales engineer in every deal.",
    "offerings_assumptions_holds": "partly",
    "capability_assumptions": "Delivery can take 20% more work without hiring a consultant.",
    "capability_assumptions_holds": "no",
}


def plant_annual_plan(as_of: date) -> None:
    president = User.objects.filter(email=DEMO_LOGINS[Role.EXECUTIVE]).first()
    if president is None:
        return
    fiscal = Organisation.current().fiscal_year_start_month
    year = periods.containing("year", as_of, fiscal).start.year
    # The plan answers to the year's and the quarters' company goals, not the months'.
    company_goals = annual_plans.goals_of(year).filter(
        team=None, user=None, period__in=[str(year), *(f"{year}-Q{n}" for n in range(1, 5))]
    )
    annual_plans.save(
        president, year, ANSWERS, goal_ids=list(company_goals.values_list("pk", flat=True))
    )
