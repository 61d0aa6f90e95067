"""A Salesforce export of any size, written row by row, for the import benchmark."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

STAGES = [
    ("Prospecting", 1, 10),
    ("Qualification", 2, 20),
    ("Proposal/Price Quote", 7, 75),
    ("Closed Won", 9, 100),
    ("Closed Lost", 10, 0),
]
HEADER = [
    "Id",
    "IsDeleted",
    "AccountId",
    "Name",
    "StageName",
    "StageSortOrder",
    "Amount",
    "Probability",
    "CloseDate",
    "Type",
    "LeadSource",
    "IsClosed",
    "IsWon",
    "ForecastCategory",
    "CurrencyIsoCode",
    "OwnerId",
    "CreatedDate",
]


def write_export(directory: Path, opportunities: int, seed: int = 7) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    owners = [f"005{n:012d}AAA" for n in range(60)]
    accounts = [f"001{n:012d}AAA" for n in range(2000)]
    with (directory / "User.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["Id", "Email", "FirstName", "LastName", "IsActive", "UserType"])
        for n, owner in enumerate(owners):
            writer.writerow([owner, f"rep{n}@bench.test", "Rep", str(n), "1", "Standard"])
    with (directory / "Account.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["Id", "IsDeleted", "Name", "Industry", "CreatedDate"])
        for n, account in enumerate(accounts):
            writer.writerow([account, "0", f"Account {n}", "Retail", "2024-01-01 00:00:00"])
    start = date(2024, 1, 1)
    with (directory / "Opportunity.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        for n in range(opportunities):
            stage, order, probability = STAGES[rng.randrange(len(STAGES))]
            created = start + timedelta(days=rng.randrange(900))
            closed = stage.startswith("Closed")
            writer.writerow(
                [
                    f"006{n:012d}AAA",
                    "0",
                    accounts[rng.randrange(len(accounts))],
                    f"Deal {n}",
                    stage,
                    order,
                    rng.randrange(1_000, 200_000),
                    probability,
                    (created + timedelta(days=rng.randrange(10, 200))).isoformat(),
                    "New Customer",
                    "Web",
                    int(closed),
                    int(stage == "Closed Won"),
                    "Pipeline",
                    "USD",
                    owners[rng.randrange(len(owners))],
                    f"{created.isoformat()} 10:00:00",
                ]
            )
    return directory
