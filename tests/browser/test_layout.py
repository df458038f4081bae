"""Every page of the demo book fits a phone (390 × 844) and a laptop (1280 × 900): the page itself
never scrolls sideways (a wide table scrolls inside its own card), and on a phone the main menu
opens from its button and reaches every link, by touch and by keyboard."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from accountplan.analytics.grid import PLAYS
from accountplan.book.models import Account, Product
from accountplan.core.models import Role, User
from accountplan.plans.models import AccountPlan
from tests.factories import PASSWORD, UserFactory
from tests.ingest.conftest import run_queued_imports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
NAV = [
    "Accounts",
    "Products",
    "White space",
    "Grid",
    "Plans",
    "Campaigns",
    "Scorecard",
    "Imports",
    "API docs",
]

BAD_ACCOUNTS = (
    "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
    "Acme Corporation,technology,1996,1100.04,2822,United States,\n"
    "Betatech,medical,1986,lots,1185,Kenya,\n"
)

# The page's own width: what the browser lets the user scroll sideways, against the window.
OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"
# Controls of the plan's sections that end past the right edge of the window.
OFF_SCREEN = """() => [...document.querySelectorAll('.plan-section .edit-btn')]
  .filter(b => b.getBoundingClientRect().right > window.innerWidth)
  .map(b => b.getAttribute('aria-label'))"""


def _optional(name: str, *args: Any) -> str | None:
    """A page's address if this version of the app has that page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def demo_book(transactional_db: None, tmp_path: Path) -> User:
    """The demo book (small), its scores and plans; the demo manager signs in with PASSWORD."""
    call_command("demo", "--no-serve", "--scale=0.1", "--as-of=2025-06-30", stdout=io.StringIO())
    user = User.objects.get(username="demo")
    user.set_password(PASSWORD)
    user.save()
    return user


def _new_page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(20_000)
    return context.new_page()


def _sign_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def _import_report(page: Any, base: str, tmp_path: Path) -> str:
    """Upload a file with a bad row through the page; the address of its report."""
    bad = tmp_path / "accounts.csv"
    bad.write_text(BAD_ACCOUNTS, encoding="utf-8")
    page.goto(f"{base}/imports/new/")
    page.set_input_files("input[name=file]", str(bad))
    page.select_option("select[name=entity]", "accounts")
    page.select_option("select[name=mapping]", "maven")
    page.click("button:has-text('Upload and preview')")
    page.wait_for_url(lambda url: "/preview/" in url)
    preview = page.url
    # With a bad row "Run import" (all or nothing) is disabled: import the valid one instead.
    page.click("#import-valid")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    # The run's page polls until the worker (here, in this process) ran the import.
    assert run_queued_imports() == ["done"]
    page.wait_for_selector("#import-counts")
    return str(preview)


