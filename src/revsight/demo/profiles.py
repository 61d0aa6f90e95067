"""The two sizes of demo organisation and the behaviour rates they share."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    name: str
    regions: int  # parent teams under the VP; 0 = the teams report to the VP directly
    teams: int
    reps: int
    presales: int
    consultants: int
    accounts_per_rep: int
    new_hires: int  # reps hired inside the last nine months, still ramping
    leavers: int
    # Weekly rates of the activities a rep starts on their own initiative.
    weekly_rates: dict[str, float] = field(default_factory=dict)
    opportunity_per_discovery: float = 0.6
    months: int = 24


SHARED_RATES = {
    "new_prospect_call": 22.0,
    "face_to_face_call": 5.0,
    "discovery_call": 2.0,
    "other": 6.0,
}

SMALL = Profile(
    name="small",
    regions=0,
    teams=3,
    reps=25,
    presales=3,
    consultants=5,
    accounts_per_rep=45,
    new_hires=3,
    leavers=1,
    weekly_rates=SHARED_RATES,
)

# A high-velocity organisation: ~1M opportunities and ~10M activities over 24 months.
LARGE = Profile(
    name="large",
    regions=10,
    teams=200,
    reps=2000,
    presales=100,
    consultants=100,
    accounts_per_rep=60,
    new_hires=160,
    leavers=60,
    weekly_rates={
        "new_prospect_call": 24.0,
        "face_to_face_call": 6.0,
        "discovery_call": 8.0,
        "other": 9.0,
    },
)

PROFILES = {p.name: p for p in (SMALL, LARGE)}

# Bookings seasonality by calendar month: a heavy fourth quarter, a summer dip.
BOOKINGS_SEASON = {
    1: 0.85,
    2: 0.9,
    3: 1.05,
    4: 0.9,
    5: 0.95,
    6: 1.05,
    7: 0.85,
    8: 0.85,
    9: 1.0,
    10: 1.1,
    11: 1.2,
    12: 1.45,
}

# (name, order, probability, outcome)
STAGES = [
    ("Prospecting", 1, "0.10", "open"),
    ("Qualification", 2, "0.20", "open"),
    ("Needs Analysis", 3, "0.40", "open"),
    ("Proposal", 4, "0.60", "open"),
    ("Negotiation", 5, "0.80", "open"),
    ("Closed Won", 6, "1.00", "won"),
    ("Closed Lost", 7, "0.00", "lost"),
]
OPEN_STAGES = 5
WON_STAGE = 5
LOST_STAGE = 6

ACTIVITY_STANDARDS = [
    # (activity type, per, count) for salespeople
    ("new_prospect_call", "week", 20),
    ("face_to_face_call", "week", 5),
    ("presales_call", "week", 1),
    ("discovery_call", "month", 8),
    ("demonstration", "month", 4),
    ("executive_presentation", "month", 2),
]

PRESALES_STANDARDS = [
    # (activity type, per, count) for presales engineers
    ("presales_call", "week", 5),
    ("demonstration", "month", 20),
]

# Each consultant's monthly goals (a backlog of about four months of work keeps them booked).
CONSULTANT_GOALS = {
    "consultant_utilization": "0.75",
    "consultant_realization": "0.9",
    "consultant_backlog_days": "90",
}

LEAD_SOURCES = {
    # source: (share of marketing-sourced deals, conversion rate lead→opportunity, cost per lead)
    "Web": (0.35, 0.12, 85.0),
    "Webinar": (0.15, 0.18, 120.0),
    "Trade show": (0.15, 0.10, 380.0),
    "Partner": (0.2, 0.25, 150.0),
    "Referral": (0.15, 0.35, 25.0),
}
OUTBOUND_SHARE = 0.5
LOSS_REASONS = ["Price", "Competitor", "No decision", "Timing", "Missing features"]
NEXT_STEPS = [
    "Send proposal",
    "Schedule demonstration",
    "Confirm budget with finance",
    "Book executive meeting",
    "Technical validation",
    "Negotiate terms",
    "Reference call",
]
SEGMENTS = {"Enterprise": 2.0, "Mid-Market": 1.0, "SMB": 0.5}
EXPENSE_CATEGORIES = {"travel": 850.0, "meals": 280.0, "entertainment": 180.0, "other": 60.0}
