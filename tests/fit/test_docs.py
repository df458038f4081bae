"""docs/opportunity-fit.md: its default settings are the code's, and each worked example scores
as written, by the code and by an independent fraction recomputation."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from accountplan.fit.scoring import Facts, score
from accountplan.fit.settings import default_layout, parse_toml, to_toml, validate
from tests.fit.reference import reference_score

DOC = (Path(__file__).parents[2] / "docs" / "opportunity-fit.md").read_text(encoding="utf-8")
EXAMPLES = [json.loads(b) for b in re.findall(r"```json fit-example\n(.*?)```", DOC, re.S)]


def test_the_documented_defaults_are_the_codes() -> None:
    block = re.search(r"```toml\n(# accountplan opportunity-fit.*?)```", DOC, re.S)
    assert block is not None
    assert block.group(1).strip() == to_toml(default_layout()).strip()
    assert parse_toml(block.group(1)) == default_layout()


def test_there_are_worked_examples() -> None:
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e['score']}-{e['band']}")
def test_each_worked_example_scores_as_written(example: dict) -> None:
    config = validate(default_layout())
    values = example["analytics"]
    facts = Facts(
        mobilizer=example["mobilizer"],
        analytics={k: None if v is None else Decimal(v) for k, v in values.items()},
    )
    r = score(config, example["answers"], facts)
    assert str(r.score) == example["score"]
    assert r.band.label == example["band"]
    assert r.demand == example["demand"]
    assert [q.key for q in r.discovery] == example["discovery"]
    expected = reference_score(default_layout(), example["answers"], example["mobilizer"], values)
    assert expected[:2] == (example["score"], example["band"])
