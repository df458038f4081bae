"""The checks a model's sentence must pass before it replaces the offline wording (pure, no Django).

A sentence rewritten by a model is kept only if everything it states can be read in the facts it
cites. ``content_problem`` reads the sentence's claims and looks for each in the cited facts:

- **numbers** (amounts, percentages, counts, written as digits or as the words two to twenty)
  must equal a number of the cited facts, compared as exact decimals after dropping thousands
  separators (``12,000``), currency signs and codes (``$``, ``€``, ``£``, ``USD``…) and trailing
  zeros (``12000.00`` is ``12000``). A percentage ``35 %`` also matches a ratio ``0.35``.
  Nothing is rounded or abbreviated: ``12k`` or ``$1.2M`` pass only if a fact says exactly that;
- **dates** (``2026-06-30``, ``Jun 30, 2026``, ``30 June 2026``, ``June 2026``, ``2026-06``,
  ``June``, a year ``2026``) must match a date of the cited facts at the precision written (a
  month and year matches any date of that month); ``15/03/2026`` is read when only one reading
  (day first or month first) is a date, and an ambiguous one (``03/04/2026``) is refused;
- **codes** mixing letters and digits (``FY2027``, ``Q3``, ``P-SYNC2``, ``12k``) must appear
  verbatim (any case) in the cited facts;
- **names** — products, people, companies, competitors: every capitalised word (``Acme``,
  ``Jane``, ``Sync``) must appear as a word in the cited facts' labels or text values (any case,
  possessive ``'s`` dropped). A capitalised word is not a name when the offline draft itself
  uses it in lower case ("Renewals" at a sentence's start, when the draft says "renewals"), or
  when it is a common English function word ("The", "Our", "Each"…). An acronym the facts do
  not hold ("QBR") is refused.

The plan's period and the as-of date count as given: a sentence may say "FY2027".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from accountplan.drafts.types import Fact

MONTH_NUMBERS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
NUMBER_WORDS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twice": 2, "double": 2, "dozen": 12,
}  # fmt: skip
#: Capitalised at a sentence's start (or in a title), these are not names: function words and
#: the common words of plan language ("one" is here, not a number word: "one of its buyers" is
#: too common to read as a count).
COMMON_WORDS = frozenset(
    """a an the this that these those it its they them their we our us you your he she his her
    i in on at by for from to of with without within over under after before since during
    through across about against between into onto per and or nor but so yet also as if while
    although though because both each every all any no not none some most more less fewer few
    many several much there here is are was were be been being has have had will would should
    could can may might must do does did yes one ones other others another such only just still
    already again then than when where which who whom whose what why how once
    monday tuesday wednesday thursday friday saturday sunday today
    however additionally meanwhile notably overall currently recently together despite given
    key main new next last first second third top strong weak high low total
    account accounts customer customers client revenue revenues deal deals product products
    strength strengths weakness weaknesses opportunity opportunities threat threats risk risks
    need needs goal goals action actions plan plans priority priorities team teams contact
    contacts stakeholder stakeholders competitor competitors renewal renewals upsell
    reach schedule prioritise prioritize focus renew expand engage re-engage follow call meet
    review build grow protect defend win present propose introduce secure contact book invite
    share address target pursue position offer strengthen maintain consider identify confirm
    explore prepare run use leverage lost won bought buys attempted adopted""".split()  # noqa: SIM905
)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("slash", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")),
    ("mdy", re.compile(rf"\b({_MONTH})\.?\s+{_DAY},?\s+(\d{{4}})\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+({_MONTH})\.?,?\s+(\d{{4}})\b")),
    ("my", re.compile(rf"\b({_MONTH})\.?,?\s+(\d{{4}})\b")),
    ("ym", re.compile(r"\b(\d{4})-(\d{2})\b")),
    ("md", re.compile(rf"\b({_MONTH})\.?\s+{_DAY}\b")),
    ("m", re.compile(rf"\b({_MONTH})\b")),
]
#: A token mixing letters and digits: a code, an abbreviation ("12k"), an ordinal ("3rd").
_CODE = re.compile(r"(?<![\w.])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)
_COUNT_WORD = re.compile(r"^(\d+)-[A-Za-z]+$")  # "3-year"
_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£¥]|USD|EUR|GBP|CHF|JPY)?\s?"
    r"(\d{1,3}(?:[,\u00a0\u202f]\d{3})+|\d+)(\.\d+)?(?!\w)(\s?(?:%|percent\b))?"
)
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W_]+)?")


@dataclass
class Scan:
    """What a text states: numbers (with whether written as a percentage), dates at their
    precision, codes and words, each kept with its surface form for the message."""

    numbers: list[tuple[Decimal, bool, str]] = field(default_factory=list)
    dates: list[tuple[str, tuple[int, ...], str]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


@dataclass
class Evidence:
    """What the cited facts hold, in the forms claims are compared in."""

    numbers: set[Decimal] = field(default_factory=set)
    dates: set[tuple[str, tuple[int, ...]]] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def add_date(self, year: int, month: int, day: int) -> None:
        self.dates |= {
            ("ymd", (year, month, day)),
            ("ym", (year, month)),
            ("md", (month, day)),
            ("m", (month,)),
            ("y", (year,)),
        }

    def add_text(self, text: str) -> None:
        scan = scan_text(text)
        self.numbers |= {value for value, _, _ in scan.numbers}
        for kind, parts, _ in scan.dates:
            if kind == "ymd":
                self.add_date(*parts)
            elif kind == "ym":
                self.dates |= {("ym", parts), ("m", parts[1:]), ("y", parts[:1])}
            else:
                self.dates.add((kind, parts))
        for code in scan.codes:
            self.codes.add(code.lower())
            self.dates |= {("y", (int(y),)) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", code)}
        self.words |= {_bare(word) for word in scan.words}

    def add_value(self, value: object) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, dt.date):
            self.add_date(value.year, value.month, value.day)
        elif isinstance(value, int | Decimal):
            self.numbers.add(_norm(Decimal(value)))
        else:
            self.add_text(str(value))


def _norm(value: Decimal) -> Decimal:
    value = abs(value)
    return value.normalize() if value == value.to_integral_value() else value


def _bare(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _month(name: str) -> int:
    return MONTH_NUMBERS[name.lower().rstrip(".")]


def _date_parts(kind: str, groups: tuple[str, ...]) -> tuple[int, ...]:
    if kind == "ymd":
        return (int(groups[0]), int(groups[1]), int(groups[2]))
    if kind == "slash":  # 15/03/2026 or 3/15/2026: read only when one reading is possible
        first, second, year = int(groups[0]), int(groups[1]), int(groups[2])
        if first == second or second > 12 >= first:
            return (year, first, second)
        if first > 12 >= second:
            return (year, second, first)
        return (year, 0, 0)  # ambiguous (03/04/2026): matches no fact
    if kind == "mdy":
        return (int(groups[2]), _month(groups[0]), int(groups[1]))
    if kind == "dmy":
        return (int(groups[2]), _month(groups[1]), int(groups[0]))
    if kind == "my":
        return (int(groups[1]), _month(groups[0]))
    if kind == "ym":
        return (int(groups[0]), int(groups[1]))
    if kind == "md":
        return (_month(groups[0]), int(groups[1]))
    return (_month(groups[0]),)


_KIND = {"mdy": "ymd", "dmy": "ymd", "my": "ym", "slash": "ymd"}


def scan_text(text: str) -> Scan:
    """Read the claims a text makes: dates first (their digits are not counts), then codes,
    then numbers, then words."""
    scan = Scan()
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            scan.dates.append((_KIND.get(kind, kind), _date_parts(kind, match.groups()), match[0]))
        text = pattern.sub(lambda m: " " * len(m[0]), text)

    def code(match: re.Match[str]) -> str:
        token = match[0]
        digits = _ORDINAL.match(token) or _COUNT_WORD.match(token)
        if digits:
            scan.numbers.append((_norm(Decimal(digits[1])), False, token))
        else:
            scan.codes.append(token)
        return " " * len(token)

    text = _CODE.sub(code, text)
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"[,\u00a0\u202f]", "", match[1]) + (match[2] or "")
        try:
            value = _norm(Decimal(digits))
        except InvalidOperation:  # pragma: no cover (the pattern only matches digits)
            continue
        if len(match[1]) == 4 and not match[2] and not match[3] and 1900 <= value <= 2100:
            scan.dates.append(("y", (int(value),), match[1]))  # a year
        else:
            scan.numbers.append((value, bool(match[3]), match[0].strip()))
    text = _NUMBER.sub(lambda m: " " * len(m[0]), text)
    for word in _WORD.findall(text):
        number = NUMBER_WORDS.get(word.lower())
        if number is not None:
            scan.numbers.append((Decimal(number), False, word))
        else:
            scan.words.append(word)
    return scan


def evidence_of(facts: list[Fact], *, period: str = "", as_of: dt.date | None = None) -> Evidence:
    """What the facts (and the plan's period and as-of date) hold."""
    evidence = Evidence()
    for fact in facts:
        evidence.add_text(fact.label)
        for value in fact.values.values():
            evidence.add_value(value)
    if period:
        evidence.add_text(period)
    if as_of is not None:
        evidence.add_value(as_of)
    return evidence


def vocabulary_of(texts: list[str]) -> set[str]:
    """The words the offline draft writes in lower case: common words, never names."""
    return {_bare(word) for text in texts for word in _WORD.findall(text) if word[:1].islower()}


def content_problem(text: str, evidence: Evidence, vocabulary: set[str]) -> str:
    """Why a sentence states something its cited facts do not hold; empty when it does not."""
    scan = scan_text(text)
    for value, percent, surface in scan.numbers:
        if value in evidence.numbers or (percent and _norm(value / 100) in evidence.numbers):
            continue
        return f"it states {surface}, which is not in the facts it cites"
    for kind, parts, surface in scan.dates:
        if kind == "y" and Decimal(parts[0]) in evidence.numbers:
            continue  # a year held as a number ("fiscal year 2026")
        if (kind, parts) not in evidence.dates:
            return f"it gives the date {surface}, which is not in the facts it cites"
    for code in scan.codes:
        if code.lower() not in evidence.codes and code.lower() not in evidence.words:
            return f"it says {code}, which is not in the facts it cites"
    for word in scan.words:
        if not word[:1].isupper():
            continue
        bare = _bare(word)
        if bare in evidence.words or bare in vocabulary or bare in COMMON_WORDS:
            continue
        return f"it names {word.rstrip('’')}, which is not in the facts it cites"
    return ""


def citation_problem(
    fact_ids: tuple[str, ...], *, known: set[str], given: set[str], rewritten: set[str]
) -> str:
    """Why a sentence's citations are refused: none, a fact that does not exist, one the model
    was not given, or one the sentences it rewrites do not cite. Empty when they hold."""
    if not fact_ids:
        return "it cites no fact"
    for fact_id in fact_ids:
        if fact_id not in known:
            return f"it cites {fact_id}, which is not a fact of this account"
        if fact_id not in given:
            return f"it cites {fact_id}, which the model was not given"
        if fact_id not in rewritten:
            return f"it cites {fact_id}, which the sentence it rewrites does not cite"
    return ""
