"""docs/protocol.md's verb table is generated from the registry: a verb added, removed or changed
without regenerating it (`python manage.py protocol_docs`) fails here."""

from core import protocol_docs
from core.verbs import load_all


def test_the_verb_table_in_the_docs_matches_the_code():
    text = protocol_docs.DOC.read_text(encoding="utf-8")
    assert protocol_docs.BEGIN in text and protocol_docs.END in text
    assert protocol_docs.render(text) == text, "run `python manage.py protocol_docs`"


def test_every_registered_verb_is_in_the_table():
    table = protocol_docs.verb_table()
    for name in load_all():
        assert f"| `{name}` |" in table
