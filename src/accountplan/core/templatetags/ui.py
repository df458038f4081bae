"""Template helpers shared by every page: money and number formats, query-string links, sortable
column headers. Output is built with ``format_html`` so user text is always escaped."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

DASH = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value: Any, places: int = 0) -> str:
    """``1234567.8`` → ``$1,234,568`` (``money:2`` keeps cents); blank → an em dash."""
    number = _decimal(value)
    if number is None:
        return DASH
    quantum = Decimal(1).scaleb(-int(places))
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.{int(places)}f}"


@register.filter
def money_short(value: Any) -> str:
    """Compact money for figure cards: ``$12.3M``, ``$450K``, ``$900``."""
    number = _decimal(value)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    number = abs(number)
    for threshold, suffix in ((Decimal("1e9"), "B"), (Decimal("1e6"), "M"), (Decimal("1e3"), "K")):
        if number >= threshold:
            scaled = number / threshold
            return f"{sign}${scaled:,.1f}{suffix}"
    return f"{sign}${number:,.0f}"


@register.filter
def number(value: Any, places: int = 0) -> str:
    """Thousands separators: ``12500`` → ``12,500``; blank → an em dash."""
    num = _decimal(value)
    if num is None:
        return DASH
    return f"{num:,.{int(places)}f}"


@register.filter
def percent(value: Any, places: int = 0) -> str:
    """A ratio as a percentage: ``0.425`` → ``43%``; blank → an em dash."""
    num = _decimal(value)
    if num is None:
        return DASH
    return f"{num * 100:,.{int(places)}f}%"


@register.simple_tag(takes_context=True)
def query(context: template.Context, **changes: Any) -> str:
    """The current query string with ``changes`` applied; ``None`` or ``""`` drops a key.

    ``{% query page=3 %}`` → ``?q=acme&segment=SMB&page=3``.
    """
    request: HttpRequest | None = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_th(
    context: template.Context, key: str, label: str, css: str = "", default_desc: bool = False
) -> SafeString:
    """A sortable ``<th>``: a link that toggles ``key`` asc/desc, with an arrow and ``aria-sort``.

    Changing the sort goes back to page 1 and keeps every filter.
    """
    current = str(context.get("sort", ""))
    active = current.lstrip("-") == key
    descending = current.startswith("-")
    if active:
        target = key if descending else f"-{key}"
        arrow = "▼" if descending else "▲"
        aria = "descending" if descending else "ascending"
    else:
        target = f"-{key}" if default_desc else key
        arrow = ""
        aria = "none"
    href = query(context, sort=target, page=None)
    classes = " ".join(c for c in (css, "sortable", "sorted" if active else "") if c)
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="{}">{}<span class="arrow"'
        ' aria-hidden="true">{}</span></a></th>',
        classes,
        aria,
        href,
        label,
        arrow,
    )


@register.inclusion_tag("_pagination.html", takes_context=True)
def pagination(
    context: template.Context, page_obj: Any, param: str = "page", noun: str = ""
) -> dict[str, Any]:
    """Render the pagination bar: "Showing 26–50 of 312", prev/next and elided page numbers.

    Links keep the current query string (filters, sort) and change only ``param``.
    """
    paginator = page_obj.paginator
    links: list[dict[str, Any]] = []
    if paginator.num_pages > 1:
        for n in paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1):
            if n == paginator.ELLIPSIS:
                links.append({"gap": True})
            else:
                links.append(
                    {
                        "number": n,
                        "href": query(context, **{param: n}),
                        "current": n == page_obj.number,
                    }
                )
    return {
        "page_obj": page_obj,
        "noun": noun,
        "links": links,
        "prev_href": query(context, **{param: page_obj.previous_page_number()})
        if page_obj.has_previous()
        else "",
        "next_href": query(context, **{param: page_obj.next_page_number()})
        if page_obj.has_next()
        else "",
    }


@register.filter
def web_url(value: Any) -> str:
    """An http(s) link for a website field: ``acme.com`` → ``https://acme.com``.

    Any other scheme (``javascript:``, ``data:``…) gives an empty string, so no link is drawn.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return text
    if ":" in lowered.split("/", 1)[0] or lowered.startswith("//"):
        return ""
    return f"https://{text}"


def _sort_link(context: template.Context, key: str, label: str, default_desc: bool) -> SafeString:
    """One sort link of a header cell (see :func:`sort_th_pair`)."""
    current = str(context.get("sort", ""))
    active = current.lstrip("-") == key
    descending = current.startswith("-")
    if active:
        target = key if descending else f"-{key}"
        arrow = "▼" if descending else "▲"
    else:
        target = f"-{key}" if default_desc else key
        arrow = ""
    return format_html(
        '<a href="{}" class="{}">{}<span class="arrow" aria-hidden="true">{}</span></a>',
        query(context, sort=target, page=None),
        "sorted" if active else "",
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def sort_th_pair(
    context: template.Context,
    key: str,
    label: str,
    sub_key: str,
    sub_label: str,
    css: str = "",
    default_desc: bool = False,
    sub_default_desc: bool = False,
) -> SafeString:
    """A ``<th>`` of a column that shows two figures (the second as a sub-line), with a sort
    link for each: ``Revenue · Employees``. Links toggle asc/desc like :func:`sort_th`."""
    current = str(context.get("sort", "")).lstrip("-")
    active = current in (key, sub_key)
    if active:
        aria = "descending" if str(context.get("sort", "")).startswith("-") else "ascending"
    else:
        aria = "none"
    classes = " ".join(c for c in (css, "sortable", "pair", "sorted" if active else "") if c)
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}">{}<span class="sep" aria-hidden="true">·'
        "</span>{}</th>",
        classes,
        aria,
        _sort_link(context, key, label, default_desc),
        _sort_link(context, sub_key, sub_label, sub_default_desc),
    )


@register.filter
def signed_percent(value: Any, places: int = 0) -> str:
    """A change as a signed percentage: ``0.125`` → ``+13%``, ``-0.05`` → ``−5%``; blank → a
    dash."""
    num = _decimal(value)
    if num is None:
        return DASH
    scaled = (abs(num) * 100).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    text = f"{scaled:,.{int(places)}f}%"
    if text.strip("0.,%") == "":  # rounds to zero: no sign
        return text
    return f"+{text}" if num > 0 else f"−{text}"
