"""Retention content: retention/content/*.yaml -> validated -> RetentionEntry rows -> one
`RetentionContent` per process (core/content_store.py), so operators' admin edits take effect."""

from pathlib import Path

from core import yamlfile
from core.content_store import ContentStore, Row
from retention.models import RetentionEntry
from retention.rules import KINDS, ContentError, RetentionContent, build

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def read_files(root: Path = CONTENT_DIR) -> list[Row]:
    """The rows of the four files: one per achievement, quest template, login day and tutorial step."""
    rows: list[Row] = []
    for kind in KINDS:
        path = root / f"{kind}.yaml"
        with open(path, encoding="utf-8") as fh:
            raw = yamlfile.load(fh.read())
        if not isinstance(raw, dict):
            raise ContentError(f"{path.name}: expected a mapping of entries")
        rows += [(kind, str(key), value) for key, value in raw.items()]
    return rows


STORE: ContentStore[RetentionContent] = ContentStore(
    name="retention", model=RetentionEntry, build=build, read_files=read_files
)


def current() -> RetentionContent:
    """The content in force (the database copy; the files while the database has none)."""
    return STORE.current()


def load_content() -> dict[str, int]:
    """Validate the files and make the database match them."""
    return STORE.load()
