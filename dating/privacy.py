"""What the GDPR export and erasure do with dating's tables (core/privacy.py; compliance runs them)."""

from core.privacy import Erasure, declare
from dating.models import Compatibility, NpcBio, RelationshipEvent

for model, section, what in (
    (NpcBio, "dating_bios", "Bios written for the people of the player's lives."),
    (Compatibility, "dating_compatibility", "The player's character's compatibility with them."),
    (RelationshipEvent, "relationship_events", "The history of the lives' relationships (dates, marriages ...)."),
):
    declare(model, erasure=Erasure.DELETE, export=True, owner="character__player_id", section=section, reason=what)
