"""`privacy-statement export`: the model's other outputs, each read back with its own ecosystem's tool.

The fictional group (tests/fixtures/group.yaml) uses every structure of the model, the real model
has the gaps, and the injection model (tests/injection.py) has every value as hostile as its kind
allows. Each output is read back as its consumers read it: the JSON against its published schema,
the CSVs with Python's `csv`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import GROUP, POLICY, CliResult, model_at, run_script
from injection import PAYLOAD, injection_model_text

from generator.exports import FORMATS, Request, export
from generator.exports.cookies import name_prefix
from generator.validate import Model

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Model:
    path = tmp_path_factory.mktemp("hostile") / "processing.yaml"
    path.write_text(injection_model_text(), encoding="utf-8")
    return model_at(path)


def made(model: Model, name: str, language: str = "en", **options: Any) -> bytes:
    return export(Request(model, POLICY, language, **options), name)


def rows_of(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV read back as a spreadsheet user's tools read it: the header, and each row by column."""
    assert content.startswith("\ufeff".encode()), "a byte order mark, so that spreadsheets read UTF-8"
    assert b"\r\n" in content
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header, *rows = list(reader)
    assert all(len(row) == len(header) for row in rows)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def words(language: str = "en") -> dict[str, Any]:
    return dict(POLICY.texts_in(language)["exports"])


# --- json -----------------------------------------------------------------------------------------

def published_schema() -> dict[str, Any]:
    return json.loads(made(model_at(GROUP), "json-schema"))


def schema_errors(instance: object) -> list[str]:
    schema = published_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message[:200]}" for error in validator.iter_errors(instance)]


@pytest.mark.parametrize("which", ["group", "real", "hostile"])
def test_json_validates_against_its_published_schema(which: str, request: pytest.FixtureRequest) -> None:
    model: Model = request.getfixturevalue(which)
    data = json.loads(made(model, "json"))
    assert schema_errors(data) == []
    assert (data["schema_version"], data["version"], data["effective_date"]) == (
        model.data["schema_version"], model.data["version"], model.data["effective_date"])


def test_the_published_schema_refuses_what_is_not_the_normalised_shape(group: Model) -> None:
    """A reference left as an id, or a field left out, is not the normalised shape: the schema says so."""
    data = json.loads(made(group, "json"))
    assert schema_errors(data) == []
    data["purposes"][0]["data_subjects"][0] = "customer-contacts"
    assert schema_errors(data) != []
    data = json.loads(made(group, "json"))
    del data["trackers"][0]["lifetime_note"]
    assert any("'lifetime_note' is a required property" in error for error in schema_errors(data))
    assert schema_errors(json.loads(json.dumps(group.data))) != []


def test_json_resolves_references_and_keeps_ids(group: Model) -> None:
    data = json.loads(made(group, "json"))
    purpose = next(p for p in data["purposes"] if p["id"] == "customer-contracts")
    assert purpose["data_subjects"][0]["id"] == "customer-contacts"
    assert purpose["data_subjects"][0]["name"] == {"en": "Customer contact persons"}
    assert purpose["group"]["legal_bases"][2]["law"]["citation"] == "SFS 1999:1078"
    assert purpose["legal_bases"] is None  # a gap stays a gap
    assert purpose["provision"]["requirement"] == "needed-for-contract"
    site = next(s for s in data["sites"] if s["id"] == "main-site")
    assert [t["id"] for t in site["trackers"]] == ["language-choice", "site-statistics", "linkedin-insight-tag"]
    assert site["trackers"][0]["provider"] == "controller"
    assert site["trackers"][1]["provider"]["countries"] == ["US"]
    assert next(s for s in data["sites"] if s["id"] == "status-page")["trackers"] == "none"
    assert data["roles"]["processor"]["services"][0]["id"] == "booking-service"
    assert data["transfers"][0]["recipient"]["id"] == "mail-service"
    assert data["social_media_pages"][0]["joint_controller"]["purposes"][0]["id"] == "social-media-page"
    # Every field is there, in the schema's order, null where the model leaves it out.
    assert data["controller"]["eu_representative"] == "not-required"
    assert list(data)[:4] == ["schema_version", "version", "effective_date", "controller"]
    assert site["trackers"][0]["opt_out_url"] is None


