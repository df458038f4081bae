"""Search keys: a name casefolded, accent-stripped and with punctuation turned into spaces, kept
in an indexed column beside the name so a search is an index range, not a scan of the book.

``SearchKeyField`` fills itself from its source fields whenever a row is saved or bulk-created
(``pre_save``, which ``bulk_create`` calls too); ``bulk_update`` and ``QuerySet.update`` bypass
it, so the importer calls :func:`refresh_search_keys` for the rows whose sources it changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

#: Keys longer than this are cut (the column's size); a search of a longer text is cut too.
KEY_LENGTH = 255
_NON_WORD = re.compile(r"[^\w]+")
#: Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)


def normalise(text: str) -> str:
    """``"  Société Générale-Énergie "`` → ``"societe generale energie"``: casefolded, accents
    and other combining marks removed, every run of non-word characters one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).replace("_", " ").strip()[:KEY_LENGTH]


class SearchKeyField(models.CharField):
    """The normalised text of ``sources`` (joined by a space), written on every save."""

    def __init__(self, *args: Any, sources: Sequence[str] = (), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, value in (("max_length", KEY_LENGTH), ("editable", False), ("blank", True)):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def key_of(self, obj: models.Model) -> str:
        """The key ``obj``'s sources give."""
        return normalise(" ".join(str(getattr(obj, s) or "") for s in self.sources))

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        key = self.key_of(model_instance)
        setattr(model_instance, self.attname, key)
        return key


def search_key_fields(model: type[models.Model]) -> list[SearchKeyField]:
    """The model's search key fields (none for most models)."""
    return [f for f in model._meta.get_fields() if isinstance(f, SearchKeyField)]


def refresh_search_keys(
    model: type[models.Model], pks: Iterable[int], changed: Iterable[str] | None = None
) -> int:
    """Recompute the search keys of rows ``pks`` (after a ``bulk_update`` of ``changed``
    attributes; ``None``: whatever changed). Reads and writes in batches; returns rows written."""
    fields = search_key_fields(model)
    if changed is not None:
        touched = set(changed)
        fields = [f for f in fields if touched & set(f.sources)]
    if not fields:
        return 0
    sources = sorted({s for f in fields for s in f.sources})
    ids = list(pks)
    written = 0
    for start in range(0, len(ids), 1000):
        rows = list(
            model._default_manager.filter(pk__in=ids[start : start + 1000]).only("pk", *sources)
        )
        for row in rows:
            for f in fields:
                setattr(row, f.attname, f.key_of(row))
        model._default_manager.bulk_update(rows, [f.name for f in fields], batch_size=1000)
        written += len(rows)
    return written
