"""Prices, packs and reward rates from monetization/content/catalog.yaml, validated once at load."""

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CATALOG_FILE = Path(__file__).resolve().parent / "content" / "catalog.yaml"
WEEK_SECONDS = 7 * 24 * 3600


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiamondPack(_Model):
    product_id: str = Field(min_length=3)
    diamonds: int = Field(ge=100, le=2000)
    price_cents: int = Field(gt=0)


class EnergyRefill(_Model):
    price: int = Field(gt=0)
    energy: int = Field(default=0, ge=0, le=100)
    unlimited_hours: int = Field(default=0, ge=0)


class TimeSkip(_Model):
    price: int = Field(gt=0)
    seconds: int = Field(gt=0, le=WEEK_SECONDS)


class Limit(_Model):
    count: int = Field(gt=0)
    per_seconds: int = Field(gt=0)


class Catalog(_Model):
    diamond_packs: tuple[DiamondPack, ...]
    energy_refills: dict[str, EnergyRefill]
    time_skips: dict[str, TimeSkip]
    milestone_rewards: dict[str, int | dict[str, int]]
    purchase_limits: dict[str, Limit]

    @model_validator(mode="after")
    def _check(self) -> "Catalog":
        ids = [p.product_id for p in self.diamond_packs]
        if len(ids) != len(set(ids)):
            raise ValueError("diamond_packs: duplicate product_id")
        if set(self.energy_refills) != {"small", "medium", "full", "unlimited"}:
            raise ValueError("energy_refills: need exactly small, medium, full, unlimited")
        if set(self.time_skips) != {"hour", "day", "week", "next_event"}:
            raise ValueError("time_skips: need exactly hour, day, week, next_event")
        return self

    def pack(self, product_id: str) -> DiamondPack | None:
        return next((p for p in self.diamond_packs if p.product_id == product_id), None)

    def milestone_reward(self, milestone: str, level: str | None = None) -> int:
        rate = self.milestone_rewards.get(milestone, 0)
        if isinstance(rate, dict):
            return rate.get(level or "", 0)
        return rate


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    with open(CATALOG_FILE, encoding="utf-8") as fh:
        return Catalog.model_validate(yaml.safe_load(fh))
