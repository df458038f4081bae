"""Saved column mappings: save one under a name (or update it), rename, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import BUILTIN, Mapping, parse_mapping
from accountplan.ingest.models import SavedMapping

if TYPE_CHECKING:
    from accountplan.core.models import User

SAVED_PREFIX = "saved:"


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ImportFailed("Give the mapping a name.")
    if len(name) > 120:
        raise ImportFailed("A mapping name is at most 120 characters.")
    if name.lower() in BUILTIN:
        raise ImportFailed(f"“{name}” is a built-in mapping's name: choose another one.")
    return name


def save_mapping(
    *,
    name: str,
    toml_text: str,
    user: User,
    description: str = "",
    mapping: SavedMapping | None = None,
) -> SavedMapping:
    """Save ``toml_text`` (checked as a mapping file) under ``name``.

    Without ``mapping``, a mapping of the same name is updated (saving again from the page
    edits it); with ``mapping``, that one is changed and may be renamed to a free name.
    """
    if not user.can_edit_book:
        raise ImportFailed("Only managers and admins may save mappings.", status=403)
    name = _check_name(name)
    parse_mapping(toml_text, name)
    with transaction.atomic():
        if mapping is None:
            mapping = SavedMapping.objects.select_for_update().filter(name=name).first()
        if mapping is None:
            mapping = SavedMapping(created_by=user)
        elif SavedMapping.objects.filter(name=name).exclude(pk=mapping.pk).exists():
            raise ImportFailed(f"A saved mapping called “{name}” already exists.")
        mapping.name = name
        mapping.description = description[:255] if description else mapping.description
        mapping.toml = toml_text
        mapping.updated_by = user
        try:
            with transaction.atomic():
                mapping.save()
        except IntegrityError as exc:  # two people saving the same new name at once
            raise ImportFailed(f"A saved mapping called “{name}” already exists.") from exc
    return mapping


def delete_mapping(mapping: SavedMapping, user: User) -> None:
    """Delete a saved mapping (past runs keep their own copy of the mapping text)."""
    if not user.can_edit_book:
        raise ImportFailed("Only managers and admins may delete mappings.", status=403)
    mapping.delete()


def parsed(mapping: SavedMapping) -> Mapping | None:
    """The saved mapping parsed (None when its text no longer parses)."""
    try:
        return parse_mapping(mapping.toml, mapping.name)
    except ImportFailed:
        return None


def choices_for(user: User) -> list[tuple[str, str]]:
    """The saved mappings as choices of the upload form (``saved:<pk>``)."""
    out = []
    for m in SavedMapping.objects.for_user(user).only("pk", "name", "toml"):
        p = parsed(m)
        covers = ", ".join(p.entities) if p else "invalid TOML"
        out.append((f"{SAVED_PREFIX}{m.pk}", f"Saved: {m.name} ({covers})"))
    return out
