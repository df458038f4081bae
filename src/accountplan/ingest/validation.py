"""Validating every row before anything is written: types, required fields, references."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accountplan.ingest import convert as cv
from accountplan.ingest.columns import ColumnBinder
from accountplan.ingest.entities import EntitySpec, FieldSpec
from accountplan.ingest.filechecks import cascade_rejections, check_cycles, check_duplicates
from accountplan.ingest.mappings import EntityMapping, norm
from accountplan.ingest.neardup import check_near_duplicates
from accountplan.ingest.readers import Table
from accountplan.ingest.refs import RefIndex, load_index
from accountplan.ingest.report import Issue, WarningLog
from accountplan.ingest.vocab import typo_of

STR_KINDS = {"str", "email"}
SINGULAR = {
    "accounts": "account",
    "buying-centers": "buying center",
    "products": "product",
    "opportunities": "opportunity",
    "line-items": "line item",
    "contact-roles": "contact role",
    "purchases": "purchase line",
    "contacts": "contact",
    "activities": "activity",
    "users": "user",
    "teams": "team member",
}


@dataclass
class Row:
    """One data row: its line, original cells, converted values and problems."""

    index: int
    line: int
    raw: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)  # self-ref field → file row index
    create: dict[str, str] = field(default_factory=dict)  # field → name of a row to create
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem in this row."""
        return not self.errors


@dataclass
class Resolved:
    """What a reference value resolved to (cached per distinct value)."""

    pk: int | None = None
    file_row: int | None = None
    reason: str = ""
    suggestion: str = ""
    applied: str = ""
    warn: str = ""
    create: bool = False


