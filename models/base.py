"""The base of every scenario spec: frozen, and refusing unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenSpec(BaseModel):
    """A frozen pydantic model with ``extra="forbid"``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
