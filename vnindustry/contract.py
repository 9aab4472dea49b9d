"""The observation contract (docs: ../shared/docs/facts.md), as a pydantic model.

Everything downstream (the staging loader, dbt's accepted values, `extract`) speaks these
names, so they are defined once here.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

PARSER_VERSION = "reader-2.0.0"

Sector = Literal["industry", "B", "C", "D", "E", "industry_construction"]
Metric = Literal["production_value", "iip", "value_added", "growth_contribution", "output", "inventory"]
Unit = Literal["bn_vnd", "tonne", "m3", "kwh", "litre", "m2", "piece", "pair", "pp"]
Bound = Literal["over", "about", "under"]
ChangeBase = Literal["same_period_last_year", "previous_year", "previous_period"]
Status = Literal["actual", "estimate", "target"]
PriceBasis = Literal["constant_2010", "current"]

SECTORS: tuple[str, ...] = Sector.__args__
METRICS: tuple[str, ...] = Metric.__args__
UNITS: tuple[str, ...] = Unit.__args__
BOUNDS: tuple[str, ...] = Bound.__args__
CHANGE_BASES: tuple[str, ...] = ChangeBase.__args__
STATUSES: tuple[str, ...] = Status.__args__
PRICE_BASES: tuple[str, ...] = PriceBasis.__args__

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class Observation(BaseModel):
    """One statistic stated by one article."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    article_id: str
    geo_code: Optional[str] = None
    geo_name: Optional[str] = None
    period_start: str = Field(pattern=MONTH_PATTERN)
    period_end: str = Field(pattern=MONTH_PATTERN)
    sector: Optional[Sector] = None
    division: Optional[str] = Field(default=None, pattern=r"^\d{2}$")
    product: Optional[str] = None
    metric: Metric
    value: Optional[float] = None
    unit: Optional[Unit] = None
    bound: Optional[Bound] = None
    change_pct: Optional[float] = None
    change_base: Optional[ChangeBase] = None
    plan_pct: Optional[float] = None
    status: Status = "actual"
    price_basis: Optional[PriceBasis] = None
    evidence: str
    span: tuple[int, int]
    parser_version: str = PARSER_VERSION
    attachment: dict[str, str] = Field(default_factory=dict)
    """How the figure was grounded: for each of subject, period, place, status, base and price
    basis, the unit that gave it (`own`, `clause`, `sentence`, `lead_in`, `topic`, `title`,
    `dateline`, `published`...), so a wrong row can be explained from the warehouse."""

    @model_validator(mode="after")
    def _consistent(self) -> "Observation":
        if self.period_start > self.period_end:
            raise ValueError("period_start after period_end")
        if (self.value is None) != (self.unit is None):
            raise ValueError("value and unit go together")
        if self.change_base is not None and self.change_pct is None:
            raise ValueError("change_base without change_pct")
        if self.value is None and self.change_pct is None and self.plan_pct is None:
            raise ValueError("an observation states a value, a change or a plan share")
        return self

    def record(self) -> dict:
        """The observation as a plain JSON-ready dict (span as a list)."""
        data = self.model_dump()
        data["span"] = list(self.span)
        return data
