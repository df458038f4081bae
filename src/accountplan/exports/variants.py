"""Export variants: the internal plan, and a customer-safe one to hand to the customer.

The customer-safe variant is the same document with the internal fields taken out of the data
itself (not only hidden by the renderers), so no format can leak them: loss reasons and lost
deals, competitors and our position, stakeholders' attitudes, influence, mobilizer/talker and
relationship strength, notes about people, coverage gaps and the degree of separation, scores,
tier and play, and the plan's completeness.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from accountplan.core.errors import DomainError
from accountplan.exports.document import (
    AccountOverview,
    Header,
    OrgNode,
    PlanDocument,
    ProductHistory,
    Profile,
    Relationships,
    Stakeholder,
)

INTERNAL = "internal"
CUSTOMER = "customer"
VARIANTS = (INTERNAL, CUSTOMER)


class UnknownVariant(DomainError):
    """The export variant is not one of internal, customer."""

    status = 400


def check_variant(variant: str) -> str:
    """``variant`` if it is known, else UnknownVariant naming the valid ones."""
    if variant not in VARIANTS:
        raise UnknownVariant(
            f"Unknown export variant {variant!r}; choose one of {', '.join(VARIANTS)}."
        )
    return variant


def _stakeholder(s: Stakeholder) -> Stakeholder:
    return Stakeholder(
        s.contact_id,
        s.name,
        s.title,
        s.department,
        s.buying_role,
        our_owner=s.our_owner,
        last_contact=s.last_contact,
    )


def customer_safe(doc: PlanDocument) -> PlanDocument:
    """The plan without its internal fields (idempotent)."""
    h = doc.header
    header = Header(
        account_id=h.account_id,
        account_name=h.account_name,
        period=h.period,
        owner=h.owner,
        status=h.status,
        industry=h.industry,
        territory=h.territory,
        location=h.location,
        updated_at=h.updated_at,
        team=h.team,
    )
    o = doc.overview
    overview = AccountOverview(
        current_revenue=o.current_revenue,
        white_space_value=None,
        history=tuple(
            ProductHistory(
                x.product, x.deal_type, x.won, x.won_amount, x.open, x.open_amount, 0, Decimal(0)
            )
            for x in o.history
            if x.won or x.open
        ),
        won_contacts=o.won_contacts,
    )
    p = doc.profile
    profile = Profile(
        financial_health=p.financial_health,
        financial_rating=p.financial_rating,
        strengths=p.strengths,
        weaknesses=p.weaknesses,
        opportunities=p.opportunities,
        threats=p.threats,
    )
    r = doc.relationships
    relationships = Relationships(
        stakeholders=tuple(_stakeholder(s) for s in r.stakeholders),
        org=tuple(
            OrgNode(n.contact_id, n.name, n.title, n.reports_to_id, n.buying_role, "")
            for n in r.org
        ),
    )
    return replace(
        doc,
        header=header,
        overview=overview,
        profile=profile,
        relationships=relationships,
        customer_safe=True,
    )


def apply_variant(doc: PlanDocument, variant: str) -> PlanDocument:
    """The document of ``variant``: as is for internal, redacted for customer."""
    return customer_safe(doc) if check_variant(variant) == CUSTOMER else doc
