"""The export declarant's documents and the B2B declaration-form rule, shared by 9710 and 9810.

A CBEC B2B export (9710, 9810) is declared on a declaration list (申报清单, through the CBEC
export system, goods classified at 6 digits) when its value is at most CNY 5,000 and it needs no
licence, no inspection and no tax; on a customs declaration form (报关单) otherwise (GACC
announcement 2020 No. 75, S62 [R: the article's wording was recalled, not found in a stored
copy]). Before lodging, the declarant assembles the documents the procedure asks for; SEED-003 s8
simplifies the export documents (简化出口单证申报手续): the documents it drops are not prepared.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role

LIST_VALUE_LIMIT_CNY = 5000.0
"""Highest value of a B2B consignment declared on a list (GACC 2020 No. 75, S62 [R])."""

DeclarationForm = Literal["list", "form"]


def b2b_declaration_form(
    value_cny: float, licensed: bool, inspected: bool, taxed: bool
) -> DeclarationForm:
    """``list`` for a consignment of at most CNY 5,000 with no licence, inspection or tax."""
    if value_cny <= LIST_VALUE_LIMIT_CNY and not (licensed or inspected or taxed):
        return "list"
    return "form"


class ExportDocumentSpec(FrozenSpec):
    """One document the declarant prepares before lodging an export declaration."""

    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    prepare_min: Duration = Field(description="The declarant's work on this document.")
    form_only: bool = Field(
        default=False, description="Needed for a declaration form only, not for a list."
    )
    dropped_when_simplified: bool = Field(
        default=False,
        description="Not asked for once export documents are simplified (SEED-003 s8).",
        json_schema_extra=role("rule"),
    )


class ExportDocumentsSpec(FrozenSpec):
    """The documents of an export declaration, prepared one after another by the declarant."""

    documents: tuple[ExportDocumentSpec, ...] = Field(min_length=1)
    simplified: bool = Field(
        default=False,
        description="SEED-003 s8 in force: the documents marked dropped_when_simplified go.",
        json_schema_extra=role("rule"),
    )

    @field_validator("documents")
    @classmethod
    def _unique(cls, documents: tuple[ExportDocumentSpec, ...]) -> tuple[ExportDocumentSpec, ...]:
        names = [d.name for d in documents]
        if len(set(names)) != len(names):
            raise ValueError(f"document names must be unique, got {names}")
        return documents

    def required(self, form: DeclarationForm) -> tuple[bool, ...]:
        """Which documents (in order) a declaration on ``form`` needs under these rules."""
        return tuple(
            (form == "form" or not d.form_only)
            and not (self.simplified and d.dropped_when_simplified)
            for d in self.documents
        )

    def preparation_min(self, form: DeclarationForm, drawn_min: tuple[float, ...]) -> float:
        """The declarant's work on the documents a ``form`` needs, given each one's drawn time.

        ``drawn_min`` holds a time for every document, in order, drawn whether or not it is
        needed (common random numbers across the rules); the needed ones are done one after
        another, so their times add up.
        """
        needed = self.required(form)
        return sum(t for t, n in zip(drawn_min, needed, strict=True) if n)
