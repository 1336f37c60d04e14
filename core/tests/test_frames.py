"""The envelope, on its own (core/ws/frames.py): every malformed frame gets the protocol's answer."""

import pytest

from core.ws import frames

LIMIT = 64 * 1024


def refusal(text: str | None) -> tuple[str, object, dict]:
    parsed = frames.parse(text, LIMIT)
    assert isinstance(parsed, frames.Refusal), parsed
    return parsed.verb, parsed.rid, parsed.error


@pytest.mark.parametrize(
    ("text", "verb", "rid", "message", "fields"),
    [
        (None, "error", None, "Send text frames, not binary.", None),
        ('{"type":"ping","pad":"' + "x" * LIMIT + '"}', "error", None, "Frame larger than 64 KiB.", ["frame"]),
        ("not json", "error", None, "Frame is not valid JSON.", None),
        ("[" * 60_000, "error", None, "Frame is not valid JSON.", None),  # deeper than the parser goes
        ("[1, 2]", "error", None, "Frame is not a JSON object.", None),
        ('{"type":"ping","id":7}', "ping", None, "`id` must be a string of at most 64 characters.", ["id"]),
        (
            '{"type":"ping","id":"' + "i" * 65 + '"}',
            "ping",
            None,
            "`id` must be a string of at most 64 characters.",
            ["id"],
        ),
        ('{"id":"r1"}', "error", "r1", "`type` is required.", ["type"]),
        ('{"type":"","id":"r2"}', "error", "r2", "`type` is required.", ["type"]),
        (
            '{"type":"ping","id":"\\ud800"}',
            "error",
            None,
            "Strings must be valid Unicode (no lone surrogates).",
            ["id"],
        ),
        (
            '{"type":"talk","id":"t","text":"a\\udfff"}',
            "talk",
            "t",
            "Strings must be valid Unicode (no lone surrogates).",
            ["text"],
        ),
    ],
)
def test_malformed_frames_are_refused_with_the_protocols_error(text, verb, rid, message, fields):
    expected = {"code": "bad_request", "message": message, **({"fields": fields} if fields else {})}
    assert refusal(text) == (verb, rid, expected)


def test_a_well_formed_frame_is_an_envelope():
    parsed = frames.parse('{"type":"talk","id":"t1","person_id":"p1","text":"hi \\ud83d\\ude00"}', LIMIT)
    assert isinstance(parsed, frames.Envelope)
    assert (parsed.verb, parsed.rid, parsed.bare) == ("talk", "t1", False)
    assert parsed.params() == {"person_id": "p1", "text": "hi \U0001f600"}
    assert frames.parse('{"type":"ping"}', LIMIT).bare is True


def test_replies_are_compact_json_in_utf8():
    assert frames.encode(frames.reply_frame("ping", "p", {"x": "é"})) == (
        '{"type":"ping","id":"p","ok":true,"data":{"x":"é"}}'
    )
    assert frames.error_frame("ping", None, {"code": "bad_request", "message": "m"}) == {
        "type": "ping",
        "id": None,
        "ok": False,
        "error": {"code": "bad_request", "message": "m"},
    }
