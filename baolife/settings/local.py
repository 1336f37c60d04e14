"""Development on a laptop: the embedded default, readable logs."""

from baolife.settings.base import *  # noqa: F403
from baolife.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
