"""The scorecard: its settings as an ``AnalysisConfig``, and its TOML import and export."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Trim

from accountplan.analytics.frames import DEFAULT_ATTRIBUTES, ICP, AnalysisConfig, Attribute
from accountplan.analytics.peers import blank_share_warning
from accountplan.book.models import Account
from accountplan.core.errors import DomainError, Forbidden
from accountplan.portfolio.models import PeerField, Scorecard

if TYPE_CHECKING:
    from accountplan.core.models import User

ATTRIBUTE_KEYS = tuple(a.key for a in DEFAULT_ATTRIBUTES)
LABELS = {a.key: a.label for a in DEFAULT_ATTRIBUTES}
#: The peer groups a scorecard may choose ("none": every buyer is a peer).
PEER_GROUPS = tuple(PeerField.values)


class ScorecardError(DomainError):
    """The scorecard's settings are not valid; the message lists every problem."""

    status = 422


def get_scorecard() -> Scorecard:
    """The "default" scorecard, created with the methodology's defaults the first time."""
    card, _ = Scorecard.objects.get_or_create(name="default")
    return card


def weights(card: Scorecard) -> dict[str, float]:
    """The attribute weights, keyed like the analytics attributes."""
    return {key: float(getattr(card, f"weight_{key}")) for key in ATTRIBUTE_KEYS}


def icp_of(card: Scorecard) -> ICP | None:
    """The ideal customer profile, or None when no criterion is configured."""
    icp = ICP(
        industries=tuple(card.icp_industries or ()),
        min_employees=card.icp_min_employees,
        max_employees=card.icp_max_employees,
        regions=tuple(card.icp_regions or ()),
    )
    if not (icp.industries or icp.regions) and icp.min_employees is None:
        return None if icp.max_employees is None else icp
    return icp


def segment_field(peer_field: str) -> str | None:
    """The account field that groups peers for a scorecard's ``peer_field`` (None for "none")."""
    return None if peer_field == PeerField.NONE else str(peer_field)


def to_config(
    card: Scorecard,
    as_of: dt.date,
    window_months: int | None = 12,
    level: Literal["product", "family"] = "product",
) -> AnalysisConfig:
    """The analysis settings this scorecard stands for, at ``as_of``."""
    w = weights(card)
    return AnalysisConfig(
        as_of=as_of,
        window_months=window_months,
        level=level,
        segment_field=segment_field(card.peer_field),
        min_peers=card.min_peers,
        full_share=card.full_share,
        attributes=tuple(Attribute(k, LABELS[k], w[k]) for k in ATTRIBUTE_KEYS),
        icp=icp_of(card),
        tier1_min_percentile=card.tier1_min_percentile,
    )


def config_to_json(config: AnalysisConfig) -> dict[str, Any]:
    """The settings of a run, as stored on its snapshot (JSON-safe)."""
    icp = config.icp
    return {
        "as_of": config.as_of.isoformat(),
        "window_months": config.window_months,
        "level": config.level,
        "segment_field": config.segment_field,
        # The scorecard's choice, spelled as on the scorecard ("none": every buyer is a peer).
        "peer_group": config.segment_field or PeerField.NONE.value,
        "size_field": config.size_field,
        "min_peers": config.min_peers,
        "full_share": config.full_share,
        "weights": {a.key: a.weight for a in config.attributes},
        "icp": None
        if icp is None
        else {
            "industries": list(icp.industries),
            "min_employees": icp.min_employees,
            "max_employees": icp.max_employees,
            "regions": list(icp.regions),
        },
        "tier1_min_percentile": config.tier1_min_percentile,
        "tier2_min_percentile": config.tier2_min_percentile,
        "recent_lost_months": config.recent_lost_months,
        "clv_years": config.clv_years,
        "clv_discount_rate": config.clv_discount_rate,
    }


def peer_warning(field: str | None) -> str | None:
    """The warning of ``analytics.peers`` when the peer-group ``field`` (an account field name,
    None for no peer group) is blank for most of the book.

    One aggregate query over all accounts (the scorecard applies to the whole book).
    """
    if field not in PEER_GROUPS or field == PeerField.NONE:
        return None
    counts = Account.objects.annotate(_peer_value=Trim(field)).aggregate(
        total=Count("pk"), blank=Count("pk", filter=Q(_peer_value="") | Q(_peer_value=None))
    )
    return blank_share_warning(field, counts["blank"], counts["total"])


# --- validation --------------------------------------------------------------------------------


@dataclass
class ScorecardData:
    """Validated scorecard settings, ready to save."""

    weights: dict[str, float]
    icp_industries: list[str]
    icp_min_employees: int | None
    icp_max_employees: int | None
    icp_regions: list[str]
    tier1_min_percentile: float
    full_share: float
    min_peers: int
    peer_field: str = PeerField.INDUSTRY.value


