"""The program page and the decision review draw names as plain text, whatever they hold,
and a review draws a bounded number of charts, listing the rest (issue 13, section 4)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from ledger.ui.charts import MAX_CHARTS_PER_PAGE, MAX_LABEL
from tests.api.conftest import OPTIONS, PROGRAM, Api
from tests.api.test_ui_access import signed_in

HOSTILE_NAMES = [
    r"Savings $\foo{$ target",
    r"$x^2$ and $\frac{1}{2}$",
    "back\\slash \\n \\\\ and 100% _under_ ^hat^ {braces} #hash &amp; <b>",
    "_starts with an underscore",
    "Long " + "very " * 99,  # 500 characters, the longest a name may be
]


def _id(response: Any) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _measured_benefits(api: Api, program: str, names: list[str]) -> list[str]:
    ids = []
    for name in names:
        benefit = _id(api.post(f"/v1/programs/{program}/benefits", {
            "name": name, "kpi": "k", "unit": "$ \\ %", "direction": "decrease", "owner": "o",
            "effective_at": "2025-01-01T00:00:00Z"}))
        assert api.post(f"/v1/benefits/{benefit}/profile", {
            "baseline_value": 40, "baseline_date": "2025-01-01", "target_value": 20,
            "target_date": "2025-12-31", "measurement_method": "m",
            "effective_at": "2025-01-01T00:00:00Z"}).status_code == 201
        for month, value in (("02", 38), ("09", 30)):
            assert api.post(f"/v1/benefits/{benefit}/measurements", {
                "value": value, "source": "BI",
                "effective_at": f"2025-{month}-15T00:00:00Z"}).status_code == 201
        ids.append(benefit)
    return ids


def _review_of(api: Api, program: str, benefits: list[str]) -> tuple[str, int]:
    response = api.post(f"/v1/programs/{program}/decisions", {
        "title": "Defer", "question": "q", "forum": "SteerCo", "authority": "Sponsor",
        "options": OPTIONS, "chosen_option": "defer", "rationale": "r", "tradeoffs": "t",
        "affects": {"benefit_ids": benefits}, "effective_at": "2025-06-01T00:00:00Z"})
    return _id(response), int(response.json()["position"])


def _page(api: Api, path: str, caught_up: str, position: int) -> str:
    """A UI page, once the read models it draws on have caught up with ``position``."""
    assert api.get(f"/v1/programs/{caught_up}", min_position=position).status_code == 200
    response = signed_in(api, "admin").get(path)
    assert response.status_code == 200, response.text[:2000]
    return str(response.text)


def _drawn(page: str, name: str) -> bool:
    """Whether the name (cut as charts cut it) is drawn as text in an SVG of the page."""
    text = " ".join(name.split())
    text = text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1]
    svgs = [svg.split("</svg>")[0] for svg in page.split("<svg")[1:]]
    drawn = [re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL) for svg in svgs]  # text only
    return any(f">{html.escape(text, quote=False)}" in svg for svg in drawn)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_both_pages_draw_a_hostile_benefit_name_as_plain_text(api: Api, name: str) -> None:
    program = _id(api.post("/v1/programs", PROGRAM))
    (benefit,) = _measured_benefits(api, program, [name])
    decision, position = _review_of(api, program, [benefit])
    for path in (f"/ui/programs/{program}", f"/ui/decisions/{decision}"):
        page = _page(api, path, program, position)
        assert _drawn(page, name), path


def test_a_review_draws_a_bounded_number_of_charts_and_lists_the_rest(api: Api) -> None:
    program = _id(api.post("/v1/programs", PROGRAM))
    names = [f"Benefit {n:02d}" for n in range(MAX_CHARTS_PER_PAGE + 3)]
    decision, position = _review_of(api, program, _measured_benefits(api, program, names))
    page = _page(api, f"/ui/decisions/{decision}", program, position)
    assert page.count("<svg") == MAX_CHARTS_PER_PAGE
    charted = [n for n in names if _drawn(page, n)]
    assert charted == names[:MAX_CHARTS_PER_PAGE]
    table = page.split("3 more affected benefits, without charts")[1].split("</table>")[0]
    for name in names[MAX_CHARTS_PER_PAGE:]:
        assert f'<th scope="row">{name}</th>' in table
