"""The `pdf` export: the statement and each service appendix as documents, read back with poppler's
pdftotext (as a reader's tools see the text) and pypdf (title, language, page size, links)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import GROUP, model_at
from injection import injection_model_text
from pypdf import PdfReader
from test_exports import made

from generator.exports.cache import CACHE_ENV, FOLDER_NAME
from generator.validate import Model

A4 = (595.28, 841.89)  # points


def pdftotext(content: bytes, tmp_path: Path, page: int | None = None) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.fail("pdftotext is missing: .ci/run installs poppler-utils")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run([executable, *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """Text without the spaces, line breaks and hyphens a layout adds or takes away."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


@pytest.fixture(scope="module")
def real_pdf(real: Model) -> bytes:
    return made(real, "pdf")


@pytest.fixture
def pdf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory of the test's own, so no PDF made earlier is at hand: the folder where
    the export keeps the PDFs it made."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return tmp_path / FOLDER_NAME.format(uid=os.getuid())


def test_the_statement_pdf_is_byte_identical_across_builds(real: Model, real_pdf: bytes, pdf_cache: Path,
                                                           layouts: list[int]) -> None:
    assert made(real, "pdf") == real_pdf  # laid out afresh: the cache folder is new
    assert layouts == [1]
    assert real_pdf.startswith(b"%PDF-")


def test_an_unchanged_pdf_is_not_laid_out_again_and_a_changed_one_is(pdf_cache: Path, layouts: list[int],
                                                                     tmp_path: Path) -> None:
    group = model_at(GROUP)
    first = made(group, "pdf")
    assert made(group, "pdf") == first
    assert layouts == [1]
    assert [path.suffix for path in pdf_cache.iterdir()] == [".pdf"]
    text = GROUP.read_text(encoding="utf-8")
    changed = tmp_path / "group.yaml"
    changed.write_text(text.replace('version: "3.0.0"', 'version: "3.0.1"', 1), encoding="utf-8")
    assert "Version 3.0.1" in pdftotext(made(model_at(changed), "pdf"), tmp_path, 1)
    assert layouts == [1, 1]


def test_a_cache_folder_others_can_write_to_is_not_used(pdf_cache: Path, layouts: list[int]) -> None:
    pdf_cache.mkdir(mode=0o777)
    pdf_cache.chmod(0o777)
    group = model_at(GROUP)
    assert made(group, "pdf") == made(group, "pdf")
    assert layouts == [1, 1]
    assert list(pdf_cache.iterdir()) == []


def test_the_statement_pdf_holds_every_purpose_and_the_version_on_every_page(real: Model, real_pdf: bytes,
                                                                             tmp_path: Path) -> None:
    text = squeezed(pdftotext(real_pdf, tmp_path))
    for purpose in real.data["purposes"]:
        assert squeezed(purpose["description"]["en"]) in text, purpose["id"]
    reader = PdfReader(io.BytesIO(real_pdf))
    assert len(reader.pages) > 2
    line = "Version 1.0.0, effective 25 November 2026"
    for number in range(1, len(reader.pages) + 1):
        assert line in pdftotext(real_pdf, tmp_path, number), number


def test_the_pdf_has_its_title_language_dates_and_a4_pages(real_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(real_pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "i-Centrum AB: privacy statement"
    assert reader.metadata.author == "i-Centrum AB"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert str(reader.metadata["/CreationDate"]).startswith("D:20261125")
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4


def test_the_swedish_pdf_and_a_service_appendix(tmp_path: Path) -> None:
    group = model_at(GROUP)
    swedish = made(group, "pdf", "sv")
    reader = PdfReader(io.BytesIO(swedish))
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.metadata is not None and reader.metadata.title == "Nordexempel AB: integritetspolicy"
    assert "Version 3.0.0, gäller från 1 maj 2026" in pdftotext(swedish, tmp_path, 1)
    appendix = made(group, "pdf", service="booking-service")
    reader = PdfReader(io.BytesIO(appendix))
    assert reader.metadata is not None
    assert reader.metadata.title == "Nordexempel AB: The booking service, processor appendix"
    text = squeezed(pdftotext(appendix, tmp_path))
    for item in group.index["services"]["booking-service"]["security_measures"]:
        assert squeezed(item["en"]) in text
    assert made(group, "pdf", service="booking-service") == appendix


def test_links_to_other_pages_become_text_and_only_https_and_mailto_links_remain(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(injection_model_text(), encoding="utf-8")
    content = made(model_at(path), "pdf")
    reader = PdfReader(io.BytesIO(content))
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris and all(uri.startswith(("https://", "mailto:")) for uri in uris), uris
    assert b"/JavaScript" not in content and b"/JS" not in content
    text = pdftotext(content, tmp_path)
    assert '<script>window.__injected = "script"</script>' in " ".join(text.split())
