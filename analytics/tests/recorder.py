"""A process that records analytics events, for the tests of what a stop or a crash loses
(test_buffer_processes.py): `python -m analytics.tests.recorder FIRST SECOND` records FIRST events, waits
past a flush, records SECOND more, says `ready`, and then exits cleanly when its stdin closes."""

import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402

from analytics.services.events import record  # noqa: E402


def main() -> None:
    first, second = int(sys.argv[1]), int(sys.argv[2])
    for i in range(first):
        record("tutorial_step", player_id=None, step=f"first-{i}")
    time.sleep(settings.ANALYTICS_FLUSH_SECONDS * 2 + 0.5)  # the flush thread has written these
    for i in range(second):
        record("tutorial_step", player_id=None, step=f"second-{i}")
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes stdin (a clean exit) or kills the process


if __name__ == "__main__":
    main()
