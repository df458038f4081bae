"""Binding a file's columns to an entity's fields: headers, keys, combined fields, cells."""

from __future__ import annotations

from functools import cache

from accountplan.ingest.entities import EntitySpec
from accountplan.ingest.mappings import EntityMapping, norm
from accountplan.ingest.readers import Table
from accountplan.ingest.report import Issue

KEY_SEPARATOR = "/"  # key = ["Order", "Line"] → external id "SO43659/1"


class ColumnBinder:
    """Which column (or columns) gives each field, and a row's text for a field."""

    def __init__(self, spec: EntitySpec, mapping: EntityMapping, table: Table) -> None:
        self.spec = spec
        self.em = mapping
        self.table = table
        self.bound: dict[str, tuple[int, str]] = {}
        self.unmapped: list[str] = []
        self.file_issues: list[Issue] = []
        self.notes: list[str] = []
        #: Fields read from several columns (a key, a combined name): column indexes, separator.
        self.virtual: dict[str, tuple[list[int], str]] = {}

    def bind(self) -> None:
        """Match headers (trimmed, case-insensitive) to fields; missing required ones are fatal."""
        seen: dict[str, str] = {}
        positions = {norm(h): i for i, h in reversed(list(enumerate(self.table.headers)))}
        used = self._bind_virtual(positions)
        for idx, header in enumerate(self.table.headers):
            key = norm(header)
            targets = self.em.columns.get(key)
            if not targets:
                if header and key not in used:
                    self.unmapped.append(header)
                continue
            if key in seen:
                self.file_issues.append(
                    Issue(1, header, header, f"the column “{header}” appears twice in the header")
                )
                continue
            seen[key] = header
            for f in targets:
                if f in self.bound:
                    self.notes.append(
                        f"Column “{header}” ignored for {f}: already read from "
                        f"“{self.bound[f][1]}”."
                    )
                    continue
                self.bound[f] = (idx, header)
        if not self.bound:
            expected = ", ".join(sorted(self.em.headers.values())[:12])
            self.file_issues.append(
                Issue(
                    1,
                    "",
                    ", ".join(self.table.headers)[:200],
                    f"none of the columns are in the mapping for {self.spec.name} "
                    f"(expected columns such as: {expected}); wrong file, entity or mapping?",
                )
            )
            return
        other = self._other_entity()
        if other is not None:
            self.file_issues.append(other)
            return
        for f in self.required_fields():
            if f not in self.bound and f not in self.em.defaults and not self._derivable(f):
                names = [h for k, h in self.em.headers.items() if f in self.em.columns[k]]
                self.file_issues.append(
                    Issue(
                        1,
                        f,
                        "",
                        f"required column missing: no column gives {f} "
                        f"(expected one of: {', '.join(names) or 'none in this mapping'})",
                    )
                )

    def _other_entity(self) -> Issue | None:
        """The file is another entity's export (opportunities imported as accounts): most of
        its columns are that entity's in a built-in mapping, few are this entity's. Refused,
        rather than turned into rows of this entity from the one column they share (a deal's
        name would become an account)."""
        headers = [h for h in self.table.headers if h]
        mine = sum(1 for h in headers if norm(h) in self.em.columns)
        best: tuple[str, list[str]] | None = None
        for entity, columns in _builtin_columns().items():
            if entity == self.spec.name:
                continue
            theirs = [h for h in headers if norm(h) in columns]
            enough = len(theirs) >= 3 and len(theirs) > 2 * mine
            if enough and (best is None or len(theirs) > len(best[1])):
                best = (entity, theirs)
        if best is None:
            return None
        entity, theirs = best
        return Issue(
            1,
            ", ".join(theirs)[:200],
            "",
            f"this looks like a file of {entity}, not {self.spec.name}: {len(theirs)} of its "
            f"columns ({', '.join(theirs[:6])}) are {entity} columns and {mine} are "
            f"{self.spec.name} columns; import it as {entity}, or use a mapping that names "
            "its columns",
            kind="wrong file",
        )

    def _bind_virtual(self, positions: dict[str, int]) -> set[str]:
        """Bind the key and combined fields; returns the normalised headers they use."""
        wanted: dict[str, tuple[list[str], str]] = dict(self.em.combine)
        if self.em.key:
            wanted["external_id"] = (self.em.key, KEY_SEPARATOR)
        used: set[str] = set()
        for f, (columns, sep) in wanted.items():
            missing = [c for c in columns if norm(c) not in positions]
            what = "key" if f == "external_id" and self.em.key else f
            if missing:
                self.file_issues.append(
                    Issue(
                        1,
                        ", ".join(missing),
                        "",
                        f"column missing: the mapping builds {what} from "
                        f"{' + '.join(columns)}, and the file has no {', '.join(missing)}",
                    )
                )
                continue
            idxs = [positions[norm(c)] for c in columns]
            self.virtual[f] = (idxs, sep)
            label = " + ".join(self.table.headers[i] for i in idxs)
            self.bound[f] = (idxs[0], label)
            used.update(norm(c) for c in columns)
        return used

    def column_map(self) -> dict[str, str]:
        """Source column → the field(s) it fills, in file order."""
        out: dict[int, tuple[str, list[str]]] = {}
        for f, (idx, header) in self.bound.items():
            if f in self.virtual:
                for i in self.virtual[f][0]:
                    out.setdefault(i, (self.table.headers[i], []))[1].append(f)
                continue
            out.setdefault(idx, (header, []))[1].append(f)
        return {header: ", ".join(fields) for _i, (header, fields) in sorted(out.items())}

    def required_fields(self) -> list[str]:
        """Fields every row needs (external id when the entity has no natural key)."""
        req = [f.name for f in self.spec.fields if f.required]
        if self.spec.has_external_id and not self.spec.natural_key:
            req.insert(0, "external_id")
        return req

    def _derivable(self, f: str) -> bool:
        has_name = "full_name" in self.bound or "full_name" in self.em.defaults
        if f == "username":
            return has_name or "first_name" in self.bound
        if f == "last_name":
            return has_name
        return f == "amount" and self.spec.name == "line-items" and "unit_price" in self.bound

    @property
    def written_fields(self) -> list[str]:
        """Fields the import sets (bound, defaulted or derived); others stay untouched."""
        names = set(self.bound) | set(self.em.defaults)
        if "full_name" in names:
            names |= {"first_name", "last_name"}
            if self.spec.name == "users":
                names.add("username")
        if self.spec.name == "users" and "first_name" in names:
            names.add("username")
        if self.spec.name == "opportunities" and "stage" in names:
            names.add("status")
        if self.spec.name == "line-items" and "unit_price" in names:
            names.add("amount")
        return [f.name for f in self.spec.fields if f.name in names and f.attr != "-"]

    def cell(self, raw: list[str], f: str) -> str:
        """The trimmed text of field ``f`` in a row (empty when unbound)."""
        if f not in self.bound:
            return ""
        if f in self.virtual:
            idxs, sep = self.virtual[f]
            parts = [raw[i].strip() if i < len(raw) else "" for i in idxs]
            if f == "external_id" and self.em.key and not all(parts):
                return ""  # a key needs every part; _key_parts says which is missing
            return sep.join(p for p in parts if p)
        idx = self.bound[f][0]
        return raw[idx].strip() if idx < len(raw) else ""


@cache
def _builtin_columns() -> dict[str, frozenset[str]]:
    """Per entity, the normalised column names the built-in mappings know."""
    from accountplan.ingest.mappings import BUILTIN, load_mapping

    out: dict[str, set[str]] = {}
    for name in BUILTIN:
        for entity, em in load_mapping(name).entities.items():
            out.setdefault(entity, set()).update(em.columns)
    return {entity: frozenset(cols) for entity, cols in out.items()}
