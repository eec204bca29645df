"""The base of every scenario spec: frozen, and refusing unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, JsonValue

RULE: dict[str, JsonValue] = {"role": "rule"}
"""``json_schema_extra`` of a reform's rule or switch (a reform scenario may change it; rule 13)."""

TAKE_UP: dict[str, JsonValue] = {"role": "take_up"}
"""``json_schema_extra`` of a reform's participation share (the catalogue's common take-up).

A field marked neither is behaviour or environment, calibrated once on the baseline, which a
reform must not change (DESIGN rule 13).
"""


class FrozenSpec(BaseModel):
    """A frozen pydantic model with ``extra="forbid"`` and finite numbers only.

    ``allow_inf_nan=False``: an infinite duration, rate or share (``.inf`` in YAML) would run
    forever or store a meaningless run, so it is refused where the scenario is read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
