"""Deterministic names for demo people and companies."""

from __future__ import annotations

import numpy as np

FIRST = [
    "Ann",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Nikhil",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Gita",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nora",
    "Omar",
    "Priya",
    "Rafael",
    "Sofia",
    "Theo",
    "Uma",
    "Viktor",
    "Wen",
]
LAST = [
    "Lee",
    "Novak",
    "Ortiz",
    "Patel",
    "Quist",
    "Rossi",
    "Sato",
    "Tan",
    "Ueda",
    "Varga",
    "Walsh",
    "Young",
    "Zhang",
    "Adams",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kaur",
    "Lopez",
    "Moreau",
    "Nagy",
    "Olsen",
    "Park",
    "Reyes",
    "Silva",
    "Torres",
    "Vogel",
    "Weber",
    "Brandt",
    "Carter",
    "Doyle",
    "Evans",
    "Ford",
    "Grant",
    "Hale",
    "Irwin",
]
COMPANY_A = [
    "North",
    "South",
    "East",
    "West",
    "Blue",
    "Green",
    "Red",
    "Silver",
    "Golden",
    "Bright",
    "Swift",
    "Prime",
    "Alpha",
    "Summit",
    "Harbor",
    "River",
    "Cedar",
    "Maple",
    "Granite",
    "Iron",
    "Coastal",
    "Valley",
    "Pioneer",
    "Atlas",
    "Orion",
    "Nova",
    "Apex",
]
COMPANY_B = [
    "Logistics",
    "Health",
    "Foods",
    "Metals",
    "Energy",
    "Systems",
    "Retail",
    "Bank",
    "Insurance",
    "Media",
    "Robotics",
    "Pharma",
    "Textiles",
    "Motors",
    "Hotels",
    "Airlines",
    "Telecom",
    "Chemicals",
    "Software",
    "Builders",
    "Farms",
]
COMPANY_C = ["Ltd", "Inc", "Group", "Holdings", "Corp", "GmbH", "Partners", "Co"]


def person_names(count: int, rng: np.random.Generator) -> list[str]:
    """Unique "First Last" names; a number is added only when the lists run out."""
    pairs = [(f, la) for f in FIRST for la in LAST]
    order = rng.permutation(len(pairs))
    names = []
    for i in range(count):
        first, last = pairs[order[i % len(pairs)]]
        suffix = "" if i < len(pairs) else f" {i // len(pairs) + 1}"
        names.append(f"{first} {last}{suffix}")
    return names


def email_for(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.com"


def company_names(count: int, rng: np.random.Generator) -> list[str]:
    """Unique company names; numbered only beyond the number of combinations."""
    total = len(COMPANY_A) * len(COMPANY_B) * len(COMPANY_C)
    picks = rng.permutation(total)[: min(count, total)]
    names = []
    for n in range(count):
        code = int(picks[n % len(picks)])
        a, rest = divmod(code, len(COMPANY_B) * len(COMPANY_C))
        b, c = divmod(rest, len(COMPANY_C))
        suffix = f" {n // total + 1}" if n >= total else ""
        names.append(f"{COMPANY_A[a]} {COMPANY_B[b]} {COMPANY_C[c]}{suffix}")
    return names