def test_json_of_the_real_model_keeps_its_gaps(real: Model) -> None:
    data = json.loads(made(real, "json"))
    assert data["controller"]["dpo"]["email"] is None
    assert data["automated_decision_making"] is None
    assert data["transfers"][0]["safeguards"] is None
    assert data["group_entities"] is None


# --- ropa-csv --------------------------------------------------------------------------------------

def test_ropa_csv_has_a_row_per_purpose_and_every_column_of_art_30(group: Model) -> None:
    header, rows = rows_of(made(group, "ropa-csv"))
    columns = words()["ropa"]["columns"]
    assert header == list(columns.values())
    assert [row[columns["id"]] for row in rows] == [purpose["id"] for purpose in group.data["purposes"]]
    by_id = {row[columns["id"]]: row for row in rows}
    contracts = by_id["customer-contracts"]
    assert contracts[columns["controller"]].startswith("Nordexempel AB, 559999-0001, Exempelvägen 5")
    assert contracts[columns["dpo"]] == "Appointed: dpo@nordexempel.example"
    assert "Contract (GDPR Art. 6(1)(b)): customers who are sole traders" in contracts[columns["legal_basis"]]
    assert "Legal obligation (GDPR Art. 6(1)(c))" in contracts[columns["legal_basis"]]  # from the group
    assert "Nordexempel Oy" in contracts[columns["joint_controllers"]]
    assert contracts[columns["special_categories"]] == "None processed"
    assert contracts[columns["recipients"]].startswith("Nordic Cloud Hosting AB (Processor acting on our behalf")
    transfers = contracts[columns["transfers"]]
    assert "Example Mail Inc., United States: The EU-US Data Privacy Framework" in transfers
    assert "Example Support Pvt Ltd, India: Standard contractual clauses" in transfers
    assert contracts[columns["retention"]].startswith("Contact details of customer contacts: at most 24 months from")
    assert "ISO/IEC 27001" in contracts[columns["security"]]
    invoicing = by_id["invoicing"]
    assert "Swedish Accounting Act, chapter 7, section 2" in invoicing[columns["retention"]]
    assert invoicing[columns["transfers"]] == words()["ropa"]["no_transfer_needed"]
    assert by_id["prospecting"][columns["recipients"]] == "none"
    assert by_id["prospecting"][columns["transfers"]] == "none"
    assert "until-unsubscribed" not in by_id["newsletter"][columns["retention"]]
    assert by_id["newsletter"][columns["retention"]] == (
        "Until you unsubscribe from the newsletter, which you can do in every issue.")


def test_ropa_csv_writes_every_gap_of_the_real_model_as_not_stated(real: Model) -> None:
    _, rows = rows_of(made(real, "ropa-csv"))
    columns = words()["ropa"]["columns"]
    assert len(rows) == len(real.data["purposes"])
    assert all(cell.strip() for row in rows for cell in row.values()), "no blank cell"
    first = rows[0]
    assert first[columns["legal_basis"]] == "not stated"
    assert first[columns["dpo"]] == "not stated"
    assert first[columns["transfers"]] == "LinkedIn, United States: not stated; Google, United States: not stated; " \
                                          "Facebook, United States: not stated"
    assert rows[1][columns["recipients"]] == "not stated"  # no recipients listed for the purpose
    assert rows[1][columns["transfers"]] == "not stated"


def test_ropa_csv_in_swedish(group: Model) -> None:
    header, rows = rows_of(made(group, "ropa-csv", "sv"))
    assert header == list(words("sv")["ropa"]["columns"].values())
    assert header[0] == "Ändamålets id"
    assert "Avtal" in rows[0][header[6]]


def test_processor_record_has_a_row_per_service(group: Model, real: Model) -> None:
    columns = words()["processor_record"]["columns"]
    header, rows = rows_of(made(group, "ropa-processor-csv"))
    assert header == list(columns.values())
    assert [row[columns["id"]] for row in rows] == ["booking-service", "booking-widget"]
    booking, widget = rows
    assert booking[columns["sub_processors"]].startswith("Nordic Cloud Hosting AB")
    assert "Example Mail Inc., United States" in booking[columns["transfers"]]
    assert widget[columns["sub_processors"]] == "none"
    assert widget[columns["transfers"]] == "none"
    assert "deletes" not in booking[columns["end_of_service"]]
    assert booking[columns["security"]] == "Encryption of data in transit and at rest; " \
                                           "Access only for named staff, with two-factor authentication"
    _, rows = rows_of(made(real, "ropa-processor-csv"))
    assert len(rows) == 1
    gaps = [name for name, value in rows[0].items() if value == "not stated"]
    assert {columns[name] for name in ("processing", "data_types", "data_subjects", "sub_processors", "transfers",
                                       "security", "duration", "end_of_service")} <= set(gaps)
    assert all(cell.strip() for cell in rows[0].values())


