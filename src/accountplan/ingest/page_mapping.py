"""Mapping a file's columns in the page: the choices shown, and the mapping TOML they make.

The page edits only ``[ENTITY.columns]`` (a file column → one field, or several). Everything
else a mapping may hold (top-level and entity options, aliases, values, scale, match, defaults,
key, combine, mode) is carried over unchanged from the mapping the page started from, and is
changed by uploading a TOML mapping. The result is ordinary mapping TOML, checked by
:func:`accountplan.ingest.mappings.parse_mapping` like an uploaded file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from accountplan.ingest.entities import ENTITIES, EntitySpec
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mapping_toml import dump_toml
from accountplan.ingest.mappings import BUILTIN, Mapping, norm, parse_mapping

SEPARATOR = ","  # several fields from one column: "name,external_id"
ADVANCED = ("values", "aliases", "match", "scale", "defaults", "options", "key", "mode", "combine")


@dataclass
class ColumnChoice:
    """One column of the file and the field(s) it fills."""

    index: int
    header: str
    value: str  # "" (not imported), "name" or "name,external_id"
    #: Set when the column is used by a key or a combined field, which only TOML can change.
    fixed: str = ""
    #: A value of the column from the file's first rows, to recognise it by.
    sample: str = ""

    @property
    def fields(self) -> list[str]:
        """The chosen fields."""
        return [f for f in self.value.split(SEPARATOR) if f]


def field_label(spec: EntitySpec, name: str) -> str:
    """A field as the page names it: ``annual_revenue`` → “Annual revenue (annual_revenue)”."""
    text = name.replace("_", " ").capitalize()
    if name == "external_id":
        text = "External id (the source's id)"
    required = name in required_fields(spec)
    return f"{text}{' — required' if required else ''} ({name})"


def required_fields(spec: EntitySpec) -> set[str]:
    """Fields every row needs (as the importer checks them)."""
    req = {f.name for f in spec.fields if f.required}
    if spec.has_external_id and not spec.natural_key:
        req.add("external_id")
    return req


def field_options(entity: str, current: list[ColumnChoice] | None = None) -> list[tuple[str, str]]:
    """The select's options: not imported, each field, and any multi-field choice in use."""
    spec = ENTITIES[entity]
    options = [("", "— not imported —")]
    options += [(f.name, field_label(spec, f.name)) for f in spec.fields]
    known = {value for value, _label in options}
    for choice in current or []:
        if choice.value and choice.value not in known:
            known.add(choice.value)
            options.append((choice.value, " + ".join(choice.fields)))
    return options


def base_text(mapping_name: str, toml_text: str) -> str:
    """The TOML text a run's mapping comes from: its own text, or the built-in file."""
    if toml_text:
        return toml_text
    if mapping_name.lower() in BUILTIN:
        res = resources.files("accountplan.ingest").joinpath(
            f"mappings/{mapping_name.lower()}.toml"
        )
        return res.read_text(encoding="utf-8")
    return ""


def load_data(text: str) -> dict[str, Any]:
    """Mapping TOML as plain data ({} for none)."""
    if not text:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(f"The mapping is not valid TOML: {exc}.") from exc


def column_choices(entity: str, headers: list[str], data: dict[str, Any]) -> list[ColumnChoice]:
    """Each file column with the field(s) the mapping gives it (a guess when there is none)."""
    section = data.get(entity, {}) if data else {}
    if not section:
        guessed = guess_columns(entity, headers)
        return [
            ColumnChoice(i, h, SEPARATOR.join(guessed.get(h, []))) for i, h in enumerate(headers)
        ]
    columns: dict[str, list[str]] = {}
    for header, target in section.get("columns", {}).items():
        columns.setdefault(norm(header), []).extend([target] if isinstance(target, str) else target)
    fixed: dict[str, str] = {}
    for column in section.get("key", []) if isinstance(section.get("key"), list) else []:
        fixed[norm(column)] = "part of the row's key (key in the TOML mapping)"
    for field, spec in section.get("combine", {}).items():
        for column in spec.get("columns", []) if isinstance(spec, dict) else []:
            fixed.setdefault(norm(column), f"combined into {field} (combine in the TOML mapping)")
    seen: set[str] = set()
    out = []
    for i, header in enumerate(headers):
        key = norm(header)
        value = "" if key in seen else SEPARATOR.join(columns.get(key, []))
        seen.add(key)
        out.append(ColumnChoice(i, header, value, fixed.get(key, "")))
    return out


