"""`manage.py simulate_lives`: lives played on the engine under answer policies, figures printed."""

import json
from io import StringIO

from django.core.management import call_command


def test_simulate_lives_prints_the_balance_figures_per_policy():
    out = StringIO()
    call_command("simulate_lives", "--lives", "2", "--policy", "sensible", "--policy", "default", "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["policy"] for r in rows] == ["sensible", "default"]
    sensible, default = rows
    assert sensible["lives"] == 2 and sensible["answered_by_player_share"] > 0.9
    assert default["answered_by_player_share"] == 0.0  # nobody answers: every question takes its default
    assert set(sensible["stat_at_cap_share"]) == {"health", "happiness", "smarts", "looks"}
    assert sensible["questions_per_real_day"] > 0 and sensible["distinct_events_seen"] > 10
