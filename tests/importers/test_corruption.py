"""Property: whatever is done to a valid export, an import either succeeds completely or
reports errors and leaves the database exactly as it was — never partial data, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importers.helpers import do_import, snapshot
from tests.importers.test_contract import CASES, Case

# Slow: dozens of damaged exports per source, each imported whole.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "abc",
            "2026-02-30",
            "2026-13-01",
            "1e400",
            "-",
            '"',
            '""x',
            "NaN",
            "\uff11\uff12\uff13",
            "9" * 40,
            "000000000000000AAA",
            "0",
            "1",
            "true",
            "Closed Won",
            "x" * 300,
            "\n",
            ",",
        ]
    ),
)


@st.composite
def damage(draw: st.DrawFn, files: list[str]) -> tuple[str, str, object]:
    name = draw(st.sampled_from(files))
    kind = draw(st.sampled_from(["cell", "cell", "cell", "truncate", "insert", "drop_line"]))
    if kind == "cell":
        return name, kind, (draw(st.integers(0, 8)), draw(st.integers(0, 25)), draw(NASTY))
    if kind == "insert":
        return name, kind, (draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=6)))
    return name, kind, draw(st.floats(0, 1))


def apply(directory: Path, name: str, kind: str, detail: object) -> None:
    path = directory / name
    data = path.read_bytes()
    if kind == "truncate":
        assert isinstance(detail, float)
        path.write_bytes(data[: int(len(data) * detail)])
    elif kind == "insert":
        where, extra = detail  # type: ignore[misc]
        cut = int(len(data) * where)
        path.write_bytes(data[:cut] + extra + data[cut:])
    elif kind == "drop_line":
        assert isinstance(detail, float)
        lines = data.split(b"\n")
        del lines[min(int(len(lines) * detail), len(lines) - 1)]
        path.write_bytes(b"\n".join(lines))
    else:
        import csv
        import io

        row, column, value = detail  # type: ignore[misc]
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        target = rows[min(row, len(rows) - 1)]
        target[min(column, len(target) - 1)] = str(value)
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.source)
def test_damaged_files_import_whole_or_not_at_all(case: Case, tmp_path: Path) -> None:
    pristine = case.build(tmp_path / "pristine")
    files = sorted(path.name for path in pristine.iterdir())

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(damage(files))
    def check(change: tuple[str, str, object]) -> None:
        with tempfile.TemporaryDirectory() as scratch, transaction.atomic():
            copy = Path(scratch) / "export"
            shutil.copytree(pristine, copy)
            apply(copy, *change)
            before = snapshot()
            report = do_import(case.source, copy)
            if report.ok:
                again = do_import(case.source, copy)
                assert again.ok
                assert all(c.created == c.updated == 0 for c in again.entities.values()), (
                    again.entities
                )
            else:
                assert snapshot() == before
                assert all(problem.file and problem.message for problem in report.errors)
            transaction.set_rollback(True)

    check()