def _number(raw: Any, name: str, errors: list[str]) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        errors.append(f"{_name(name)} must be a number, got {raw!r}.")
        return None
    return float(raw)


def _strings(raw: Any, name: str, errors: list[str]) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        errors.append(f'{_name(name)} must be a list of names, e.g. ["Retail", "Software"].')
        return []
    return [x.strip() for x in raw if x.strip()]


def _count(raw: Any, name: str, errors: list[str]) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        errors.append(f"{_name(name)} must be a whole number ≥ 0, got {raw!r}.")
        return None
    return raw


#: What a person calls each setting, in messages (the page and the CLI alike): never its key.
NAMES: dict[str, str] = {
    "weights.whitespace_value": "White-space value weight",
    "weights.icp_fit": "Ideal-customer-profile fit weight",
    "weights.growth": "Growth weight",
    "weights.satisfaction": "Satisfaction weight",
    "weights.share_of_wallet_gap": "Share-of-wallet gap weight",
    "icp.industries": "Target industries",
    "icp.regions": "Target regions",
    "icp.min_employees": "Minimum employees",
    "icp.max_employees": "Maximum employees",
    "thresholds.tier1_min_percentile": "Tier 1 from percentile",
    "thresholds.full_share": "Full share",
    "thresholds.min_peers": "Minimum peers",
    "peers.group": "Peer group",
}


def _name(key: str) -> str:
    return NAMES.get(key, key)


#: The sections of the TOML layout (and of ``validate``'s dict).
SECTIONS = ("weights", "icp", "thresholds", "peers")


def _peer_group(peers: Any, errors: list[str]) -> str:
    """``[peers] group``: one of the peer groups, industry when absent."""
    if not isinstance(peers, dict):
        errors.append('[peers] must be a table, e.g. group = "segment".')
        return PeerField.INDUSTRY.value
    for key in peers:
        if key != "group":
            errors.append(f"Unknown key 'peers.{key}': expected group.")
    raw = peers.get("group", PeerField.INDUSTRY.value)
    value = raw.strip().lower() if isinstance(raw, str) else raw
    if value not in PEER_GROUPS:
        errors.append(
            f"Peer group must be one of {', '.join(PEER_GROUPS)} (none: every buyer is a peer), "
            f"got {raw!r}."
        )
        return PeerField.INDUSTRY.value
    return str(value)


def validate(data: dict[str, Any]) -> ScorecardData:
    """Check scorecard settings given as a dict (TOML layout); raise one error listing all problems.

    Layout: ``[weights]`` (the five attribute keys), ``[icp]`` (industries, min_employees,
    max_employees, regions), ``[thresholds]`` (tier1_min_percentile, full_share, min_peers),
    ``[peers]`` (group: industry, segment, territory, country or none).
    """
    errors: list[str] = []
    known = set(SECTIONS)
    for key in data:
        if key not in known:
            errors.append(f"Unknown section [{key}]: expected {', '.join(sorted(known))}.")
    raw_weights = data.get("weights", {})
    w: dict[str, float] = {}
    for key in raw_weights:
        if key not in ATTRIBUTE_KEYS:
            errors.append(f"Unknown weight '{key}': expected one of {', '.join(ATTRIBUTE_KEYS)}.")
    for key, attr in zip(ATTRIBUTE_KEYS, DEFAULT_ATTRIBUTES, strict=True):
        value = _number(raw_weights.get(key, attr.weight), f"weights.{key}", errors)
        if value is not None and value < 0:
            errors.append(f"{_name(f'weights.{key}')} must be ≥ 0, got {value:g}.")
        w[key] = value if value is not None else 0.0
    if all(v == 0 for v in w.values()):
        errors.append("At least one weight must be above 0, or no account can be scored.")
    icp = data.get("icp", {})
    industries = _strings(icp.get("industries", []), "icp.industries", errors)
    regions = _strings(icp.get("regions", []), "icp.regions", errors)
    lo = _count(icp.get("min_employees"), "icp.min_employees", errors)
    hi = _count(icp.get("max_employees"), "icp.max_employees", errors)
    if lo is not None and hi is not None and lo > hi:
        errors.append(f"Minimum employees ({lo:,}) must not exceed maximum employees ({hi:,}).")
    th = data.get("thresholds", {})
    tier1 = _number(th.get("tier1_min_percentile", 90), "thresholds.tier1_min_percentile", errors)
    if tier1 is not None and not 80 <= tier1 <= 90:
        errors.append(
            f"Tier 1 from percentile must be between 80 and 90 (top 20 % to top 10 %), "
            f"got {tier1:g}."
        )
    full = _number(th.get("full_share", 0.8), "thresholds.full_share", errors)
    if full is not None and not 0 < full <= 1:
        errors.append(f"Full share must be above 0 and at most 1, got {full:g}.")
    peers = _count(th.get("min_peers", 5), "thresholds.min_peers", errors)
    if peers is not None and peers < 1:
        errors.append("Minimum peers must be at least 1.")
    group = _peer_group(data.get("peers", {}), errors)
    if errors:
        raise ScorecardError("The scorecard is not valid: " + " ".join(errors), details=errors)
    return ScorecardData(
        weights=w,
        icp_industries=industries,
        icp_min_employees=lo,
        icp_max_employees=hi,
        icp_regions=regions,
        tier1_min_percentile=float(tier1 or 90),
        full_share=float(full or 0.8),
        min_peers=int(peers or 5),
        peer_field=group,
    )


