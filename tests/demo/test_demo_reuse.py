"""Reusing the demo already built (the session's, seed 1 as of 2026-06-30): `make demo` runs
`revsight demo --reuse` at every start."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.demo.build import build_demo
from revsight.org.models import User
from tests.demo.test_demo_build import AS_OF, DEMO_LOGINS, Rebuilding

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]


def test_reuse_keeps_a_demo_built_with_the_same_settings() -> None:
    marker = User.objects.get(email="rep@example.com")
    marker.name = "Changed by hand"
    marker.save()
    assert build_demo(seed=1, as_of=AS_OF, reuse=True).reused
    kept = build_demo(seed=1, reuse=True)  # no date: whatever date it was built for
    assert kept.reused
    assert kept.as_of == AS_OF
    assert User.objects.get(email="rep@example.com").name == "Changed by hand"
    # Another date or seed simulates a new history: stopped there, rather than building two more
    # whole demos (20 s) to see that they are not the one kept.
    with mock.patch("revsight.demo.build.simulate", side_effect=Rebuilding):
        with pytest.raises(Rebuilding):
            build_demo(seed=1, as_of=date(2026, 7, 31), reuse=True)
        with pytest.raises(Rebuilding):
            build_demo(seed=2, as_of=AS_OF, reuse=True)
        with pytest.raises(Rebuilding):
            build_demo(seed=1, as_of=AS_OF, scale="large", reuse=True)
    assert User.objects.get(email="rep@example.com").name == "Changed by hand"


def test_the_demo_command_prints_one_login_per_role() -> None:
    result = CliRunner().invoke(cli, ["demo", "--seed", "1", "--as-of", "2026-06-30", "--reuse"])
    assert result.exit_code == 0, result.output
    assert "Demo organisation already built (seed 1, as of 2026-06-30)" in result.output
    assert [email for email in DEMO_LOGINS if email not in result.output] == []
