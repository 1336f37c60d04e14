"""Engine throughput: lives advanced by one game week per CPU-second, over 1,000 generated characters.

    .venv/bin/python bench/engine.py [--lives 1000] [--age-years 20]

Pure engine (no database): generates the lives, ages them to `--age-years` (not timed), then
times advancing each by one game week, one call per life (the tick's shape), and the same
week as 168 one-hour calls for one life (the live tick's shape) as a baseline in the same run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baolife.settings.local")

from game import engine
from game.content_files import load_content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lives", type=int, default=1000)
    parser.add_argument("--age-years", type=int, default=20)
    args = parser.parse_args()
    content = load_content()
    lives = []
    for seed in range(args.lives):
        state = engine.new_life(seed * 7919 + 1, 0, content)
        state, _ = engine.advance(state, state.clock, state.clock + args.age_years * engine.YEAR, [], content)
        lives.append(state)
    started = time.process_time()
    events = 0
    for state in lives:
        _, evs = engine.advance(state, state.clock, state.clock + engine.WEEK, [], content)
        events += len(evs)
    weekly = time.process_time() - started
    hourly_started = time.process_time()
    sample = lives[: min(50, len(lives))]
    for state in sample:
        for _ in range(168):
            state, _ = engine.advance(state, state.clock, state.clock + engine.HOUR, [], content)
    hourly = (time.process_time() - hourly_started) / len(sample) * len(lives)
    print(f"lives: {len(lives)}, aged {args.age_years} game years first")
    print(
        f"one week per life, one call each : {weekly:.3f} CPU-s  -> {len(lives) / weekly:,.0f} life-weeks/CPU-s"
        f"  ({events} events)"
    )
    print(
        f"one week as 168 hourly calls     : {hourly:.3f} CPU-s  -> {len(lives) / hourly:,.0f} life-weeks/CPU-s"
        f"  (estimated from {len(sample)} lives)"
    )
    print(f"ratio (one call / hourly calls)  : {hourly / weekly:.2f}x faster")


if __name__ == "__main__":
    main()
