"""The policy is passed, not found: read once per command or build from the project's policy folder
(or `--policy DIR`, or the plugin's `policy` option), and handed to every stage. A non-editable
install (`pip install .`) builds the site, since nothing is looked up beside the installed package."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import POLICY, POLICY_DIR, PROJECT_ROOT, REAL_MODEL, CliResult, edited
from packaging.requirements import Requirement
from sitekit import copy_project, mkdocs_build

from generator.load import TEXT_LANGUAGES
from generator.paths import find_policy_folder, project_roots
from generator.policy import CatalogueError, PolicyError, load_policy

Cli = Callable[..., CliResult]
NOT_STATED = ("not_stated: Not stated in this version of the statement.",
              "not_stated: Left open by the legal team for now.")


def edited_policy(target: Path) -> Path:
    """A copy of the project's policy in which each part says something of its own."""
    shutil.copytree(POLICY_DIR, target)
    texts = target / "texts" / "en.yaml"
    texts.write_text(edited(texts.read_text(encoding="utf-8"), *NOT_STATED), encoding="utf-8")
    wording = target / "texts" / "diff.en.yaml"
    wording.write_text(edited(wording.read_text(encoding="utf-8"), "no_change: No change for readers of the statement.",
                              "no_change: Readers see no difference."), encoding="utf-8")
    rules = target / "rules.yaml"
    rules.write_text(edited(rules.read_text(encoding="utf-8"), "a Data Protection Officer is appointed (`appointed",
                            "a DPO has been named (`appointed"), encoding="utf-8")
    schema = target / "processing.schema.json"
    stricter = json.loads(schema.read_text(encoding="utf-8"))
    stricter["required"].append("sv_only")
    stricter["properties"]["sv_only"] = {"type": "string", "description": "a field only this policy has"}
    schema.write_text(json.dumps(stricter, indent=2), encoding="utf-8")
    return target


# --- where the policy is found -------------------------------------------------------------------

