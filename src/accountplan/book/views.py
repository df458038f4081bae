"""Pages of the book of business (placeholder until the UI lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accountplan.book.models import Account, Product


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = Account.objects.for_user(request.user)[:50]  # type: ignore[arg-type]
    return render(request, "book/pages/account_list.html", {"accounts": accounts})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.for_user(request.user), pk=pk)  # type: ignore[arg-type]
    return render(request, "book/pages/account_detail.html", {"account": account})


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    products = Product.objects.for_user(request.user)  # type: ignore[arg-type]
    return render(request, "book/pages/product_list.html", {"products": products})
