"""The diamond catalog: packs, refill and skip kinds with their prices, milestone rewards and purchase
limits. Content like the game's: monetization/content/catalog.yaml is the versioned source, validated
here, loaded into `CatalogEntry` rows (`manage.py load_content`) and edited by operators in the admin;
`catalog()` is what the purchases and the verbs' allowed values read.
"""

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core import yamlfile
from core.content_store import ContentStore, Row
from monetization.models import CatalogEntry

CATALOG_FILE = Path(__file__).resolve().parent / "content" / "catalog.yaml"
WEEK_SECONDS = 7 * 24 * 3600
KINDS = ("diamond_packs", "energy_refills", "time_skips", "milestone_rewards", "purchase_limits", "grants")
LIMITED = ("energy_refill", "time_skip")  # the purchases that need a limit


class CatalogError(ValueError):
    """The catalog is invalid; the message names the entry."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiamondPack(_Model):
    product_id: str = Field(min_length=3)
    diamonds: int = Field(ge=100, le=2000)
    price_cents: int = Field(gt=0)


class EnergyRefill(_Model):
    price: int = Field(gt=0)
    energy: int = Field(default=0, ge=0, le=100)
    unlimited_hours: int = Field(default=0, ge=0, le=24 * 7)

    @model_validator(mode="after")
    def _gives_something(self) -> "EnergyRefill":
        if not self.energy and not self.unlimited_hours:
            raise ValueError("a refill gives energy or unlimited hours")
        return self


class TimeSkip(_Model):
    price: int = Field(gt=0)
    seconds: int = Field(gt=0, le=WEEK_SECONDS)  # for until_next_event: the most it skips
    until_next_event: bool = False  # up to the life's next event, at most `seconds`


class Limit(_Model):
    count: int = Field(gt=0)
    per_seconds: int = Field(gt=0)


class Catalog(_Model):
    diamond_packs: tuple[DiamondPack, ...] = Field(min_length=1)
    energy_refills: dict[str, EnergyRefill] = Field(min_length=1)
    time_skips: dict[str, TimeSkip] = Field(min_length=1)
    milestone_rewards: dict[str, int | dict[str, int]]
    purchase_limits: dict[str, Limit]
    grants: dict[str, int] = Field(default_factory=dict)  # `welcome`: the diamonds a new account starts with

    def grant(self, name: str) -> int:
        return max(0, self.grants.get(name, 0))

    @model_validator(mode="after")
    def _check(self) -> "Catalog":
        ids = [p.product_id for p in self.diamond_packs]
        if len(ids) != len(set(ids)):
            raise ValueError("diamond_packs: duplicate product_id")
        missing = set(LIMITED) - set(self.purchase_limits)
        if missing:
            raise ValueError(f"purchase_limits: missing {sorted(missing)}")
        return self

    def pack(self, product_id: str) -> DiamondPack | None:
        return next((p for p in self.diamond_packs if p.product_id == product_id), None)

    def milestone_reward(self, milestone: str, level: str | None = None) -> int:
        rate = self.milestone_rewards.get(milestone, 0)
        if isinstance(rate, dict):
            return rate.get(level or "", 0)
        return rate


def build(rows: list[Row]) -> Catalog:
    """The catalog from its rows (kind = section, key = product id or kind name); raises CatalogError."""
    data: dict[str, Any] = {"diamond_packs": [], **{k: {} for k in KINDS[1:]}}
    for kind, key, value in sorted(rows, key=lambda r: (r[0], r[1])):
        if kind not in data:
            raise CatalogError(f"catalog: unknown section {kind!r} (known: {', '.join(KINDS)})")
        if kind == "diamond_packs":
            if not isinstance(value, dict) or value.get("product_id") != key:
                raise CatalogError(f"catalog: diamond_packs entry {key!r} must name product_id {key!r}")
            data[kind].append(value)
        else:
            data[kind][key] = value
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(catalog)'}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"catalog: {detail}") from exc


def file_rows(path: Path = CATALOG_FILE) -> list[Row]:
    """The rows of catalog.yaml."""
    with open(path, encoding="utf-8") as fh:
        raw = yamlfile.load(fh.read())
    if not isinstance(raw, dict):
        raise CatalogError(f"{path.name}: expected a mapping of sections")
    rows: list[Row] = []
    for kind, section in raw.items():
        if kind == "diamond_packs":
            rows += [(kind, str(p.get("product_id", "")), p) for p in section or []]
        elif isinstance(section, dict):
            rows += [(kind, str(k), v) for k, v in section.items()]
        else:
            raise CatalogError(f"{path.name}: {kind}: expected a mapping")
    return rows


STORE: ContentStore[Catalog] = ContentStore(name="catalog", model=CatalogEntry, build=build, read_files=file_rows)


def shipped_kinds(section: str) -> list[str]:
    """The keys a section has in catalog.yaml as shipped (for documentation; play reads `catalog()`)."""
    return [key for kind, key, _ in file_rows() if kind == section]


def catalog() -> Catalog:
    """The catalog in force (the database copy; the file while the database has none)."""
    return STORE.current()


def load_catalog() -> dict[str, int]:
    """Validate catalog.yaml and make the database match it."""
    return STORE.load()
