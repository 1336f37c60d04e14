"""Game content (data files under game/content/), validated and loaded into the database."""


def load_content() -> dict[str, int]:
    """Validate every content file and upsert it; returns counts per kind."""
    return {}
