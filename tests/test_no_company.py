"""Nothing of the company in the machinery (issue 9, section 5): no company's name in the policy's
wording, the templates, the schema or the Python code; the wording takes the company from the model,
so another company's model gives that company's site."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from conftest import POLICY, PROJECT_ROOT, REAL_MODEL

from generator.load import load_file
from generator.pipeline import read_model
from generator.render import Renderer, render_site

GROUP = PROJECT_ROOT / "tests" / "fixtures" / "group.yaml"
MACHINERY = sorted([
    *(PROJECT_ROOT / "policy" / "texts").glob("*.yaml"),
    *(PROJECT_ROOT / "policy" / "templates").glob("*.j2"),
    PROJECT_ROOT / "policy" / "rules.yaml",
    PROJECT_ROOT / "policy" / "processing.schema.json",
    *(PROJECT_ROOT / "generator").rglob("*.py"),
])


def company_names() -> list[str]:
    """The real controller's name and its short form ("i-Centrum AB", "i-Centrum"), and the other
    company the seed statement names by mistake."""
    legal_name = load_file(REAL_MODEL).data["controller"]["legal_name"]
    return [legal_name, legal_name.removesuffix(" AB"), "Visma"]


@pytest.mark.parametrize("path", MACHINERY, ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix())
def test_no_company_is_named_in_the_machinery(path: Path) -> None:
    text = path.read_text(encoding="utf-8").casefold()
    for name in company_names():
        assert name.casefold() not in text, (path, name)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_another_companys_model_gives_that_companys_site(language: str) -> None:
    site = render_site(read_model(GROUP, POLICY).model, POLICY, language=language)
    pages = {page.path: page.markdown for page in site.pages}
    files = {path: content.decode("utf-8") for path, content in site.files}
    for text in [*pages.values(), *files.values()]:
        for name in company_names():
            assert name.casefold() not in text.casefold(), name
    # The company's name comes from its model wherever the wording needs it.
    assert "Nordexempel AB" in files["privacy/changes.xml"].split("<title>", 1)[1].split("</title>", 1)[0]
    first_party = Renderer(POLICY, language=language).texts["parties"]["first"].format(controller="Nordexempel AB")
    assert "Nordexempel AB" in first_party
    assert first_party in html.unescape(pages["privacy/sites/booking-app.md"]).replace("\\", "")
