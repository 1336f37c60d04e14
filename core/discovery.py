"""Where apps register themselves: each installed app's `handlers`, `tasks`, `life_hooks` module.

Django's `autodiscover_modules` imports `<app>.<name>` for every installed app that has one (as the
admin does for `admin.py`); this remembers that it was done, so a hot path (every socket asks for
the verbs) pays a set lookup, not fifteen imports.
"""

from django.utils.module_loading import autodiscover_modules

_done: set[str] = set()


def import_from_every_app(module: str) -> None:
    """Import `<app>.<module>` of every installed app once per process."""
    if module not in _done:
        autodiscover_modules(module)
        _done.add(module)
