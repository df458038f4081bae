from django.apps import AppConfig


class BookConfig(AppConfig):
    """The book of business: accounts, products, opportunities, purchases, contacts, teams."""

    name = "accountplan.book"
    label = "book"
    verbose_name = "Book of business"
