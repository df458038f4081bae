"""``LastReview`` follows every write of a plan's reviews (``Review`` is written only through
model saves and deletes: the service, the admin, a plan's cascade). A bulk write skips the
signals: ``rebuild_last_reviews`` after it."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from accountplan.followup import review_due
from accountplan.followup.models import LastReview, Review
from accountplan.plans.models import AccountPlan


def _latest(plan_id: int) -> Any:
    return Review.objects.filter(plan_id=plan_id).aggregate(day=Max("reviewed_on"))["day"]


def review_saved(sender: type, instance: Review, **kwargs: Any) -> None:
    LastReview.objects.update_or_create(
        plan_id=instance.plan_id, defaults={"reviewed_on": _latest(instance.plan_id)}
    )
    review_due.refresh([instance.plan_id])


def review_deleted(sender: type, instance: Review, **kwargs: Any) -> None:
    """The latest of the reviews left, or no row; never a new row: in a plan's cascade the
    plan is about to go too."""
    latest = _latest(instance.plan_id)
    rows = LastReview.objects.filter(plan_id=instance.plan_id)
    if latest is None:
        rows.delete()
    else:
        rows.update(reviewed_on=latest)
    review_due.move(instance.plan_id)


def plan_saved(sender: type, instance: AccountPlan, **kwargs: Any) -> None:
    """A plan created or changed (its status): its next review day, or none when not active."""
    review_due.refresh([instance.pk])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(review_saved, sender=Review, dispatch_uid="followup.last_review.saved")
    post_save.connect(plan_saved, sender=AccountPlan, dispatch_uid="followup.review_due.plan")
    post_delete.connect(review_deleted, sender=Review, dispatch_uid="followup.last_review.deleted")


def rebuild_last_reviews() -> None:
    """Every reviewed plan's latest review day, from the reviews, in one statement (after a bulk
    write of reviews, which skips the signals; migration followup 0003 does the same). The next
    review days follow at the next rules run (``review_due.refresh_all``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM followup_lastreview")
        cursor.execute(
            "INSERT INTO followup_lastreview (plan_id, reviewed_on) "
            "SELECT plan_id, MAX(reviewed_on) FROM followup_review GROUP BY plan_id"
        )
