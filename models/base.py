"""The base of every scenario spec: frozen, and refusing unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenSpec(BaseModel):
    """A frozen pydantic model with ``extra="forbid"`` and finite numbers only.

    ``allow_inf_nan=False``: an infinite duration, rate or share (``.inf`` in YAML) would run
    forever or store a meaningless run, so it is refused where the scenario is read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
