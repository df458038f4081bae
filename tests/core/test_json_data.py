"""The chart specs' ``json_data`` filter writes exactly what Django's ``json_script`` writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.html import json_script

from accountplan.core.templatetags.ui import json_data


def test_same_output_as_json_script_for_markup_and_django_types() -> None:
    value = {
        "title": "</script><script>alert('x')</script> & <b>",
        "when": dt.date(2026, 12, 4),
        "amount": Decimal("1234.50"),
        "points": [{"name": "A&B <Co>", "x": 1.5}] * 3,
    }
    ours = json_data(value, "spec-1")
    assert ours == json_script(value, "spec-1")
    assert "</script><script>" not in ours
    assert ours.count("</script>") == 1
