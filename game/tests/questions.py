"""A pending question placed in a life by a test, from a content event (one builder for every test)."""

from typing import Any

from game import engine


def pending(
    content: engine.Content, state: engine.LifeState, template: str, **overrides: Any
) -> engine.PendingQuestion:
    """The event `template` waiting in `state` from its clock (a year's window unless overridden)."""
    tpl = content.events[template]
    fields: dict[str, Any] = {
        "id": state.new_id("q"),
        "template": tpl.id,
        "created_at": state.clock,
        "expires_at": state.clock + engine.YEAR,
        "default": tpl.default,
        "text": tpl.text,
        "choices": [{"id": c.id, "text": c.text} for c in tpl.choices],
        "major": tpl.major,
        **overrides,
    }
    question = engine.PendingQuestion(**fields)
    state.pending.append(question)
    return question