class Validator(ColumnBinder):
    """Binds the file's columns to fields, then converts and checks each row."""

    def __init__(
        self,
        spec: EntitySpec,
        mapping: EntityMapping,
        table: Table,
        *,
        accept_suggestions: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(spec, mapping, table)
        self.accept = accept_suggestions
        self.progress = progress
        self.warnings = WarningLog()
        self.applied: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.indexes: dict[str, RefIndex] = {}
        self.cache: dict[tuple[str, str], Resolved] = {}
        self.ref_values: dict[str, dict[str, bool]] = {}  # field → value → known?
        self.rows: list[Row] = []
        self.file_index = RefIndex(spec.name)
        #: Values that got a vocabulary typo warning, per field (not warned twice).
        self.typo_values: dict[str, set[str]] = {}

    # --- rows ----------------------------------------------------------------------------

    def run(self, limit: int | None = None) -> list[Row]:
        """Validate every row (or the first ``limit``); returns them all (check ``row.ok``)."""
        self._index_file_rows()
        ncols = len(self.table.headers)
        for i, (line, raw) in enumerate(self.table.rows[:limit]):
            row = Row(i, line, raw)
            if len(raw) > ncols and any(v.strip() for v in raw[ncols:]):
                row.errors.append(
                    Issue(
                        line,
                        "",
                        "|".join(raw[ncols:])[:100],
                        f"the row has {len(raw)} values but the header has {ncols} columns "
                        "(an unquoted delimiter inside a value?)",
                        kind="too many values",
                    )
                )
            elif len(raw) < ncols and self.table.format == "csv":
                row.errors.append(
                    Issue(
                        line,
                        "",
                        self.table.delimiter.join(raw)[:100],
                        f"the row has {len(raw)} values but the header has {ncols} columns "
                        "(a line cut short or broken in two?)",
                        kind="too few values",
                    )
                )
            self._check_key(row)
            for f, (_idx, header) in self.bound.items():
                self._convert(row, self.spec.field(f), header, self.cell(raw, f))
            for f, default in self.em.defaults.items():
                if f not in self.bound:
                    self._convert(row, self.spec.field(f), f"{f} (default)", default)
            self._derive(row)
            self._required(row)
            self.rows.append(row)
            if self.progress and i % 500 == 0:
                self.progress(i)
        if limit is None:
            check_near_duplicates(self)
            check_duplicates(self)
            check_cycles(self)
            cascade_rejections(self)
        return self.rows

    def _check_key(self, row: Row) -> None:
        """Every column of a declared key needs a value."""
        if "external_id" not in self.virtual or not self.em.key:
            return
        for i in self.virtual["external_id"][0]:
            if not (row.raw[i].strip() if i < len(row.raw) else ""):
                header = self.table.headers[i]
                label = self.bound["external_id"][1]
                row.errors.append(
                    Issue(
                        row.line,
                        header,
                        "",
                        f"required value missing: the key ({label}) needs a value in {header}",
                        kind="key value missing",
                    )
                )

    def _index_file_rows(self) -> None:
        """Rows of this file that self-references (parent, reports-to, manager) may point at."""
        if not self.spec.self_refs:
            return
        users = self.spec.name == "users"
        for i, (_line, raw) in enumerate(self.table.rows):
            ext = self.cell(raw, "external_id") or None
            if users or self.spec.name == "contacts":
                full = self.cell(raw, "full_name") or " ".join(
                    p for p in (self.cell(raw, "first_name"), self.cell(raw, "last_name")) if p
                )
                self.file_index.add(i, ext, full)
                if users:
                    uname = self.cell(raw, "username") or cv.username_from(full)
                    self.file_index.by_username[norm(uname)] = i
                email = self.cell(raw, "email")
                if email:
                    self.file_index.by_email[norm(email)].append(i)
            else:
                self.file_index.add(i, ext, self.cell(raw, "name"))

    def _convert(self, row: Row, fs: FieldSpec, column: str, text: str) -> None:
        name = fs.name
        if not text and name in self.em.defaults:
            text = self.em.defaults[name]
        if fs.kind == "ref":
            row.data[name] = None
            if text:
                self._resolve(row, fs, column, text)
            return
        if not text:
            row.data[name] = "" if fs.kind in STR_KINDS or fs.kind == "choice" else None
            if fs.kind == "bool":
                row.data[name] = False
            return
        if fs.kind in STR_KINDS and name in self.em.aliases:
            text = self._alias(fs, column, text)
        opts = self.em.options
        scale = self.em.scale.get(name)
        try:
            value: Any
            if fs.kind == "str":
                value = text
            elif fs.kind == "email":
                value = cv.parse_email(text)
            elif fs.kind == "int":
                value = cv.parse_int(text, opts, scale)
            elif fs.kind == "decimal":
                value = cv.parse_money(text, opts, scale)
            elif fs.kind == "date":
                value = cv.parse_date(text, opts.date_formats)
            elif fs.kind == "bool":
                value = cv.parse_bool(text)
            else:
                value = self._choice(fs, text)
            if fs.max_value is not None and abs(value) > fs.max_value:
                raise cv.BadValue(f"too large (at most {fs.max_value:,})")
            if isinstance(value, str) and fs.max_length and len(value) > fs.max_length:
                raise cv.BadValue(f"too long ({len(value)} characters; at most {fs.max_length})")
        except cv.BadValue as exc:
            kind = str(exc).split(" (")[0]
            row.errors.append(Issue(row.line, column, text, str(exc), kind=kind))
            return
        row.data[name] = value
        if fs.vocabulary and isinstance(value, str):
            typo = typo_of(fs.vocabulary, value)
            if typo:
                self.warnings.add(row.line, column, value, f"looks like a typo of {typo!r}")
                self.typo_values.setdefault(name, set()).add(value)

    def _alias(self, fs: FieldSpec, column: str, text: str) -> str:
        """A text value spelled as the mapping's aliases say ("Ware House" → "Warehouse")."""
        target = self.em.aliases[fs.name].get(norm(text))
        if target is None or target == text:
            return text
        item = self.applied.setdefault(
            (column, text, target),
            {"column": column, "value": text, "resolved_to": target, "rows": 0},
        )
        item["rows"] += 1
        item["how"] = "alias in the mapping"
        return target

    def _choice(self, fs: FieldSpec, text: str) -> str:
        vmap = self.em.values.get(fs.name, {})
        mapped = vmap.get(norm(text), text)
        for value, label in fs.choices:
            if norm(mapped) in (norm(value), norm(label)):
                return value
        if "*" in vmap:
            return vmap["*"]
        allowed = ", ".join(v for v, _ in fs.choices)
        raise cv.BadValue(
            f"not a known {fs.name} (allowed: {allowed}); "
            f"map it in [{self.spec.name}.values.{fs.name}]"
        )

    def _derive(self, row: Row) -> None:
        data = row.data
        full = data.pop("full_name", None)
        if full:
            first, last = cv.split_name(full)
            if not data.get("first_name"):
                data["first_name"] = first
            if not data.get("last_name"):
                data["last_name"] = last
        if self.spec.name == "users" and not data.get("username"):
            name = full or " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
            if name:
                data["username"] = cv.username_from(name)
        if self.spec.name == "opportunities" and "status" not in self.bound and data.get("stage"):
            self._status_from_stage(row)
        if self.spec.name == "line-items" and data.get("amount") is None:
            qty, price = data.get("quantity"), data.get("unit_price")
            if price is not None:
                data["amount"] = (price * (qty if qty is not None else Decimal(1))).quantize(
                    cv.CENT
                )
        if "quantity" in data and data["quantity"] is None:
            data["quantity"] = Decimal(1)

    def _status_from_stage(self, row: Row) -> None:
        stage = row.data["stage"]
        vmap = self.em.values.get("status", {})
        status = vmap.get(norm(stage))
        if status is None and norm(stage) in {"won", "lost", "open"}:
            status = norm(stage)
        status = status or vmap.get("*")
        if status is None:
            column = self.bound.get("stage", (0, "stage"))[1]
            row.errors.append(
                Issue(
                    row.line,
                    column,
                    stage,
                    "this stage is not mapped to open, won or lost: add it to "
                    '[opportunities.values.status] (or "*" = "open")',
                )
            )
            return
        row.data["status"] = status

    def _required(self, row: Row) -> None:
        failed = {e.column for e in row.errors}
        for f in self.required_fields():
            if row.data.get(f) in (None, "") and f not in row.pending and f not in row.create:
                column = self.bound[f][1] if f in self.bound else f
                if column in failed:
                    continue
                ref = self.spec.field(f).ref
                noun = SINGULAR.get(self.spec.name, self.spec.name)
                what = f.replace("_", " ")
                why = f"every {noun} needs a{'n' if what[0] in 'aeiou' else ''} {what}"
                if ref:
                    why += " and this cell is empty"
                row.errors.append(Issue(row.line, column, "", f"required value missing: {why}"))

    # --- references ----------------------------------------------------------------------

    def _index(self, entity: str) -> RefIndex:
        if entity not in self.indexes:
            self.indexes[entity] = load_index(entity)
        return self.indexes[entity]

    def _resolve(self, row: Row, fs: FieldSpec, column: str, text: str) -> None:
        key = (fs.name, text)
        res = self.cache.get(key)
        if res is None:
            res = self.cache[key] = self._lookup(fs, text)
        known = res.pk is not None or res.file_row is not None
        self.ref_values.setdefault(fs.name, {})[text] = known
        if res.applied:
            item = self.applied.setdefault(
                (column, text, res.applied),
                {"column": column, "value": text, "resolved_to": res.applied, "rows": 0},
            )
            item["rows"] += 1
            item["how"] = (
                "alias in the mapping"
                if norm(text) in self.em.aliases.get(fs.name, {})
                else "--accept-suggestions"
            )
        if res.file_row is not None:
            if res.file_row == row.index:
                row.errors.append(Issue(row.line, column, text, f"the row is its own {fs.name}"))
            else:
                row.pending[fs.name] = res.file_row
        elif res.pk is not None:
            row.data[fs.name] = res.pk
            if res.warn:
                self.warnings.add(row.line, column, text, res.warn)
        elif res.create:
            row.create[fs.name] = text
        elif res.warn:
            self.warnings.add(row.line, column, text, res.warn)
        else:
            kind = "ambiguous reference" if res.reason.startswith("ambiguous") else ""
            row.errors.append(Issue(row.line, column, text, res.reason, res.suggestion, kind))

    def _lookup(self, fs: FieldSpec, text: str, *, suggesting: bool = True) -> Resolved:
        assert fs.ref is not None
        value = self.em.aliases.get(fs.name, {}).get(norm(text), text)
        applied = value if value != text else ""
        mode = self.em.match.get(fs.name, "auto")
        target = fs.ref.rstrip("s").replace("-", " ")
        if fs.ref == self.spec.name:
            hits = self.file_index.find(value, mode)
            if len(hits) == 1:
                return Resolved(file_row=hits[0], applied=applied)
            if len(hits) > 1:
                lines = ", ".join(str(self.table.rows[i][0]) for i in hits[:5])
                return Resolved(
                    reason=f"ambiguous: {len(hits)} rows of this file have this name "
                    f"(lines {lines}); refer to the row by its external id"
                )
        index = self._index(fs.ref)
        hits = index.find(value, mode)
        if len(hits) == 1:
            return Resolved(pk=hits[0], applied=applied)
        if len(hits) > 1:
            plural = fs.ref.replace("-", " ")
            why = (
                f"ambiguous: {len(hits)} {plural} match “{value}” (external ids "
                f"{index.keys_of(hits)}); put the external id in this column, "
                f"or an alias in [{self.spec.name}.aliases.{fs.name}]"
            )
            if fs.warn_unknown:
                return Resolved(warn=f"{why} (left empty)")
            return Resolved(reason=why)
        if ";" in value and suggesting:
            # HubSpot lists several associated ids as "5001;5002": use the first, say so.
            first = value.split(";")[0].strip()
            res = self._lookup(fs, first, suggesting=False)
            if res.pk is not None or res.file_row is not None:
                res.warn = f"several values: used the first ({first})"
                return res
        suggestion = (
            index.suggest(value)
            or (self.file_index.suggest(value) if fs.ref == self.spec.name else None)
            or ""
        )
        if suggestion and self.accept and suggesting:
            res = self._lookup(fs, suggestion, suggesting=False)
            if res.pk is not None or res.file_row is not None:
                res.applied = suggestion
                return res
        if fs.name in self.em.create_missing:
            return Resolved(create=True)
        by = {"auto": "id or name", "full_name": "full name"}.get(mode, mode.replace("_", " "))
        if fs.warn_unknown:
            return Resolved(warn=f"unknown {target} (by {by}): left empty", suggestion=suggestion)
        reason = f"unknown {target}: no {target} with this {by}"
        if suggestion:
            reason += (
                " (accept the suggestion with --accept-suggestions, or an alias in the mapping)"
            )
        return Resolved(reason=reason, suggestion=suggestion)

    # --- whole-file checks ----------------------------------------------------------------

    def row_key(self, row: Row) -> tuple[Any, ...] | None:
        """The upsert key: external id, else the natural key (None when incomplete)."""
        ext = row.data.get("external_id")
        if ext:
            return ("ext", ext)
        return self.natural_key(row)

    def natural_key(self, row: Row) -> tuple[Any, ...] | None:
        """The natural key of a row, or None when a part is missing."""
        if not self.spec.natural_key:
            return None
        parts = []
        for f in self.spec.natural_key:
            value = row.data.get(f)
            if value in (None, ""):
                if f == "function":
                    value = "sales"
                elif f == "order_number":
                    value = ""  # optional: tells identical lines of different orders apart
                elif f not in ("quantity", "first_name"):
                    return None
            parts.append(value)
        return ("nk", *parts)

    def applied_list(self) -> list[dict[str, Any]]:
        """Suggestions and aliases that were applied, with how many rows used them."""
        return list(self.applied.values())