def layout(card: Scorecard) -> dict[str, Any]:
    """The scorecard's settings in the layout ``validate`` reads (that of the TOML file)."""
    return {
        "weights": weights(card),
        "icp": {
            "industries": list(card.icp_industries or []),
            "min_employees": card.icp_min_employees,
            "max_employees": card.icp_max_employees,
            "regions": list(card.icp_regions or []),
        },
        "thresholds": {
            "tier1_min_percentile": card.tier1_min_percentile,
            "full_share": card.full_share,
            "min_peers": card.min_peers,
        },
        "peers": {"group": card.peer_field},
    }


#: Flat field names (API) → their place in the layout.
FLAT_FIELDS: dict[str, tuple[str, str]] = {
    "icp_industries": ("icp", "industries"),
    "icp_min_employees": ("icp", "min_employees"),
    "icp_max_employees": ("icp", "max_employees"),
    "icp_regions": ("icp", "regions"),
    "tier1_min_percentile": ("thresholds", "tier1_min_percentile"),
    "full_share": ("thresholds", "full_share"),
    "min_peers": ("thresholds", "min_peers"),
    "peer_field": ("peers", "group"),
}


def update_scorecard(user: User, changes: dict[str, Any]) -> Scorecard:
    """Change some settings of the default scorecard (managers and admins), same rules as TOML.

    ``changes`` holds flat names (``peer_field``, ``min_peers``, ``icp_min_employees`` ...) and
    ``weights`` (a dict of some attribute weights); the others keep their values.
    """
    if not user.can_edit_book:
        raise Forbidden("Only managers and admins may change the scorecard.")
    data = layout(get_scorecard())
    for name, value in changes.items():
        if name == "weights":
            data["weights"] = {**data["weights"], **dict(value or {})}
        else:
            section, key = FLAT_FIELDS[name]
            data[section][key] = value
    return save(validate(data))


def save(data: ScorecardData) -> Scorecard:
    """Store validated settings on the default scorecard."""
    with transaction.atomic():
        card = get_scorecard()
        for key, value in data.weights.items():
            setattr(card, f"weight_{key}", value)
        card.icp_industries = data.icp_industries
        card.icp_min_employees = data.icp_min_employees
        card.icp_max_employees = data.icp_max_employees
        card.icp_regions = data.icp_regions
        card.tier1_min_percentile = data.tier1_min_percentile
        card.full_share = data.full_share
        card.min_peers = data.min_peers
        card.peer_field = data.peer_field
        card.save()
    return card


# --- TOML --------------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    # JSON strings, numbers and arrays of strings are valid TOML values.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def export_toml(card: Scorecard) -> str:
    """The scorecard as a TOML document that ``import_toml`` reads back."""
    lines = [
        "# accountplan scorecard: weights, ideal customer profile, thresholds, peer group",
        "",
        "[weights]",
    ]
    lines += [f"{k} = {_toml_value(v)}" for k, v in weights(card).items()]
    lines += ["", "[icp]", f"industries = {_toml_value(list(card.icp_industries or []))}"]
    if card.icp_min_employees is not None:
        lines.append(f"min_employees = {card.icp_min_employees}")
    if card.icp_max_employees is not None:
        lines.append(f"max_employees = {card.icp_max_employees}")
    lines.append(f"regions = {_toml_value(list(card.icp_regions or []))}")
    lines += [
        "",
        "[thresholds]",
        f"tier1_min_percentile = {_toml_value(card.tier1_min_percentile)}",
        f"full_share = {_toml_value(card.full_share)}",
        f"min_peers = {card.min_peers}",
        "",
        "[peers]",
        f"group = {_toml_value(card.peer_field)}  # {' | '.join(PEER_GROUPS)}",
        "",
    ]
    return "\n".join(lines)


def import_toml(text: str) -> Scorecard:
    """Validate a TOML scorecard and store it; a clear error when it does not parse or validate."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScorecardError(f"The scorecard file is not valid TOML: {exc}.") from exc
    for section in SECTIONS:
        if section in data and not isinstance(data[section], dict):
            raise ScorecardError(f"[{section}] must be a table (a section), not a value.")
    return save(validate(data))