# --- cookies-csv ------------------------------------------------------------------------------------

def test_cookies_csv_lists_each_cookie_in_the_open_cookie_database_columns(group: Model) -> None:
    header, rows = rows_of(made(group, "cookies-csv", site="main-site"))
    assert header == ["ID", "Platform", "Category", "Cookie / Data Key name", "Domain", "Description",
                      "Retention period", "Data Controller", "User Privacy & GDPR Rights Portals", "Wildcard match"]
    assert [row["Cookie / Data Key name"] for row in rows] == [
        "nx_language", "nx_language_banner", "_stats_id", "_stats_s_", "li_sugr", "px.ads.linkedin.com"]
    stats = rows[3]
    assert (stats["Platform"], stats["Category"], stats["Wildcard match"], stats["Retention period"]) == (
        "Site statistics", "Analytics", "1", "1 day")
    assert "^_stats_s_[0-9a-f]+$" in stats["Description"]
    assert stats["Data Controller"] == "Example Analytics Inc."
    assert stats["User Privacy & GDPR Rights Portals"] == "https://analytics.example/opt-out"
    assert rows[0]["Data Controller"] == "Nordexempel AB"
    assert rows[0]["Category"] == "Personalization"
    assert rows[1]["Description"] == "Whether you have closed the language banner."
    assert len({row["ID"] for row in rows}) == len(rows)
    assert all(cell for row in rows for cell in row.values())
    _, booking = rows_of(made(group, "cookies-csv", site="booking-app"))
    assert [(row["Cookie / Data Key name"], row["Category"], row["Retention period"]) for row in booking] == [
        ("nx_session", "Functional", "until you close your browser (session)")]
    _, status = rows_of(made(group, "cookies-csv", site="status-page"))
    assert status == []  # the model says the site uses none


def test_cookies_csv_of_the_real_model_names_each_tracker_with_its_gaps(real: Model) -> None:
    _, rows = rows_of(made(real, "cookies-csv", site="i-centrum-sites"))
    assert [row["Platform"] for row in rows] == [
        "LinkedIn Insight Tag", "Google Analytics", "Google Analytics Remarketing", "Google Ads (formerly AdWords)",
        "Google Ads Remarketing", "Facebook pixel"]
    assert {row["Cookie / Data Key name"] for row in rows} == {"not stated"}
    assert {row["Category"] for row in rows} == {"not stated"}
    assert rows[0]["Retention period"] == "6 months"
    assert rows[1]["Retention period"] == "not stated"


def test_a_cookie_pattern_is_written_as_its_fixed_start() -> None:
    assert name_prefix("^_ga_.+$") == "_ga_"
    assert name_prefix("^_stats_s_[0-9a-f]+$") == "_stats_s_"
    assert name_prefix("^(a|b)$") == "^(a|b)$"


# --- every format ------------------------------------------------------------------------------------

def each_output(model: Model) -> list[tuple[str, str | None, bytes]]:
    """Every format, for every site where it is made per site: (format, site, bytes)."""
    outputs = []
    for fmt in FORMATS.values():
        if fmt.name == "pdf":  # read back with its own tools in tests/test_exports_pdf.py
            continue
        sites = list(model.index["sites"]) if fmt.per_site else [None]
        outputs += [(fmt.name, site, made(model, fmt.name, site=site)) for site in sites]
    return outputs


TEXT_FORMATS = ("json", "dpv", "fides")