def guess_columns(entity: str, headers: list[str]) -> dict[str, list[str]]:
    """Columns named like a field (``Annual Revenue`` → annual_revenue), each field once."""
    spec = ENTITIES[entity]
    names: dict[str, str] = {}
    for f in spec.fields:
        names[norm(f.name)] = f.name
        names[norm(f.name.replace("_", " "))] = f.name
        names[norm(f.name.replace("_", ""))] = f.name
    taken: set[str] = set()
    out: dict[str, list[str]] = {}
    for header in headers:
        field = names.get(norm(header)) or names.get(norm(header).replace(" ", "_"))
        if field and field not in taken:
            taken.add(field)
            out[header] = [field]
    return out


def has_advanced(entity: str, data: dict[str, Any]) -> list[str]:
    """The advanced settings the mapping has for ``entity`` (kept, but changed only in TOML)."""
    found = [k for k in ADVANCED if data.get(entity, {}).get(k)]
    if data.get("options"):
        found.insert(0, "options")
    return sorted(set(found), key=ADVANCED.index)


def build_mapping(
    base: dict[str, Any],
    entity: str,
    choices: list[ColumnChoice],
    *,
    name: str,
    keep_other: bool,
) -> tuple[str, Mapping]:
    """The mapping TOML for ``choices`` on top of ``base``, and the parsed mapping.

    ``keep_other``: keep the base's other entity sections and its columns for headers this file
    does not have (a user's own mapping grows with each layout); a built-in mapping is not copied
    whole, only its options and this entity's advanced settings.
    """
    chosen = [c for c in choices if c.fields]
    if not chosen:
        raise ImportFailed("Choose a field for at least one column.")
    by_field: dict[str, str] = {}
    for c in chosen:
        for field in c.fields:
            if field in by_field:
                raise ImportFailed(
                    f"Two columns give {field}: “{by_field[field]}” and “{c.header}”. "
                    "Choose one of them."
                )
            by_field[field] = c.header
    data: dict[str, Any] = {"name": name}
    if base.get("description"):
        data["description"] = base["description"]
    if base.get("options"):
        data["options"] = base["options"]
    section = dict(base.get(entity, {}))
    columns: dict[str, Any] = {}
    here = {norm(c.header) for c in choices}
    if keep_other:
        for header, target in section.get("columns", {}).items():
            if norm(header) not in here:
                columns[header] = target
    for c in chosen:
        columns[c.header] = c.fields[0] if len(c.fields) == 1 else c.fields
    section["columns"] = columns
    if keep_other:
        for key, value in base.items():
            if key in ENTITIES and key != entity:
                data[key] = value
    data[entity] = section
    text = dump_toml(data)
    return text, parse_mapping(text, name)


def choices_from_post(
    entity: str, headers: list[str], post: Any, current: list[ColumnChoice]
) -> list[ColumnChoice]:
    """The columns' fields as the form posted them (``col-N``); fixed columns stay as they were."""
    allowed = {value for value, _label in field_options(entity, current)}
    out = []
    for c in current:
        if c.fixed or c.index >= len(headers):
            out.append(c)
            continue
        value = str(post.get(f"col-{c.index}", c.value))
        if value not in allowed:
            raise ImportFailed(f"Column “{c.header}”: {value!r} is not a field of {entity}.")
        out.append(ColumnChoice(c.index, c.header, value))
    return out


PAGE_NAME = "mapped in the page"
SAMPLE_ROWS = 20


def read_headers(data: bytes, file_name: str, sheet: str | None) -> list[str]:
    """A file's column headers ([] when it cannot be read: the preview says why)."""
    return read_columns(data, file_name, sheet)[0]


def read_columns(data: bytes, file_name: str, sheet: str | None) -> tuple[list[str], list[str]]:
    """A file's column headers and an example value of each (from its first rows)."""
    from accountplan.ingest.readers import read_table

    try:
        table = read_table(data, file_name, sheet=sheet)
    except ImportFailed:
        return [], []
    headers = list(table.headers)
    samples = [""] * len(headers)
    for _line, raw in table.rows[:SAMPLE_ROWS]:
        for i, value in enumerate(raw[: len(headers)]):
            if not samples[i] and value.strip():
                samples[i] = value.strip()[:60]
    return headers, samples


def start_mapping(entity: str, headers: list[str]) -> tuple[str, str]:
    """A first page mapping from the columns named like fields: (name, TOML), or ("", "")."""
    guessed = guess_columns(entity, headers)
    choices = [
        ColumnChoice(i, h, SEPARATOR.join(guessed.get(h, []))) for i, h in enumerate(headers)
    ]
    try:
        text, mapping = build_mapping({}, entity, choices, name=PAGE_NAME, keep_other=False)
    except ImportFailed:
        return "", ""
    return mapping.name, text
