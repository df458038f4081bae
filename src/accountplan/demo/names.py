"""Word lists and the catalogue the demo book is drawn from. Data only: no randomness here.

Everything is fictitious. Company domains end in ``.example.com`` (reserved by RFC 2606), so no
generated address can reach a real inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

#: Our (fictitious) company: the vendor whose book of business the demo shows.
VENDOR_DOMAIN = "northbeam.example.com"
EMAIL_DOMAIN_SUFFIX = "example.com"


@dataclass(frozen=True, slots=True)
class CatalogueProduct:
    """One product of the catalogue: how it is priced and how much of it an account needs.

    ``unit`` says how it is sold. Subscriptions, sold and renewed through deals only: ``seat``
    (priced per user per year, quantity grows with employees) and ``license`` (a flat annual
    subscription, one or a few per account). Run-rate products, first bought through a deal and
    then reordered through order lines: ``service`` (priced per day), ``hardware`` (per kit or
    pack) and ``usage`` (per block of metered consumption, ordered monthly).
    """

    name: str
    family: str
    list_price: Decimal
    unit: str
    popularity: float


FAMILIES = (
    "Core Platform",
    "Analytics",
    "Security & Compliance",
    "Field Operations",
    "Services",
)

CATALOGUE: tuple[CatalogueProduct, ...] = (
    CatalogueProduct("Atlas Platform Standard", "Core Platform", Decimal("24000"), "license", 0.7),
    CatalogueProduct(
        "Atlas Platform Enterprise", "Core Platform", Decimal("96000"), "license", 0.35
    ),
    CatalogueProduct("Atlas Workspace Seats", "Core Platform", Decimal("180"), "seat", 0.85),
    CatalogueProduct("Atlas Data Connectors", "Core Platform", Decimal("9500"), "license", 0.5),
    CatalogueProduct("Atlas API Gateway", "Core Platform", Decimal("14000"), "license", 0.35),
    CatalogueProduct("Insight Dashboards", "Analytics", Decimal("240"), "seat", 0.8),
    CatalogueProduct("Insight Forecasting", "Analytics", Decimal("420"), "seat", 0.45),
    CatalogueProduct("Insight Data Warehouse", "Analytics", Decimal("38000"), "license", 0.35),
    CatalogueProduct("Insight Embedded", "Analytics", Decimal("27000"), "license", 0.25),
    CatalogueProduct("Insight AI Assistant", "Analytics", Decimal("300"), "seat", 0.3),
    CatalogueProduct("Insight Compute Credits", "Analytics", Decimal("250"), "usage", 0.4),
    CatalogueProduct("Shield Identity", "Security & Compliance", Decimal("72"), "seat", 0.75),
    CatalogueProduct(
        "Shield Audit Trail", "Security & Compliance", Decimal("16000"), "license", 0.5
    ),
    CatalogueProduct(
        "Shield Data Loss Prevention", "Security & Compliance", Decimal("110"), "seat", 0.35
    ),
    CatalogueProduct(
        "Shield Compliance Packs", "Security & Compliance", Decimal("12500"), "license", 0.4
    ),
    CatalogueProduct("FieldSync Mobile", "Field Operations", Decimal("360"), "seat", 0.75),
    CatalogueProduct("FieldSync Scheduling", "Field Operations", Decimal("21000"), "license", 0.5),
    CatalogueProduct("FieldSync Asset Tracking", "Field Operations", Decimal("150"), "seat", 0.4),
    CatalogueProduct("FieldSync Sensor Kit", "Field Operations", Decimal("2400"), "hardware", 0.3),
    CatalogueProduct(
        "FieldSync Spare Parts Pack", "Field Operations", Decimal("380"), "hardware", 0.35
    ),
    CatalogueProduct("Implementation Services", "Services", Decimal("1800"), "service", 0.6),
    CatalogueProduct("Premium Support", "Services", Decimal("18000"), "license", 0.5),
    CatalogueProduct("Training Workshop", "Services", Decimal("4500"), "service", 0.45),
    CatalogueProduct("Customer Success Advisory", "Services", Decimal("30000"), "license", 0.25),
    CatalogueProduct("Managed Administration", "Services", Decimal("2200"), "service", 0.2),
)

#: Industry → (revenue per employee in dollars, affinity per family in FAMILIES order).
#: The affinities make white space follow industry: hospitals buy security, not field kits.
INDUSTRIES: dict[str, tuple[int, tuple[float, ...]]] = {
    "Manufacturing": (310_000, (0.95, 0.55, 0.35, 0.85, 0.6)),
    "Healthcare": (180_000, (0.9, 0.5, 0.9, 0.3, 0.55)),
    "Financial Services": (420_000, (0.95, 0.85, 0.95, 0.1, 0.5)),
    "Retail": (240_000, (0.9, 0.8, 0.45, 0.35, 0.4)),
    "Technology": (380_000, (0.95, 0.75, 0.6, 0.15, 0.3)),
    "Energy & Utilities": (520_000, (0.9, 0.5, 0.55, 0.9, 0.65)),
    "Logistics & Transportation": (210_000, (0.9, 0.6, 0.3, 0.9, 0.45)),
    "Public Sector": (140_000, (0.85, 0.4, 0.8, 0.4, 0.75)),
    "Education": (120_000, (0.8, 0.45, 0.5, 0.1, 0.5)),
    "Telecommunications": (450_000, (0.95, 0.7, 0.7, 0.6, 0.45)),
}

#: Words that make a company name sound like its industry.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "Manufacturing": ("Manufacturing", "Industries", "Components", "Fabrication", "Machining"),
    "Healthcare": ("Health", "Medical", "Care Partners", "Clinics", "Biosciences"),
    "Financial Services": ("Financial", "Capital", "Bancorp", "Insurance", "Asset Management"),
    "Retail": ("Retail", "Stores", "Outfitters", "Markets", "Brands"),
    "Technology": ("Software", "Systems", "Labs", "Digital", "Networks"),
    "Energy & Utilities": ("Energy", "Power", "Utilities", "Renewables", "Grid"),
    "Logistics & Transportation": ("Logistics", "Freight", "Transport", "Shipping", "Fleet"),
    "Public Sector": (
        "County Services",
        "Municipal Authority",
        "Public Works",
        "Agency",
        "Transit",
    ),
    "Education": ("University", "College", "Academy", "Learning", "Schools"),
    "Telecommunications": ("Telecom", "Communications", "Wireless", "Fiber", "Connect"),
}

# fmt: off
NAME_STEMS = (
    "Northwind", "Blue Harbor", "Granite Peak", "Silverline", "Redwood", "Ironbridge", "Cobalt",
    "Summit Ridge", "Lakeshore", "Brightwater", "Oakfield", "Stonegate", "Evergreen", "Harborview",
    "Clearbrook", "Falcon Crest", "Westgate", "Pinecrest", "Riverbend", "Sunward", "Crescent",
    "Highland", "Meridian", "Bluestem", "Copperfield", "Driftwood", "Eastbay", "Foxglove",
    "Goldleaf", "Hawthorne", "Juniper", "Keystone", "Larkspur", "Maplewood", "Nightingale",
    "Orchard", "Pioneer", "Quarry Hill", "Rosewood", "Saltmarsh", "Tidewater", "Upland", "Vantage",
    "Willowbrook", "Yellowstone", "Zephyr", "Aldermoor", "Beacon", "Cedar Point", "Dunmore",
    "Elmstead", "Fairhaven", "Glenrock", "Holloway", "Ivybridge", "Kingsford", "Lindenhurst",
    "Moorland", "Newbury", "Oakhurst", "Prairie", "Queensbury", "Ravenswood", "Sterling",
    "Thornbury", "Union Square", "Valleyview", "Whitfield", "Ashford", "Birchwood", "Castlerock",
    "Deerfield", "Emberly", "Fernhill", "Greystone", "Hillcrest", "Inverness", "Kestrel",
    "Lockwood", "Marlowe", "Norfolk", "Oceanic", "Pemberton", "Radiant", "Seabright", "Trident",
    "Vireo", "Wexford", "Arcadia", "Bellhaven", "Coldwater", "Dovetail", "Everton", "Fortis",
    "Galloway", "Halcyon", "Iron Mesa", "Lodestar", "Monarch", "Nova Terra", "Polaris",
    "Quicksilver", "Regent", "Solstice", "Tamarack", "Vanguard", "Windward", "Alpine", "Bramble",
    "Cypress", "Delta Ridge", "Echo Valley", "Foundry", "Gateway",
)
# fmt: on

#: Legal suffix by country.
LEGAL_FORMS: dict[str, str] = {
    "United States": "Inc.",
    "Canada": "Ltd.",
    "Mexico": "S.A. de C.V.",
    "United Kingdom": "Ltd",
    "Ireland": "Ltd",
    "Germany": "GmbH",
    "Netherlands": "B.V.",
    "Sweden": "AB",
    "Denmark": "A/S",
    "France": "SAS",
    "Spain": "S.L.",
    "Italy": "S.p.A.",
    "South Africa": "(Pty) Ltd",
    "United Arab Emirates": "LLC",
    "Australia": "Pty Ltd",
    "Japan": "K.K.",
    "Singapore": "Pte. Ltd.",
    "India": "Pvt. Ltd.",
    "New Zealand": "Limited",
}

#: Territory → (countries, weights). Each territory has one account executive.
TERRITORIES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "North America East": (("United States", "Canada"), (5, 1)),
    "North America West": (("United States", "Canada"), (6, 1)),
    "North America Central": (("United States", "Mexico"), (5, 1)),
    "EMEA North": (
        ("United Kingdom", "Germany", "Netherlands", "Sweden", "Denmark", "Ireland"),
        (4, 4, 2, 1, 1, 1),
    ),
    "EMEA South": (
        ("France", "Spain", "Italy", "South Africa", "United Arab Emirates"),
        (4, 3, 3, 1, 1),
    ),
    "APAC": (("Australia", "Japan", "Singapore", "India", "New Zealand"), (3, 2, 2, 2, 1)),
}

#: Regional names for subsidiaries of a parent in another part of the world.
SUBSIDIARY_REGIONS: dict[str, str] = {
    "North America East": "Americas",
    "North America West": "Pacific",
    "North America Central": "Central",
    "EMEA North": "Europe",
    "EMEA South": "Southern Europe",
    "APAC": "Asia Pacific",
}

# fmt: off
FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Sophia", "Mateo", "Isabella", "Ethan",
    "Mia", "James", "Amelia", "Benjamin", "Harper", "Elijah", "Evelyn", "Henry", "Abigail",
    "Alexander", "Emily", "Daniel", "Ella", "Michael", "Scarlett", "Sebastian", "Grace", "Jack",
    "Chloe", "Owen", "Zoe", "Samuel", "Nora", "David", "Lily", "Joseph", "Hannah", "Carter",
    "Aria", "Wyatt", "Layla", "Julian", "Riley", "Leo", "Nadia", "Ravi", "Anika", "Hiroshi",
    "Yuki", "Mei", "Wei", "Arjun", "Priya", "Fatima", "Omar", "Amara", "Kwame", "Ingrid", "Lars",
    "Sofia", "Marco", "Giulia", "Pierre", "Camille", "Javier", "Lucia", "Hans", "Greta", "Sean",
    "Aoife", "Tariq", "Leila", "Thabo", "Naledi", "Ewa", "Piotr", "Chen", "Ana", "Diego",
    "Valentina", "Rahul", "Deepa", "Kenji", "Aiko", "Erik", "Freya",
)
# fmt: on

# fmt: off
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Shah", "Kumar", "Singh", "Tanaka",
    "Suzuki", "Sato", "Wang", "Li", "Zhang", "Chen", "Kim", "Park", "Nakamura", "Müller",
    "Schmidt", "Schneider", "Fischer", "Weber", "Rossi", "Russo", "Bianchi", "Dubois", "Lefebvre",
    "Moreau", "Fernández", "García", "Jansen", "de Vries", "Andersson", "Johansson", "Nielsen",
    "Hansen", "O'Brien", "Murphy", "Kelly", "Okafor", "Mensah", "Dlamini", "Nkosi", "Haddad",
    "Khalil", "Kowalski", "Nowak", "Novak", "Silva", "Santos",
)
# fmt: on

#: Org chart levels: a top executive, directors under them, managers under the directors.
EXECUTIVE_TITLES = (
    ("Chief Executive Officer", "Executive"),
    ("Chief Operating Officer", "Operations"),
    ("Chief Information Officer", "IT"),
    ("Chief Financial Officer", "Finance"),
    ("Chief Technology Officer", "IT"),
)
DEPARTMENTS = (
    "IT",
    "Finance",
    "Operations",
    "Procurement",
    "Security",
    "Marketing",
    "Sales",
    "Human Resources",
    "Field Service",
    "Data & Analytics",
)
DIRECTOR_TITLES = ("Director of {d}", "VP, {d}", "Head of {d}", "Senior Director, {d}")
MANAGER_TITLES = ("{d} Manager", "Senior {d} Manager", "{d} Lead", "{d} Program Manager")

#: Buying centers by kind: divisions, departments and sites that buy on their own.
DIVISION_NAMES = (
    "Commercial Division",
    "Consumer Division",
    "Industrial Division",
    "Services Division",
    "International Division",
    "Government Division",
)
DEPARTMENT_CENTERS = (
    "IT Department",
    "Finance Department",
    "Operations Department",
    "Security Office",
    "Marketing Department",
    "Field Service Department",
    "Data Office",
)
SITE_CITIES = (
    "Chicago",
    "Dallas",
    "Toronto",
    "Manchester",
    "Hamburg",
    "Lyon",
    "Milan",
    "Madrid",
    "Rotterdam",
    "Sydney",
    "Osaka",
    "Singapore",
    "Pune",
    "Denver",
    "Atlanta",
)

OPEN_STAGES = (
    ("Prospecting", 10),
    ("Qualification", 20),
    ("Needs Analysis", 35),
    ("Value Proposition", 50),
    ("Proposal/Price Quote", 65),
    ("Negotiation/Review", 80),
)
WON_STAGE = "Closed Won"
LOST_STAGE = "Closed Lost"

LOSS_REASONS = (
    "Price",
    "Lost to competitor",
    "Missing feature",
    "No decision",
    "Budget cut",
    "Timing",
    "Champion left",
    "Chose to build in-house",
)
#: Loss reasons where the customer did not buy anything else, so no competitor is named.
NO_COMPETITOR_REASONS = frozenset({"No decision", "Budget cut", "Timing", "Champion left"})
COMPETITORS = (
    "Salesforce",
    "Microsoft",
    "Oracle",
    "SAP",
    "ServiceNow",
    "Zoho",
    "Freshworks",
    "In-house build",
)

CONTACT_ROLES = (
    "Decision Maker",
    "Economic Buyer",
    "Technical Buyer",
    "Evaluator",
    "Influencer",
    "Executive Sponsor",
)

ACTIVITY_SUBJECTS: dict[str, tuple[str, ...]] = {
    "call": (
        "Discovery call",
        "Check-in call",
        "Renewal timing call",
        "Call about support escalation",
        "Pricing follow-up call",
        "Intro call with new stakeholder",
    ),
    "email": (
        "Sent proposal",
        "Shared case study",
        "Follow-up on open questions",
        "Sent renewal quote",
        "Product release notes",
        "Invitation to customer webinar",
    ),
    "meeting": (
        "Quarterly business review",
        "Onsite workshop",
        "Executive briefing",
        "Solution demo",
        "Roadmap session",
        "Joint planning session",
    ),
    "task": (
        "Prepare account plan update",
        "Update contact roles",
        "Send NDA",
        "Book QBR",
    ),
    "note": (
        "Customer mentioned budget review",
        "New CIO announced",
        "Competitor spotted in the account",
        "Positive feedback on support",
    ),
}
