"""Column mappings: built-in (salesforce, hubspot, maven) or a user's TOML file, validated."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from accountplan.core.fmt import noun
from accountplan.ingest.entities import ENTITIES, EntitySpec
from accountplan.ingest.errors import ImportFailed

BUILTIN = ("salesforce", "hubspot", "maven")
MATCH_MODES = {"auto", "external_id", "name", "username", "email", "full_name"}
ENTITY_KEYS = {
    "columns",
    "values",
    "aliases",
    "match",
    "scale",
    "defaults",
    "create_missing",
    "options",
    "key",
    "mode",
    "combine",
}
MODES = {"upsert", "replace"}
#: Entities a file may replace wholesale (per account and date range).
REPLACEABLE = {"purchases"}
OPTION_KEYS = {"date_formats", "decimal_comma", "thousands_separator", "currency_symbols"}


def norm(text: str) -> str:
    """Normalise a header or label for comparison: trimmed, case-folded, single spaces."""
    return re.sub(r"\s+", " ", text.strip()).casefold()


@dataclass(frozen=True)
class Options:
    """How numbers and dates are written in the file."""

    date_formats: tuple[str, ...] = ()
    decimal_comma: bool = False
    thousands_separator: str = ""
    currency_symbols: tuple[str, ...] = ("$", "€", "£", "¥", "USD", "EUR", "GBP")


@dataclass
class EntityMapping:
    """How one entity's columns map to fields, and how values are translated."""

    columns: dict[str, list[str]] = field(default_factory=dict)  # norm(header) → fields
    headers: dict[str, str] = field(default_factory=dict)  # norm(header) → header as written
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → norm(label) → value
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # field → norm(src) → target
    match: dict[str, str] = field(default_factory=dict)
    scale: dict[str, Decimal] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    create_missing: set[str] = field(default_factory=set)
    options: Options = field(default_factory=Options)
    #: File columns whose values together are the row's key (stored as its external id).
    key: list[str] = field(default_factory=list)
    #: ``upsert`` (default) or ``replace``: the file replaces its accounts' lines in its dates.
    mode: str = "upsert"
    #: field → (file columns, separator): a field built from several columns.
    combine: dict[str, tuple[list[str], str]] = field(default_factory=dict)


@dataclass
class Mapping:
    """A whole mapping file: a name, a description and a section per entity."""

    name: str
    description: str
    entities: dict[str, EntityMapping]
    source: str = ""

    def for_entity(self, entity: str) -> EntityMapping:
        """The section for ``entity``; a clear error when the mapping has none."""
        if entity not in self.entities:
            covered = ", ".join(self.entities) or "none"
            raise ImportFailed(
                f"The mapping {self.name!r} has no [{entity}] section (it covers: {covered}). "
                f"Add a [{entity}.columns] table to a mapping file."
            )
        return self.entities[entity]


def load_mapping(name_or_path: str) -> Mapping:
    """Load a built-in mapping by name, or a TOML mapping file by path."""
    key = name_or_path.strip()
    if key.lower() in BUILTIN:
        res = resources.files("accountplan.ingest").joinpath(f"mappings/{key.lower()}.toml")
        return parse_mapping(res.read_text(encoding="utf-8"), key.lower())
    path = Path(key)
    if not path.is_file():
        raise ImportFailed(
            f"No mapping {key!r}: use a built-in mapping ({', '.join(BUILTIN)}) "
            "or the path of a TOML mapping file."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"The mapping file {path.name} is not UTF-8 text.") from exc
    return parse_mapping(text, path.stem)