def test_no_output_carries_live_markup(hostile: Model) -> None:
    """JSON writes <, > and & as escapes and reads back as the text; a CSV cell never starts as a
    spreadsheet formula and reads back as the text it was."""
    for name, site, content in each_output(hostile):
        if name == "consent":  # a module of code around a JSON configuration; tested in a browser too
            text = content.decode("utf-8")
            assert "<" not in text, (name, site)
            assert "&lt;script&gt;" in json.loads(text.split("const config = ", 1)[1].split(";\n", 1)[0]) \
                ["language"]["translations"]["en"]["consentModal"]["title"]
        elif name.startswith(TEXT_FORMATS):
            text = content.decode("utf-8")
            assert "<" not in text and ">" not in text, name
            if name != "json-schema":
                assert PAYLOAD.split(" ")[0] in json.dumps(json.loads(text), ensure_ascii=False), name
        elif name.endswith("csv"):
            _, rows = rows_of(content)
            cells = [cell for row in rows for cell in row.values()]
            assert not any(cell.startswith(FORMULA_START) for cell in cells), (name, site)
            assert not rows or any(cell.startswith("<script>") for cell in cells), (name, site)
        else:
            pytest.fail(f"no injection test for {name}")


def test_formula_cells_are_written_as_text(tmp_path: Path) -> None:
    text = GROUP.read_text(encoding="utf-8").replace(
        "description: {en: Deliver and support the booking service our customers have ordered.}",
        "description: {en: '=HYPERLINK(\"https://evil.example\",\"click\")'}")
    path = tmp_path / "processing.yaml"
    path.write_text(text, encoding="utf-8")
    _, rows = rows_of(made(model_at(path), "ropa-csv"))
    assert rows[0]["Purpose of the processing"] == "'=HYPERLINK(\"https://evil.example\",\"click\")"


@pytest.mark.parametrize("which", ["group", "real"])
def test_every_format_is_the_same_bytes_twice(which: str, request: pytest.FixtureRequest) -> None:
    model: Model = request.getfixturevalue(which)
    assert each_output(model) == each_output(model)


# --- the command --------------------------------------------------------------------------------------

def test_export_writes_the_file_and_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        result = run_script("export", "--format", "ropa-csv", "--out", out, GROUP)
        assert (result.code, result.stdout, result.stderr) == (0, "", "")
    assert first.read_bytes() == second.read_bytes() == made(model_at(GROUP), "ropa-csv")
    piped = run_script("export", "--format", "json", GROUP)
    assert piped.code == 0 and json.loads(piped.stdout)["version"] == "3.0.0"


def test_export_writes_through_a_link_and_into_what_is_not_a_file(cli: Callable[..., CliResult],
                                                                   tmp_path: Path) -> None:
    """`--out /dev/null` once put a plain file in the device's place (the output was renamed over
    it); a pipe stands in for the device here, and a link must stay a link to the file it names."""
    expected = made(model_at(GROUP), "json")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = cli("export", "--format", "json", "--out", pipe, GROUP)
    reader.join(timeout=10)
    assert result.code == 0 and received == [expected]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target)
    assert cli("export", "--format", "json", "--out", link, GROUP).code == 0
    assert link.is_symlink() and target.read_bytes() == expected


def test_export_usage_errors(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("export", "--format", "cookies-csv", GROUP)
    assert result.code == 2 and "--site ID (sites: main-site, booking-app, status-page)" in result.stderr
    result = cli("export", "--format", "cookies-csv", "--site", "main-sight", GROUP)
    assert result.code == 2 and "did you mean 'main-site'?" in result.stderr
    result = cli("export", "--format", "json", "--site", "main-site", GROUP)
    assert result.code == 2 and "not made per site" in result.stderr
    result = cli("export", "--format", "yaml", GROUP)
    assert result.code == 2 and "invalid choice: 'yaml'" in result.stderr
    result = cli("export", "--format", "json", "--out", tmp_path, GROUP)
    assert result.code == 2 and "is a folder" in result.stderr
    result = cli("export", "--format", "json", "--out", tmp_path / "missing" / "x.json", GROUP)
    assert result.code == 2 and "there is no folder" in result.stderr


def test_export_of_an_invalid_model_reports_it_and_writes_nothing(cli: Callable[..., CliResult],
                                                                  tmp_path: Path) -> None:
    broken = tmp_path / "processing.yaml"
    broken.write_text(GROUP.read_text(encoding="utf-8").replace("version: \"3.0.0\"", "version: three"),
                      encoding="utf-8")
    out = tmp_path / "out.json"
    result = cli("export", "--format", "json", "--out", out, broken)
    assert result.code == 1
    assert result.problems and result.problems[0].startswith(f"{broken}:12:10: version:")
    assert result.lines[-1] == f"{broken}: not exported: the model is not valid"
    assert not out.exists()
