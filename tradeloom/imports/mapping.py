"""Which source column fills which field of an entity: guessed for a new file, validated before a dry run.

The guess, first match wins: the organisation's saved mapping for these headers (``ImportMapping``, by the headers'
signature), else the entity's best preset scoring at least ``PRESET_THRESHOLD`` (its ``columns``), else each
header compared with each field's name, label and aliases (lower-cased, spaces, underscores, dashes and dots
removed). A header mapped to nothing is "not imported" (a preset's ``ignore`` headers are known and not listed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradeloom.imports.registry import PRESETS, Entity, Preset, _normal

PRESET_THRESHOLD = 0.6
SAVED, PRESET, GUESSED = "saved", "preset", "guessed"


@dataclass
class Guess:
    columns: dict[str, str]  # source header → field name (only the mapped ones)
    source: str  # SAVED | PRESET | GUESSED
    preset: Preset | None = None
    not_imported: list[str] = field(default_factory=list)


def presets_for(entity: Entity) -> list[Preset]:
    return [preset for preset in PRESETS if preset.entity == entity.code]


def preset_best(entity: Entity, headers: list[str]) -> Preset | None:
    """The entity's preset that covers most of ``headers``' columns, when it scores at least the threshold."""
    scored = [(preset.score(headers), preset) for preset in presets_for(entity)]
    scored = [pair for pair in scored if pair[0] >= PRESET_THRESHOLD]
    if not scored:
        return None
    return max(scored, key=lambda pair: pair[0])[1]


def from_preset(entity: Entity, preset: Preset, headers: list[str]) -> dict[str, str]:
    """The preset's columns present in ``headers`` (by their normal form), for fields the entity has."""
    by_normal = {_normal(header): header for header in headers}
    names = {f.name for f in entity.fields}
    columns: dict[str, str] = {}
    for source, field_name in preset.columns.items():
        header = by_normal.get(_normal(source))
        if header is not None and field_name in names and field_name not in columns.values():
            columns[header] = field_name
    return columns


def by_names(entity: Entity, headers: list[str]) -> dict[str, str]:
    """Each header whose normal form is a field's name, label or alias (each field at most once)."""
    spellings: dict[str, str] = {}
    for f in entity.fields:
        for spelling in (f.name, f.label, *f.aliases):
            spellings.setdefault(_normal(spelling), f.name)
    columns: dict[str, str] = {}
    for header in headers:
        name = spellings.get(_normal(header))
        if name is not None and name not in columns.values():
            columns[header] = name
    return columns


def guess(entity: Entity, headers: list[str], *, saved: dict[str, str] | None = None) -> Guess:
    if saved:
        columns = {h: f for h, f in saved.items() if h in headers and f in {x.name for x in entity.fields}}
        if columns:
            return Guess(columns, SAVED, not_imported=not_imported(headers, columns))
    preset = preset_best(entity, headers)
    if preset is not None:
        columns = from_preset(entity, preset, headers)
        return Guess(columns, PRESET, preset, not_imported(headers, columns, preset))
    columns = by_names(entity, headers)
    return Guess(columns, GUESSED, not_imported=not_imported(headers, columns))


def not_imported(headers: list[str], columns: dict[str, str], preset: Preset | None = None) -> list[str]:
    ignored = {_normal(h) for h in preset.ignore} if preset is not None else set()
    return [h for h in headers if not columns.get(h) and _normal(h) not in ignored]


def mapping_errors(entity: Entity, headers: list[str], columns: dict[str, str]) -> dict[str, list[str]]:
    """What is wrong with ``columns`` (header → field name; an empty name is "not imported"), by the header
    concerned (``"mapping"`` for what concerns no one header): unknown headers or fields, a field mapped twice, a
    required field not mapped."""
    errors: dict[str, list[str]] = {}
    names = {f.name: f for f in entity.fields}
    taken: dict[str, str] = {}
    for header, field_name in columns.items():
        if not field_name:
            continue
        if header not in headers:
            errors.setdefault("mapping", []).append(f"The file has no column “{header}”.")
            continue
        if field_name not in names:
            errors.setdefault(header, []).append(f"{entity.label} have no field “{field_name}”.")
            continue
        if field_name in taken:
            errors.setdefault(header, []).append(
                f"“{names[field_name].label}” is already filled from the column “{taken[field_name]}”."
            )
            continue
        taken[field_name] = header
    missing = [f.label for f in entity.fields if f.required and f.name not in taken]
    if missing:
        errors.setdefault("mapping", []).append(
            f"Choose a column for {'each required field' if len(missing) > 1 else 'the required field'}: "
            f"{', '.join(missing)}."
        )
    return errors


def header_of_field(columns: dict[str, str]) -> dict[str, str]:
    """Field name → its source header (the report's column of each field error)."""
    return {field_name: header for header, field_name in columns.items() if field_name}
