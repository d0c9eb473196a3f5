"""`privacy-statement validate` and `schema` as editors and CI run them: exit codes, output lines, the corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import LOCATED, PROJECT_ROOT, REAL_MODEL, SUMMARY, CliResult, edited

from generator.load import MAX_BYTES

CORPUS = PROJECT_ROOT / "tests" / "corpus"
SPEC: dict[str, list[dict[str, Any]]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
BASE_TEXT = (CORPUS / "base.yaml").read_text(encoding="utf-8")
BASES = {"real": BASE_TEXT, "group": (CORPUS / "group-base.yaml").read_text(encoding="utf-8")}
EXPECTATION = re.compile(r"^(?P<line>\d+):(?P<column>\d+): (?P<path>.+?): (?P<fragment>.+)$")

Cli = Callable[..., CliResult]


def corpus_file(case: dict[str, Any], tmp_path: Path) -> Path:
    if "file" in case:
        return CORPUS / case["file"]
    path = tmp_path / f"{case['name']}.yaml"
    base = BASES[case.get("base", "real")]
    path.write_text(edited(base, case["edit"]["replace"], case["edit"]["with"]), encoding="utf-8")
    return path


def assert_clean_output(result: CliResult, file: Path | str) -> None:
    """Every line is a located problem about `file` or the one summary at the end; no traceback."""
    assert "Traceback" not in result.stdout + result.stderr
    *problems, summary = result.lines
    assert SUMMARY.match(summary), summary
    assert summary.startswith(f"{file}: ")
    for line in problems:
        match = LOCATED.match(line)
        assert match, f"not a located problem: {line!r}"
        assert match["file"] == str(file)


# --- the corpus ---------------------------------------------------------------------------------

def test_corpus_is_large_and_its_names_are_unique() -> None:
    names = [case["name"] for case in SPEC["invalid"] + SPEC["valid"]]
    assert len(SPEC["invalid"]) >= 30
    assert len(names) == len(set(names))
    for case in SPEC["invalid"]:
        assert case["expect"], f"{case['name']} states no expected problem"
        for expectation in case["expect"]:
            assert EXPECTATION.match(expectation), f"{case['name']}: {expectation!r} is not LINE:COL: path: text"


@pytest.mark.parametrize("base", ["base.yaml", "group-base.yaml"])
def test_corpus_base_is_the_valid_model(base: str, cli: Cli) -> None:
    """Each edit case breaks one thing of a valid file, so that it fails for exactly one reason."""
    result = cli("validate", CORPUS / base)
    assert result.code == 0, result.stdout
    assert result.problems == []


@pytest.mark.parametrize("case", SPEC["invalid"], ids=lambda case: case["name"])
def test_corpus_case_gives_its_located_messages(case: dict[str, Any], cli: Cli, tmp_path: Path) -> None:
    path = corpus_file(case, tmp_path)
    result = cli("validate", path)
    assert result.code == 1, result.stdout
    assert_clean_output(result, path)
    printed = [LOCATED.match(line) for line in result.problems]
    unmatched_lines = list(printed)
    for expectation in case["expect"]:
        wanted = EXPECTATION.match(expectation)
        assert wanted
        found = [
            match for match in unmatched_lines
            if match and (match["line"], match["column"], match["path"]) == (wanted["line"], wanted["column"],
                                                                             wanted["path"])
            and wanted["fragment"] in match["message"]
        ]
        assert found, f"expected {expectation!r} among:\n" + "\n".join(result.problems)
        unmatched_lines.remove(found[0])
    assert unmatched_lines == [], "problems nobody expected:\n" + "\n".join(m.string for m in unmatched_lines if m)


@pytest.mark.parametrize("case", SPEC["valid"], ids=lambda case: case["name"])
def test_corpus_valid_edit_stays_valid(case: dict[str, Any], cli: Cli, tmp_path: Path) -> None:
    path = corpus_file(case, tmp_path)
    result = cli("validate", path)
    assert (result.code, result.problems) == (0, []), result.stdout
    assert result.lines == [f"{path}: valid (0 warnings)"]


def test_file_over_one_mebibyte_is_refused_before_it_is_read(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    # Valid YAML all through: only its size is wrong.
    filler = "# padding padding padding padding padding padding padding padding padding padding\n"
    path.write_text(BASE_TEXT + filler * (MAX_BYTES // len(filler) + 1), encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    result = cli("validate", path)
    assert result.code == 1
    assert_clean_output(result, path)
    size = path.stat().st_size
    assert result.problems == [f"{path}:1:1: (top level): the file is {size:,} bytes, more than the limit of "
                               f"{MAX_BYTES:,}; a privacy model should be far smaller"]


# --- exit codes and output ----------------------------------------------------------------------

def test_real_model_is_valid_with_default_path(cli_process: Cli) -> None:
    result = cli_process("validate")
    assert result.code == 0, result.stdout + result.stderr
    # The live model's warnings are the legal editors' to change: only the default path and the verdict are the code's.
    assert re.fullmatch(r"data/processing\.yaml: valid \(\d+ warnings?\)\n", result.stdout), result.stdout
    assert result.stderr == ""


def test_python_dash_m_generator_runs_the_same_command(cli_process: Cli) -> None:
    result = cli_process("validate", "data/processing.yaml", module=True)
    assert result.code == 0
    assert re.fullmatch(r"data/processing\.yaml: valid \(\d+ warnings?\)\n", result.stdout), result.stdout


def test_console_script_reports_invalid_file_with_exit_1(cli_process: Cli, tmp_path: Path) -> None:
    path = tmp_path / "processing.yaml"
    path.write_text(edited(BASE_TEXT, "      - basis: contract\n    retention: [necessary-for-purpose]\n"
                                      "    provision: null  # GAP\n  - id: respond-to-requests\n",
                           "      - basis: contrat\n    retention: [necessary-for-purpose]\n"
                           "    provision: null  # GAP\n  - id: respond-to-requests\n"), encoding="utf-8")
    result = cli_process("validate", path)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f'{path}:274:16: purposes[5].legal_bases[0].basis: the text "contrat" is not allowed here. Did you mean '
        '"contract"? Allowed: "consent", "contract", "legal-obligation", "vital-interests", "public-task", '
        '"legitimate-interests".',
        f"{path}: invalid: 1 error, 0 warnings",
    ]


def test_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path / "nowhere.yaml")
    assert result.code == 2
    assert result.stdout == ""
    assert f"no model file at {tmp_path / 'nowhere.yaml'}" in result.stderr


def test_default_path_missing_outside_the_project_is_a_usage_error(cli_process: Cli, tmp_path: Path) -> None:
    result = cli_process("validate", cwd=tmp_path)
    assert result.code == 2
    assert "no model file at data/processing.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_is_not_a_model_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path)
    assert result.code == 2
    assert result.stderr == (f"privacy-statement: {tmp_path} is a folder, not a model file "
                             "(give the path of the YAML file)\n")


@pytest.mark.parametrize("command", ["validate", "check", "build", "diff"])
def test_a_folder_holding_the_model_names_the_file_in_it(command: str, cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "processing.yaml").write_text(BASE_TEXT, encoding="utf-8")
    arguments = [tmp_path / "data", tmp_path / "data"] if command == "diff" else [tmp_path / "data"]
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    result = cli(command, *arguments, *extra)
    assert result.code == 2
    assert f"{tmp_path / 'data'} is a folder, not a model file; did you mean {tmp_path / 'data' / 'processing.yaml'}?" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("typed", "meant"), [("chek", "check"), ("Validate", "validate"), ("dif", "diff"),
                                              ("biuld", "build")])
def test_an_unknown_command_suggests_the_nearest(typed: str, meant: str, cli: Cli) -> None:
    result = cli(typed, "--strict")
    assert result.code == 2
    assert result.stderr.startswith(f"privacy-statement: unknown command '{typed}'; did you mean '{meant}'?")
    assert result.stdout == ""


def test_an_unknown_command_far_from_all_lists_them(cli: Cli) -> None:
    result = cli("publish")
    assert result.code == 2
    assert result.stderr == ("privacy-statement: unknown command 'publish' "
                             "(commands: validate, schema, check, build, diff, migrate, translations, export)\n")


@pytest.mark.parametrize("arguments", [
    ["validate", "--no-such-option"],
    ["validate", "a.yaml", "b.yaml"],
    ["no-such-command"],
    [],
])
def test_bad_arguments_are_usage_errors(arguments: list[str], cli: Cli) -> None:
    result = cli(*arguments)
    assert result.code == 2
    assert result.stderr.startswith("privacy-statement")
    assert "Traceback" not in result.stderr


def test_help_exits_0(cli: Cli) -> None:
    result = cli("validate", "--help")
    assert result.code == 0
    assert "--strict" in result.stdout


def test_all_problems_are_reported_at_once(cli: Cli, write_model: Callable[..., Path]) -> None:
    text = edited(BASE_TEXT, 'version: "1.0.0"\n', "version: 1.0\n")
    text = edited(text, "  email: privacy@i-centrum.se\n", "  email: privacy(at)i-centrum.se\n")
    text = edited(text, "      - google-ads-remarketing\n", "      - google-ads-remarketing\n      - hotjar\n")
    path = write_model(text)
    result = cli("validate", path)
    assert result.code == 1
    assert_clean_output(result, path)
    assert [line.split(": ")[0:2] for line in result.problems] == [
        [f"{path}:10:10", "version"],
        [f"{path}:19:10", "controller.email"],
        [f"{path}:526:9", "sites[0].trackers[5]"],
    ]
    assert result.lines[-1] == f"{path}: invalid: 3 errors, 0 warnings"


def unused_category_model() -> str:
    """The base model with one more data category that no purpose uses."""
    return edited(BASE_TEXT, "\nsensitive_data:\n",
                  "  - id: payment-details\n    name: {en: Payment details}\n"
                  "    description: {en: Card numbers.}\n\nsensitive_data:\n")


def test_unused_entry_is_a_warning_that_does_not_fail(cli: Cli, write_model: Callable[..., Path]) -> None:
    path = write_model(unused_category_model())
    result = cli("validate", path)
    assert result.code == 0
    assert result.lines == [
        f'{path}:137:9: data_categories[7].id: warning: data_categories entry "payment-details" is defined '
        "but nothing refers to it; name its id in `purposes[].data_categories`, or remove it",
        f"{path}: valid (1 warning)",
    ]


def test_strict_turns_the_unused_entry_warning_into_a_failure(cli: Cli, write_model: Callable[..., Path]) -> None:
    path = write_model(unused_category_model())
    result = cli("validate", "--strict", path)
    assert result.code == 1
    assert "warning: data_categories entry \"payment-details\"" in result.stdout


def test_strict_passes_the_real_model(cli: Cli) -> None:
    assert cli("validate", "--strict", REAL_MODEL).code == 0


def test_problems_are_sorted_by_line_then_column(cli: Cli, write_model: Callable[..., Path]) -> None:
    text = edited(BASE_TEXT, "  country: SE\n", "  country: se\n")
    text = edited(text, "    party: third\n    category: null  # GAP\n    purpose:\n      en: >-\n        Lightweight",
                  "    party: thrid\n    category: null  # GAP\n    purpose:\n      en: >-\n        Lightweight")
    text = edited(text, 'version: "1.0.0"\n', 'version: "v1"\n')
    result = cli("validate", write_model(text))
    places = [tuple(int(LOCATED.match(line)[k]) for k in ("line", "column")) for line in result.problems]
    assert places == [(10, 10), (15, 12), (402, 12)]


def test_schema_command_prints_the_schema_file(cli: Cli, cli_process: Cli) -> None:
    on_disk = (PROJECT_ROOT / "policy" / "processing.schema.json").read_text(encoding="utf-8")
    in_process = cli("schema")
    assert (in_process.code, in_process.stdout) == (0, on_disk)
    child = cli_process("schema")
    assert child.code == 0
    assert json.loads(child.stdout) == json.loads(on_disk)


def test_validate_does_not_load_the_slow_iri_grammar() -> None:
    """rfc3987-syntax (jsonschema's format-nongpl extra) compiles a grammar for a second on import,
    for `iri` formats the schema does not use; it must stay out of validate's way."""
    probe = ("import io, sys; from generator.cli import main; "
             "code = main(['validate'], out=io.StringIO()); "
             "print(code, sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr


@pytest.mark.parametrize(("arguments", "unloaded"), [
    (["validate"], ["jinja2", "generator.render", "generator.check", "generator.diff", "generator.history",
                    "generator.commands.check", "generator.commands.diff", "generator.commands.build"]),
    (["schema"], ["jinja2", "generator.render", "generator.commands.check"]),
    (["check"], ["generator.commands.build", "generator.commands.diff", "generator.build"]),
])
def test_a_command_imports_only_what_it_runs(arguments: list[str], unloaded: list[str]) -> None:
    probe = ("import io, sys; from generator.cli import main; "
             f"code = main({arguments!r}, out=io.StringIO()); "
             f"print(code, sorted(m for m in {unloaded!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split(" ", 1)[1].strip() == "[]", done.stdout + done.stderr


def test_help_lists_every_command(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for name in ("validate", "schema", "check", "build", "diff"):
        assert re.search(rf"^\s+{name}\s+\w", result.stdout, re.MULTILINE), result.stdout


def test_a_closed_pipe_ends_quietly_without_a_traceback() -> None:
    import subprocess
    import sys

    from conftest import PROJECT_ROOT

    # `| head -1` closes the pipe after one line; the command must stop without a traceback.
    result = subprocess.run(
        f"'{sys.executable}' -m generator check | head -c 10",
        shell=True, cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr
