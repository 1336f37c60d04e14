"""Presence across processes: one process closing its socket does not hide another's."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core import presence

ROOT = Path(__file__).resolve().parents[2]


def test_open_and_close_in_this_process():
    presence.socket_opened(41)
    presence.socket_opened(41)
    presence.socket_closed(41)
    assert presence.is_online(41)
    presence.socket_closed(41)
    assert not presence.is_online(41)
    assert presence.online_among([41, 42]) == set()


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: several processes")
def test_a_socket_on_another_process_keeps_the_player_online():
    presence.socket_opened(43)
    script = (
        "import django; django.setup(); from core import presence;"
        "presence.socket_opened(43); presence.socket_closed(43);"
        "print(presence.is_online(43))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baolife.settings.test",
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "True"  # the other process closed its own socket only
    assert presence.is_online(43)
    presence.socket_closed(43)
    assert not presence.is_online(43)