def test_no_page_of_the_demo_book_is_wider_than_a_phone_or_a_laptop(
    demo_book: User, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    base = live_server.url
    plan = AccountPlan.objects.order_by("pk").first()
    product = Product.objects.order_by("pk").first()
    assert plan is not None and product is not None
    account = plan.account
    assert Account.objects.filter(pk=account.pk).exists()

    setup = _new_page(browser, LAPTOP)
    _sign_in(setup, base, demo_book)
    preview = _import_report(setup, base, tmp_path)
    report = setup.url
    setup.context.close()

    pages = [
        "/",
        "/accounts/",
        f"/accounts/{account.pk}/",
        "/products/",
        _optional("book:product_detail", product.pk),
        "/whitespace/",
        "/grid/",
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/history/",
        "/scorecard/",
        "/imports/",
        "/imports/new/",
        preview,
        report,
        "/api/docs",
    ]
    for viewport in (PHONE, LAPTOP):
        page = _new_page(browser, viewport)
        page.goto(f"{base}/login/")
        width, window = page.evaluate(OVERFLOW)
        assert width <= window, f"login is {width} px wide at {window} px"
        _sign_in(page, base, demo_book)
        for path in [p for p in pages if p]:
            address = path if path.startswith("http") else f"{base}{path}"
            response = page.goto(address)
            assert response is not None and response.ok, path
            page.wait_for_load_state("load")
            width, window = page.evaluate(OVERFLOW)
            assert width <= window, f"{path} is {width} px wide at {window} px"
        if viewport is LAPTOP:
            _header_sticks_under_the_top_bar(page, base)
        else:
            _first_column_stays_while_the_table_scrolls(page, base)
            _grid_captions_do_not_overlap(page, base)
        # The plan's Edit buttons are on the screen, not past its right edge.
        page.goto(f"{base}/plans/{plan.pk}/")
        assert page.locator(".plan-section .edit-btn").count() > 0
        assert page.evaluate(OFF_SCREEN) == []
        # The new-plan form sent empty comes back as its own page, with the errors.
        page.goto(f"{base}/plans/")
        form = page.locator("#new-plan form")
        form.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
        page.wait_for_url(lambda url: "/plans/new/" in url)
        assert page.locator("h1").inner_text() == "New plan"
        width, window = page.evaluate(OVERFLOW)
        assert width <= window, f"the new plan page is {width} px wide at {window} px"
        page.context.close()


def _header_sticks_under_the_top_bar(page: Any, base: str) -> None:
    """A list that fits is no scroll box of its own: its header sticks while the page scrolls."""
    page.goto(f"{base}/accounts/")
    wrap = page.locator(".table-wrap").first
    page.wait_for_function("document.querySelector('.table-wrap').classList.contains('fits')")
    assert wrap.evaluate("w => w.scrollHeight <= w.clientHeight")  # no inner vertical scroll
    page.evaluate(
        "() => { const t = document.querySelector('.table-wrap table');"
        " window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY + 200); }"
    )
    header = page.evaluate(
        "document.querySelector('.table-wrap thead th').getBoundingClientRect().top"
    )
    bar = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().bottom")
    assert abs(header - bar) <= 1, (header, bar)


def _first_column_stays_while_the_table_scrolls(page: Any, base: str) -> None:
    """On a phone a wide list scrolls sideways in its card, its first column (the name) kept."""
    page.goto(f"{base}/accounts/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # wider than the phone
    before = page.locator(".table-wrap tbody td").first.bounding_box()
    wrap.evaluate("w => { w.scrollLeft = 200; }")
    page.wait_for_function("document.querySelector('.table-wrap').scrollLeft > 0")
    after = page.locator(".table-wrap tbody td").first.bounding_box()
    assert before is not None and after is not None
    assert abs(after["x"] - before["x"]) <= 1


def _grid_captions_do_not_overlap(page: Any, base: str) -> None:
    """On a phone the grid's corner captions are the plays' names, clear of each other."""
    page.goto(f"{base}/grid/")
    page.wait_for_selector("#grid-chart[data-ready=true] svg")
    captions = page.locator("#grid-chart svg g.mark-text.role-mark text")
    assert sorted(captions.evaluate_all("ts => ts.map(t => t.textContent)")) == sorted(PLAYS)
    boxes = [captions.nth(i).bounding_box() for i in range(captions.count())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a is not None and b is not None
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, (a, b)


def _on_screen(page: Any, link: Any) -> bool:
    box = link.bounding_box()
    window = page.viewport_size
    return bool(
        box
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= window["width"]
        and box["y"] + box["height"] <= window["height"]
    )


def test_the_phone_menu_opens_and_reaches_every_link(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    user = UserFactory(username="mia", role=Role.MANAGER, is_staff=True)
    page = _new_page(browser, PHONE)
    _sign_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/accounts/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")

    # Closed, the links take no room; the button is in the bar.
    assert toggle.is_visible() and _on_screen(page, toggle)
    assert not nav.is_visible()

    # Opened by a tap: every link is on the screen and leads to its page.
    toggle.click()
    assert nav.is_visible()
    for name in [*NAV, "Admin"]:
        link = nav.get_by_role("link", name=name, exact=True)
        assert link.is_visible() and _on_screen(page, link), name
    nav.get_by_role("link", name="Plans", exact=True).click()
    page.wait_for_url(lambda url: url.endswith("/plans/"))
    assert not nav.is_visible()

    # By keyboard: Enter on the button opens it, Tab walks the links in order, Esc closes it.
    toggle.focus()
    page.keyboard.press("Enter")
    assert nav.is_visible()
    reached = []
    for _ in range(len(NAV) + 1):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert reached == [*NAV[:8], "Admin", "API docs"]
    page.keyboard.press("Escape")
    assert not nav.is_visible()

    # On a laptop the same links sit in the bar and the button is gone.
    wide = _new_page(browser, LAPTOP)
    _sign_in(wide, live_server.url, user)
    assert not wide.get_by_role("button", name="Menu").is_visible()
    for name in NAV:
        assert (
            wide.get_by_role("navigation", name="Main").get_by_role("link", name=name).is_visible()
        )
    wide.context.close()
    page.context.close()
