"""What can be imported: each entity declares its fields, its natural key and how one row is applied.

The framework (``files`` reads the upload, ``mapping`` maps its columns to an entity's fields, ``runner`` applies the
rows, ``services`` and ``tasks`` run the dry run and the commit) knows nothing about customers or orders; the
entities in ``imports.entities`` know nothing about files, mappings or jobs. An entity gets each row as a dict of
**stripped strings by field name** (``""`` when the cell is empty or the column not mapped) and either applies it
through the owning app's services, returning what it did, or raises ``RowError`` with messages per field. Services'
own refusals (``core.exceptions.ApplicationError``, Django's ``ValidationError``) are turned into row errors by the
runner, so an entity need not catch them.

A re-run of the same file must change nothing: an entity that finds its record by the natural key and sees no
difference returns ``UNCHANGED`` without calling an update service (no audit record, no version bump).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tradeloom.core.registry import Registry

CREATED: Literal["created"] = "created"
UPDATED: Literal["updated"] = "updated"
UNCHANGED: Literal["unchanged"] = "unchanged"
Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Field:
    name: str  # the key in each row's dict, e.g. "code"
    label: str  # as the mapping page and the error report show it, e.g. "Code"
    required: bool = False
    # header spellings guessed to this field when a file is mapped the first time (compared lower-cased with spaces,
    # underscores, dashes and dots removed); the label and the name are always guessed
    aliases: tuple[str, ...] = ()
    help: str = ""  # the format expected, e.g. "YYYY-MM-DD or DD/MM/YYYY"


@dataclass
class RowResult:
    outcome: Outcome
    record: Any = None  # the record created or updated (the report links to it), or the one found unchanged


class RowError(Exception):
    """A row that cannot be applied: messages per field name (``"__row__"`` for the row as a whole)."""

    def __init__(self, errors: dict[str, list[str]] | str, field_name: str = "__row__") -> None:
        self.errors = errors if isinstance(errors, dict) else {field_name: [errors]}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


@dataclass
class ImportContext:
    organization: Any
    by: Any  # the Membership running the import (services record it as the actor)
    dry_run: bool
    # lookups an entity keeps across the rows of one run (customers by code, units by code …); the runner makes a
    # fresh one per run, and a row's savepoint rolled back does not clear it: keep only what a rolled-back row
    # cannot have created (rows read from the database before the run, not rows the run created)
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entity:
    code: str  # "customers", "suppliers", "plants", "contacts", "items", "opening_stock", "orders", "purchase_orders" …
    label: str  # "Customers"
    description: str  # one sentence for the upload page: what a row is and how it is matched
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # the natural key's field names (documented on the page), e.g. ("code",)
    apply_row: Callable[[ImportContext, dict[str, str]], RowResult]
    capability: str  # the capability a member needs to import it (the owning app's manage capability)
    order: int = 100  # position on the upload page

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


ENTITIES: Registry[Entity] = Registry("import entity")


def _normal(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch not in " _-.")


@dataclass(frozen=True)
class Preset:
    """A ready-made mapping for the export of a system this product replaces (Provabook, PowerApps / Dataverse)."""

    code: str  # "dataverse-suppliers", "provabook-orders"
    label: str  # "PowerApps / Dataverse: Suppliers"
    entity: str  # an Entity.code
    columns: dict[str, str]  # source header, as the source system writes it -> field name
    ignore: tuple[str, ...] = ()  # source headers known and deliberately not imported (no "not imported" warning)

    def score(self, headers: list[str] | tuple[str, ...]) -> float:
        """The share of this preset's columns among ``headers`` (compared as ``Field.aliases`` are)."""
        if not self.columns:
            return 0.0
        present = {_normal(h) for h in headers}
        return sum(1 for header in self.columns if _normal(header) in present) / len(self.columns)


PRESETS: Registry[Preset] = Registry("import preset")
