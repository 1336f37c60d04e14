"""Operator-editable content kept in the database: files -> validated -> rows -> one validated object
per process, rebuilt when a version stamp in the shared cache moves.

Game content (game/services/content.py) and the diamond catalog (monetization/catalog.py) are both
one `ContentStore`, so loading, validating an admin edit and noticing another process's edit work the
same way for both.
"""

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

from core import heap
from core.discovery import import_from_every_app
from core.models import ContentDocument

T = TypeVar("T")
Row = tuple[str, str, Any]  # (kind, key, data)

_STORES: list["ContentStore[Any]"] = []


def every_store() -> list["ContentStore[Any]"]:
    """Every app's stores (each app names them in its `content_stores` module), in app order."""
    import_from_every_app("content_stores")
    return list(_STORES)


def register(store: Any) -> Any:
    """Add a store that is not a `ContentStore` (anything with `name`, `load()` and `current()`), such as
    analytics' experiments, which the files only create and the operators then own."""
    _STORES.append(store)
    return store


def warm_all() -> None:
    """Build every store's object now (a server starting), not on the first player's request."""
    for store in every_store():
        store.current()


class ContentStore(Generic[T]):
    """`model` holds the rows (a `core.models.ContentDocument`); `build(rows)` validates them into the
    object the game uses and raises on bad content; `read_files()` gives the rows of the versioned files."""

    def __init__(
        self,
        *,
        name: str,
        model: type[ContentDocument],
        build: Callable[[list[Row]], T],
        read_files: Callable[[], list[Row]],
    ) -> None:
        self.name = name
        self.model = model
        self.build = build
        self.read_files = read_files
        self.version_key = f"content-version:{name}"
        self._cached: tuple[Any, T] | None = None
        _STORES.append(self)

    def rows(self) -> list[Row]:
        return list(self.model._default_manager.values_list("kind", "key", "data"))

    def current(self) -> T:
        """What the game runs on: the database copy (the files while the database has none)."""
        version = cache.get(self.version_key)
        if self._cached is not None and version is not None and self._cached[0] == version:
            return self._cached[1]
        rows = self.rows()
        built = self.build(rows) if rows else self.build(self.read_files())
        if version is None:
            self.bump()
            version = cache.get(self.version_key)
        replaced = self._cached is not None
        self._cached = (version, built)
        if replaced:
            heap.resettle()  # the old content may go; the new one joins the long-lived heap
        return built

    def bump(self) -> None:
        """Tell every process to rebuild (after a change has committed)."""
        last = self.model._default_manager.order_by("-updated_at").values_list("updated_at", flat=True).first()
        count = self.model._default_manager.count()
        cache.set(self.version_key, f"{last}:{count}", timeout=None)

    def validate_edit(self, *, pk: Any, kind: str, key: str, data: Any, delete: bool = False) -> T:
        """The content as it would be with one row changed (or deleted): raises if that is invalid."""
        rows = [(r.kind, r.key, r.data) for r in self.model._default_manager.exclude(pk=pk)]
        if not delete:
            rows.append((kind, key, data))
        return self.build(rows)

    def load(self, rows: Iterable[Row] | None = None) -> dict[str, int]:
        """Make the database match the files (or `rows`), after validating them; returns rows per kind."""
        wanted = list(self.read_files() if rows is None else rows)
        self.build(wanted)
        manager = self.model._default_manager
        counts: dict[str, int] = {}
        with transaction.atomic():
            by_kind: dict[str, dict[str, Any]] = {}
            for kind, key, data in wanted:
                by_kind.setdefault(kind, {})[key] = data
            manager.exclude(kind__in=list(by_kind)).delete()
            for kind, entries in by_kind.items():
                manager.filter(kind=kind).exclude(key__in=list(entries)).delete()
                existing = {row.key: row for row in manager.filter(kind=kind)}
                for key, data in entries.items():
                    row = existing.get(key)
                    if row is None:
                        manager.create(kind=kind, key=key, data=data)
                    elif row.data != data:
                        row.data = data
                        row.save(update_fields=["data", "updated_at"])
                counts[kind] = len(entries)
            transaction.on_commit(self.bump)
        return counts
