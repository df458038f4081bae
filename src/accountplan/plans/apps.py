from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Account plans per account and period, with versioned sections."""

    name = "accountplan.plans"
    label = "plans"
    verbose_name = "Account plans"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accountplan.plans.action_index import on_plan_saved, on_section_saved
        from accountplan.plans.models import AccountPlan, PlanSection

        post_save.connect(on_section_saved, sender=PlanSection, dispatch_uid="plans.action_index")
        post_save.connect(on_plan_saved, sender=AccountPlan, dispatch_uid="plans.action_status")