def parse_mapping(text: str, default_name: str = "custom") -> Mapping:
    """Parse and validate a mapping's TOML text; every mistake is a clear :class:`ImportFailed`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(f"The mapping file is not valid TOML: {exc}.") from exc
    name = str(data.pop("name", default_name))
    description = str(data.pop("description", ""))
    base = _options(data.pop("options", {}), "options", Options())
    entities: dict[str, EntityMapping] = {}
    for key, section in data.items():
        if key not in ENTITIES:
            raise ImportFailed(
                f"Mapping: unknown section [{key}]; entity sections are: {', '.join(ENTITIES)}."
            )
        if not isinstance(section, dict):
            raise ImportFailed(f"Mapping: [{key}] must be a table.")
        entities[key] = _entity(ENTITIES[key], section, base)
    if not entities:
        raise ImportFailed("The mapping has no entity section, e.g. [accounts.columns].")
    return Mapping(name, description, entities, text)


def _options(raw: Any, where: str, base: Options) -> Options:
    if not isinstance(raw, dict):
        raise ImportFailed(f"Mapping: [{where}] must be a table.")
    unknown = set(raw) - OPTION_KEYS
    if unknown:
        raise ImportFailed(
            f"Mapping: unknown {noun(len(unknown), 'option')} {', '.join(sorted(unknown))} "
            f"in [{where}]; "
            f"allowed: {', '.join(sorted(OPTION_KEYS))}."
        )
    formats = raw.get("date_formats", list(base.date_formats))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise ImportFailed(
            f'Mapping: [{where}] date_formats must be a list of strftime formats like "%d/%m/%Y".'
        )
    symbols = raw.get("currency_symbols", list(base.currency_symbols))
    if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
        raise ImportFailed(f"Mapping: [{where}] currency_symbols must be a list of strings.")
    decimal_comma = raw.get("decimal_comma", base.decimal_comma)
    if not isinstance(decimal_comma, bool):
        raise ImportFailed(f"Mapping: [{where}] decimal_comma must be true or false.")
    thousands = raw.get("thousands_separator", base.thousands_separator)
    if not isinstance(thousands, str) or len(thousands) > 1:
        raise ImportFailed(
            f'Mapping: [{where}] thousands_separator must be one character (e.g. "," "." " ").'
        )
    return Options(tuple(formats), decimal_comma, thousands, tuple(symbols))


def _entity(spec: EntitySpec, raw: dict[str, Any], base: Options) -> EntityMapping:
    where = spec.name
    unknown = set(raw) - ENTITY_KEYS
    if unknown:
        raise ImportFailed(
            f"Mapping: unknown {noun(len(unknown), 'key')} {', '.join(sorted(unknown))} "
            f"in [{where}]; "
            f"allowed: {', '.join(sorted(ENTITY_KEYS))}."
        )
    fields = set(spec.field_names)

    def check_field(name: str, table: str) -> None:
        if name not in fields:
            raise ImportFailed(
                f"Mapping: [{where}.{table}] names an unknown field {name!r}; "
                f"{spec.name} fields are: {', '.join(spec.field_names)}."
            )

    em = EntityMapping(options=_options(raw.get("options", {}), f"{where}.options", base))
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise ImportFailed(f'Mapping: [{where}.columns] must map column names to fields: a = "b".')
    for header, target in columns.items():
        targets = [target] if isinstance(target, str) else target
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ImportFailed(
                f"Mapping: [{where}.columns] {header!r} must map to a field name "
                "or a list of field names."
            )
        for t in targets:
            check_field(t, "columns")
        em.columns.setdefault(norm(header), []).extend(targets)
        em.headers.setdefault(norm(header), header)
    for fname, table in _table(raw, "values", where).items():
        check_field(fname, "values")
        em.values[fname] = {
            (k if k == "*" else norm(k)): str(v) for k, v in _sub(table, f"{where}.values.{fname}")
        }
    for fname, table in _table(raw, "aliases", where).items():
        check_field(fname, "aliases")
        em.aliases[fname] = {norm(k): str(v) for k, v in _sub(table, f"{where}.aliases.{fname}")}
    for fname, mode in _table(raw, "match", where).items():
        check_field(fname, "match")
        if spec.field(fname).kind != "ref":
            raise ImportFailed(f"Mapping: [{where}.match] {fname!r} is not a reference field.")
        if mode not in MATCH_MODES:
            raise ImportFailed(
                f"Mapping: [{where}.match] {fname} = {mode!r}; "
                f"use one of: {', '.join(sorted(MATCH_MODES))}."
            )
        em.match[fname] = mode
    for fname, factor in _table(raw, "scale", where).items():
        check_field(fname, "scale")
        try:
            em.scale[fname] = Decimal(str(factor))
        except InvalidOperation as exc:
            raise ImportFailed(f"Mapping: [{where}.scale] {fname} must be a number.") from exc
    for fname, value in _table(raw, "defaults", where).items():
        check_field(fname, "defaults")
        em.defaults[fname] = str(value)
    _key_mode_combine(spec, raw, em, check_field)
    for fname, flag in _table(raw, "create_missing", where).items():
        check_field(fname, "create_missing")
        if spec.name != "users" or fname != "manager":
            raise ImportFailed(
                "Mapping: create_missing is only supported for [users.create_missing] manager."
            )
        if flag is True:
            em.create_missing.add(fname)
    return em


def _key_mode_combine(
    spec: EntitySpec, raw: dict[str, Any], em: EntityMapping, check_field: Any
) -> None:
    """``key = [columns]``, ``mode = "replace"`` and ``[ENTITY.combine.FIELD]`` tables."""
    where = spec.name
    key = raw.get("key", [])
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not all(isinstance(k, str) and k.strip() for k in key):
        raise ImportFailed(
            f'Mapping: [{where}] key must be a list of column names, e.g. key = ["Order", "Line"].'
        )
    if key and not spec.has_external_id:
        raise ImportFailed(f"Mapping: [{where}] has no external id, so it cannot have a key.")
    if key and any("external_id" in fields for fields in em.columns.values()):
        raise ImportFailed(
            f"Mapping: [{where}] key makes the external id from its columns: "
            "map no column to external_id as well."
        )
    em.key = [k.strip() for k in key]
    mode = raw.get("mode", "upsert")
    if mode not in MODES:
        raise ImportFailed(f'Mapping: [{where}] mode must be "upsert" or "replace".')
    if mode == "replace" and spec.name not in REPLACEABLE:
        raise ImportFailed(
            f'Mapping: mode = "replace" is only for {", ".join(sorted(REPLACEABLE))}.'
        )
    em.mode = mode
    for fname, table in _table(raw, "combine", where).items():
        check_field(fname, "combine")
        columns = table.get("columns") if isinstance(table, dict) else None
        sep = table.get("separator", " ") if isinstance(table, dict) else None
        if (
            not isinstance(columns, list)
            or len(columns) < 2
            or not all(isinstance(c, str) for c in columns)
            or not isinstance(sep, str)
        ):
            raise ImportFailed(
                f"Mapping: [{where}.combine.{fname}] needs columns = a list of two or more "
                'column names, and optionally separator = " ".'
            )
        em.combine[fname] = (columns, sep)


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ImportFailed(f"Mapping: [{where}.{key}] must be a table.")
    return value


def _sub(value: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        raise ImportFailed(f'Mapping: [{where}] must be a table of "source" = "target" pairs.')
    return list(value.items())