def make_project(root: Path, *, mkdocs: bool = True, git: bool = False, policy: bool = True) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "processing.yaml").write_text(REAL_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    if mkdocs:
        (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    if git:
        (root / ".git").mkdir()
    if policy:
        (root / "policy").mkdir()
    return root / "data" / "processing.yaml"


def test_the_folder_holding_mkdocs_yml_comes_first(tmp_path: Path) -> None:
    model = make_project(tmp_path / "repository" / "site", git=False)
    (tmp_path / "repository" / ".git").mkdir()
    (tmp_path / "repository" / "policy").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert project_roots(model, cwd=elsewhere) == [tmp_path / "repository" / "site", tmp_path / "repository",
                                                   elsewhere]
    assert find_policy_folder(model, cwd=elsewhere) == tmp_path / "repository" / "site" / "policy"


def test_then_the_git_repository_of_the_model_then_the_current_folder(tmp_path: Path) -> None:
    model = make_project(tmp_path / "repository", mkdocs=False, git=True)
    assert find_policy_folder(model, cwd=tmp_path) == tmp_path / "repository" / "policy"
    bare = make_project(tmp_path / "bare", mkdocs=False, policy=False)
    assert project_roots(bare, cwd=tmp_path / "repository") == [tmp_path / "repository"]
    assert find_policy_folder(bare, cwd=tmp_path / "repository") == tmp_path / "repository" / "policy"


def test_a_root_without_a_policy_folder_is_passed_over(tmp_path: Path) -> None:
    model = make_project(tmp_path / "repository", git=True, policy=False)
    assert find_policy_folder(model, cwd=PROJECT_ROOT) == POLICY_DIR
    assert find_policy_folder(model, cwd=tmp_path) is None


def test_a_model_outside_any_project_is_a_usage_error_naming_where_it_looked(
        cli_process: Cli, tmp_path: Path) -> None:
    model = make_project(tmp_path / "loose", mkdocs=False, policy=False)
    result = cli_process("validate", model, cwd=tmp_path)
    assert result.code == 2
    assert result.stderr == (f"privacy-statement: no policy folder found (looked for {tmp_path / 'policy'}"
                             f"); run from the project folder or give --policy DIR\n")
    assert cli_process("validate", model, "--policy", POLICY_DIR, cwd=tmp_path).code == 0


def test_the_loaders_text_languages_are_the_schemas() -> None:
    """The loader tidies a mapping of these languages as a text; the schema says what a text is."""
    assert set(POLICY.schema["$defs"]["text"]["properties"]) == TEXT_LANGUAGES


def test_the_installed_package_holds_no_policy_path() -> None:
    """Nothing in the package points at the folder it is installed in."""
    for path in (PROJECT_ROOT / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "__file__" not in text, path


# --- --policy DIR on every subcommand ------------------------------------------------------------

def test_validate_uses_the_given_policys_schema(cli: Cli, tmp_path: Path) -> None:
    policy = edited_policy(tmp_path / "policy")
    assert cli("validate").code == 0
    result = cli("validate", "--policy", policy)
    assert result.code == 1
    assert "sv_only" in result.problems[0]


def test_check_uses_the_given_policys_rules(cli: Cli, tmp_path: Path) -> None:
    policy = edited_policy(tmp_path / "policy")
    schema = json.loads((policy / "processing.schema.json").read_text(encoding="utf-8"))
    schema["required"].remove("sv_only")
    (policy / "processing.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    # The frozen real model (its DPO has no contact): today's data/processing.yaml is the editors'.
    default = [line for line in cli("check", REAL_MODEL).lines if "dpo-contact" in line]
    given = [line for line in cli("check", "--policy", policy, REAL_MODEL).lines if "dpo-contact" in line]
    assert len(default) == len(given) == 1
    assert "a Data Protection Officer is appointed" in default[0]
    assert "a DPO has been named" in given[0]


def test_diff_uses_the_given_policys_wording(cli: Cli, tmp_path: Path) -> None:
    policy = edited_policy(tmp_path / "policy")
    (policy / "processing.schema.json").write_text((POLICY_DIR / "processing.schema.json").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    assert "No change for readers of the statement." in cli("diff", REAL_MODEL, REAL_MODEL).stdout
    assert "Readers see no difference." in cli("diff", REAL_MODEL, REAL_MODEL, "--policy", policy).stdout


def test_build_uses_the_given_policys_texts(cli: Cli, tmp_path: Path) -> None:
    policy = edited_policy(tmp_path / "policy")
    (policy / "processing.schema.json").write_text((POLICY_DIR / "processing.schema.json").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    result = cli("build", "--out", tmp_path / "pages", "--policy", policy)
    assert result.code == 0, result.stderr
    statement = (tmp_path / "pages" / "privacy" / "index.md").read_text(encoding="utf-8")
    assert "Left open by the legal team for now" in statement
    assert "Not stated in this version" not in statement


def test_schema_prints_the_given_policys_schema(cli: Cli, tmp_path: Path) -> None:
    policy = edited_policy(tmp_path / "policy")
    assert "sv_only" in json.loads(cli("schema", "--policy", policy).stdout)["properties"]
    assert "sv_only" not in json.loads(cli("schema").stdout)["properties"]


@pytest.mark.parametrize("command", [["validate"], ["check"], ["diff", str(REAL_MODEL), str(REAL_MODEL)],
                                     ["build", "--out", "pages"], ["schema"]])
def test_every_subcommand_refuses_a_missing_policy_folder(command: list[str], cli: Cli, tmp_path: Path) -> None:
    result = cli(*command, "--policy", tmp_path / "nowhere")
    assert result.code == 2
    assert str(tmp_path / "nowhere") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pages").exists()


def test_a_broken_policy_file_is_a_usage_error_with_its_location(cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy)
    (policy / "texts" / "en.yaml").write_text("not_stated: [unclosed\n", encoding="utf-8")
    result = cli("validate", "--policy", policy)
    assert result.code == 2
    assert f"the policy file {policy / 'texts' / 'en.yaml'} cannot be read" in result.stderr
    assert f"{policy / 'texts' / 'en.yaml'}:2:1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_policy_names_each_missing_part(tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy)
    (policy / "rules.yaml").unlink()
    with pytest.raises(PolicyError, match=r"the policy has no .*rules\.yaml"):
        load_policy(policy)
    shutil.rmtree(policy / "templates")
    with pytest.raises(PolicyError, match="templates"):
        load_policy(policy)
    (policy / "processing.schema.json").write_text('["not", "a", "schema"]', encoding="utf-8")
    with pytest.raises(PolicyError, match="holds no JSON object"):
        load_policy(policy)


def test_a_malformed_rule_is_a_policy_error(tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy)
    rules = policy / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("severity: warning", "severity: fatal", 1),
                     encoding="utf-8")
    with pytest.raises(CatalogueError, match="severity 'fatal'"):
        load_policy(policy)


# --- the MkDocs plugin ---------------------------------------------------------------------------

def test_the_plugins_policy_option_names_the_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    policy = edited_policy(project / "statement-policy")
    (policy / "processing.schema.json").write_text((POLICY_DIR / "processing.schema.json").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(edited(config.read_text(encoding="utf-8"), "    model: data/processing.yaml\n",
                             "    model: data/processing.yaml\n    policy: statement-policy\n"), encoding="utf-8")
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    english = (tmp_path / "site" / "en" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "Left open by the legal team for now" in english
    shutil.rmtree(policy)
    missing = mkdocs_build(project, tmp_path / "again")
    assert missing.returncode == 1
    assert f"the policy cannot be read, nothing was built:\nthere is no policy folder at {policy}" in missing.stderr


# --- pip install . -------------------------------------------------------------------------------

def test_a_non_editable_install_validates_and_builds_the_site(tmp_path: Path) -> None:
    """`pip install .` (a wheel, not a link to this checkout) into a fresh virtual environment that
    reuses the dependencies already installed here (no index: nothing is downloaded), then the
    installed command and `mkdocs build --strict` in a copy of the project."""
    backend = Requirement(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                          ["build-system"]["requires"][0])
    assert backend.specifier.contains(version("setuptools")), \
        f"the test extra's setuptools {version('setuptools')} does not meet the build system's {backend}"
    # Only the installed package may be found: no PYTHONPATH leading back to a checkout.
    alone = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True,  # type: ignore[attr-defined]
                   capture_output=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             env=alone, check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies (and the build backend) of the environment running the tests. Only the folder is
    # added: its .pth files, such as the editable install's, are not run.
    Path(purelib, "reuse-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    source = tmp_path / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "site", "site.*", "*.egg-info", "build", "__pycache__", ".*_cache", ".hypothesis"))
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", str(source)],
        env=alone, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    shutil.rmtree(source)  # whatever runs now runs from the installed package

    project = copy_project(tmp_path / "project")
    where = subprocess.run([str(python), "-c", "import generator.commands, generator; print(generator.__file__)"],
                           cwd=tmp_path, env=alone, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(purelib), where
    assert not (Path(where).parent.parent / "policy").exists()

    validated = subprocess.run([str(venv / "bin" / "privacy-statement"), "validate"], cwd=project, env=alone,
                               capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert re.fullmatch(r"data/processing\.yaml: valid \(\d+ warnings?\)\n", validated.stdout), validated.stdout
    environment = {**alone, "SOURCE_DATE_EPOCH": "1764000000", "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run([str(python), "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=project, env=environment, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    statement = Path("sv", "privacy", "index.html")
    assert "i-Centrum" in (tmp_path / "site" / statement).read_text(encoding="utf-8")
    # The same site as the editable install builds.
    reference = mkdocs_build(project, tmp_path / "reference")
    assert reference.returncode == 0, reference.stderr
    assert (tmp_path / "site" / statement).read_bytes() == (tmp_path / "reference" / statement).read_bytes()

