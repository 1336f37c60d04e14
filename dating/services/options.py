"""What a client needs to offer dates and actions: venues, date activities (where each can be done),
gifts and relationship actions, with their prices and energy, from the content in force."""

from typing import Any

from dating.life.rules import PlanDateParams
from dating.services.profiles import relationship_params
from game.services import content as content_service


def catalogue() -> dict[str, Any]:
    content = content_service.current()
    dates: PlanDateParams = content.specials["plan_date"]  # type: ignore[assignment]
    rel = relationship_params(content)
    date_act = content.activities["plan_date"]
    return {
        "date": {"energy_cost": date_act.energy_cost, "hours": date_act.hours, "min_age": date_act.min_age},
        "venues": [
            {
                "id": k,
                "name": v.name,
                "price": v.price,
                "min_age": v.min_age,
                "activities": [a for a, d in dates.activities.items() if k in d.venues],
            }
            for k, v in dates.venues.items()
        ],
        "activities": [
            {"id": k, "name": a.name, "price": a.price, "venues": list(a.venues)} for k, a in dates.activities.items()
        ],
        "gifts": [{"id": k, "name": g.name, "price": g.price} for k, g in rel.gifts.items()],
        "actions": [
            {
                "id": k,
                "name": content.activities[k].name,
                "energy_cost": content.activities[k].energy_cost,
                "hours": content.activities[k].hours,
                "min_age": content.activities[k].min_age,
                "price": a.price,
            }
            for k, a in rel.actions.items()
            if k in content.activities
        ],
    }
