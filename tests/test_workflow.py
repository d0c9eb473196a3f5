"""The GitHub workflow, Dependabot and the pre-commit hooks: well-formed, hardened, and their
commands really run.

Each `run:` step of the workflow that calls the project's tools is run here as GitHub runs it
(`bash -eo pipefail`), in a git repository with the real model (version 1.0.0, frozen for the
tests), a branch that changes it and an `origin/main` to compare with; the pre-commit hooks'
entries run the same way, and the pull-request comment's script runs in Node.js against a stand-in
for GitHub's API that keeps the comments in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import LOCATED, POLICY, PROJECT_ROOT
from sitekit import BIN, REAL_MODEL, copy_project

from generator.cli import build_parser
from generator.diff import describe_changes, diff_models
from generator.exports.cache import CACHE_ENV
from generator.load import load_file, load_text
from generator.pipeline import read_model
from generator.validate import Model, validate

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "privacy-statement.yml"
DEPENDABOT = PROJECT_ROOT / ".github" / "dependabot.yml"
PRE_COMMIT = PROJECT_ROOT / ".pre-commit-config.yaml"
# The workflow expressions the steps use, as they are on a pull request into main.
EXPRESSIONS = {"github.base_ref": "main"}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
RETENTION_GAP = "    period: null  # GAP: the statement gives no storage period for any purpose.\n"
TWO_YEARS = "    period: {duration: P2Y, starts: {en: your last contact with us}}\n"
RETENTION_SENTENCE = ("Retention rule “necessary\\-for\\-purpose”: storage period changed from not stated to "
                      "2 years from “your last contact with us”.")


def load_yaml(path: Path) -> dict[str, Any]:
    """With the project's own YAML 1.2 loader, which reads `on:` as the key GitHub sees (YAML 1.1
    loaders such as PyYAML's turn it into `true`), and rejects duplicate keys."""
    return load_file(path).data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load_yaml(WORKFLOW)


def registered_commands() -> set[str]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("privacy-statement has no subcommands")


def require_command(name: str) -> None:
    assert name in registered_commands(), f"`privacy-statement {name}` is not a command"


def tool_commands(script: str) -> Iterator[list[str]]:
    """The `privacy-statement` command lines of a shell script, without what takes their output
    (a pipe or a redirection)."""
    for line in script.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "privacy-statement":
            ends = [words.index(word) for word in ("|", ">>", ">") if word in words]
            yield words[: min(ends)] if ends else words


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"] for step in steps(workflow, job)]


def run_steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return [step for step in steps(workflow, job) if "run" in step and "pip install" not in step["run"]]


def step_named(workflow: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    return next(step for step in steps(workflow, job) if step.get("name") == name)


def substituted(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        assert match.group(1) in EXPRESSIONS, f"the test does not know the expression {match.group(0)}"
        return EXPRESSIONS[match.group(1)]

    return EXPRESSION.sub(replace, value)


def environment(extra: dict[str, str]) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return {**base, "PATH": f"{BIN}{os.pathsep}{base.get('PATH', '')}", "NO_MKDOCS_2_WARNING": "1", **extra}


def run_step(step: dict[str, Any], cwd: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub runs it with `shell: bash`, with the step's `env:`."""
    step_env = {name: substituted(str(value)) for name, value in (step.get("env") or {}).items()}
    script = step["run"]
    assert not EXPRESSION.search(script), "pass expressions to scripts through env:, not inline"
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env=environment({**step_env, **extra}), capture_output=True, text=True, timeout=300)


def git(repository: Path, *arguments: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com", *arguments],
                          cwd=repository, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the real model on main (also as origin/main), and a checked-out branch that
    fills the retention gap under a new version."""
    project = copy_project(tmp_path_factory.mktemp("pull-request") / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the statement as it is")
    git(project, "update-ref", "refs/remotes/origin/main", "main")
    git(project, "checkout", "-q", "-b", "fill-retention-gap")
    text = REAL_MODEL.read_text(encoding="utf-8")
    text = re.sub(r'^version: ".*"$', 'version: "99.0.0"', text, count=1, flags=re.M)
    text = re.sub(r'^effective_date: ".*"$', 'effective_date: "2099-01-01"', text, count=1, flags=re.M)
    assert text.count(RETENTION_GAP) == 1
    (project / "data" / "processing.yaml").write_text(text.replace(RETENTION_GAP, TWO_YEARS), encoding="utf-8")
    git(project, "commit", "-q", "-am", "state a retention period")
    return project


# --- the workflow file -------------------------------------------------------------------------

def test_the_workflow_runs_on_pull_requests_and_on_main(workflow: dict[str, Any]) -> None:
    triggers = workflow["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["pull-request"]["if"] == "github.event_name == 'pull_request'"
    assert workflow["jobs"]["build-site"]["if"] == "github.event_name != 'pull_request'"


def test_the_pull_request_job_names_every_check(workflow: dict[str, Any]) -> None:
    job = steps(workflow, "pull-request")
    checkout = next(step for step in job if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False
    python = next(step for step in job if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    scripts = [step["run"] for step in run_steps(workflow, "pull-request")]
    commands = [command for script in scripts for command in tool_commands(script)]
    assert commands == [
        ["privacy-statement", "validate"],
        ["privacy-statement", "check", "--baseline", "origin/$BASE_REF", "--format", "markdown"],
        ["privacy-statement", "diff", "--from", "origin/$BASE_REF", "--format", "markdown"],
    ]
    assert any("mkdocs build --strict" in script for script in scripts)
    summaries = [script for script in scripts if '>> "$GITHUB_STEP_SUMMARY"' in script]
    assert len(summaries) == 2  # the check's findings and the diff
    # ... also kept as files for the comment job.
    assert [re.findall(r'tee "\$RUNNER_TEMP/([\w.]+)"', script) for script in summaries] == [["check.md"], ["diff.md"]]
    # Every check runs even when one before it failed, and then the job fails.
    for step in run_steps(workflow, "pull-request"):
        assert step["if"].startswith("${{ !cancelled() && ")
    for name in ("Check what the statement must say", "Say what changes for readers"):
        assert step_named(workflow, "pull-request", name)["env"]["BASE_REF"] == "${{ github.base_ref }}"


def test_the_commands_parse_as_the_cli_defines_them(workflow: dict[str, Any]) -> None:
    """Every `privacy-statement` line of the workflow and the hooks, against the real argument parser."""
    lines = [command for job in workflow["jobs"] for step in steps(workflow, job) if "run" in step
             for command in tool_commands(step["run"])]
    lines += [shlex.split(hook["entry"]) for hook in load_yaml(PRE_COMMIT)["repos"][0]["hooks"]]
    assert lines
    for words in lines:
        require_command(words[1])
        arguments = build_parser().parse_args(words[1:])
        assert arguments.command == words[1]
        assert callable(arguments.run)


def test_main_builds_reproducibly_and_deploys_to_pages(workflow: dict[str, Any]) -> None:
    build = steps(workflow, "build-site")
    assert next(s for s in build if s.get("uses", "").startswith("actions/checkout@"))["with"]["fetch-depth"] == 0
    assert "SOURCE_DATE_EPOCH" in step_named(workflow, "build-site", "Day of the build")["run"]
    assert step_named(workflow, "build-site", "Build the site")["run"] == "mkdocs build --strict"
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build-site"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


# --- the supply chain ---------------------------------------------------------------------------

# owner/repository, and the action's folder in it where it is not at the top (actions/cache/restore).
USES = re.compile(r"^\s*(?:- )?uses:\s*(?P<action>[\w.-]+/[\w.-]+)(?:/[\w.-]+)*@(?P<ref>\S+)(?P<comment>.*)$")


def test_every_action_is_pinned_to_a_full_commit_with_its_version_in_a_comment() -> None:
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(- )?uses:", line)]
    assert len(lines) >= 8
    for line in lines:
        found = USES.match(line)
        assert found, line
        assert re.fullmatch(r"[0-9a-f]{40}", found["ref"]), f"not pinned to a commit: {line.strip()}"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", found["comment"]), f"no version comment: {line.strip()}"
    # The same action (any folder of its repository) at the same commit everywhere.
    pins: dict[str, set[str]] = {}
    for line in lines:
        found = USES.match(line)
        assert found
        pins.setdefault(found["action"], set()).add(found["ref"] + found["comment"])
    assert all(len(refs) == 1 for refs in pins.values()), pins


def test_no_checkout_keeps_its_token_and_each_job_names_its_permissions(workflow: dict[str, Any]) -> None:
    checkouts = [step for step in all_steps(workflow) if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2
    for checkout in checkouts:
        assert checkout["with"]["persist-credentials"] is False
        assert checkout["with"]["fetch-depth"] == 0  # the history: diff's base and the site's versions
    assert workflow["permissions"] == {}
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "pull-request": {"contents": "read"},
        "comment": {"pull-requests": "write"},
        "build-site": {"contents": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
    }


def test_the_workflow_installs_the_locked_versions_with_their_hashes(workflow: dict[str, Any]) -> None:
    installs = [step["run"] for step in all_steps(workflow) if "pip install" in step.get("run", "")]
    assert len(installs) == 2
    for script in installs:
        assert script.splitlines() == [
            "python -m pip install --require-hashes --no-deps -r requirements.txt",
            "python -m pip install --no-deps --no-build-isolation -e .",
        ]


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain",
                           *map(str, paths)], capture_output=True, text=True, timeout=120)


def test_zizmor_finds_nothing_in_the_workflow_and_the_dependabot_configuration() -> None:
    done = zizmor(WORKFLOW.parent, DEPENDABOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_zizmor_would_find_an_action_by_tag_and_a_kept_token(tmp_path: Path) -> None:
    """The audit above can fail: the workflow as it was before pinning is reported."""
    unhardened = tmp_path / ".github" / "workflows" / "ci.yml"
    unhardened.parent.mkdir(parents=True)
    unhardened.write_text(textwrap.dedent("""\
        on: [pull_request]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: echo "${{ github.event.pull_request.title }}"
        """), encoding="utf-8")
    done = zizmor(unhardened)
    assert done.returncode != 0
    for audit in ("unpinned-uses", "artipacked", "template-injection", "excessive-permissions"):
        assert audit in done.stdout, done.stdout


def test_dependabot_proposes_updates_to_the_python_packages_and_the_actions() -> None:
    config = load_yaml(DEPENDABOT)
    assert config["version"] == 2
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] in {"daily", "weekly"}
        assert update["cooldown"]["default-days"] >= 1
    # Dependabot's pip support updates the lock files it finds in that folder.
    assert (PROJECT_ROOT / "requirements.txt").is_file() and (PROJECT_ROOT / "requirements-test.txt").is_file()


# --- the pull-request comment -------------------------------------------------------------------

def test_the_comment_job_only_writes_comments_and_runs_no_project_code(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["comment"]
    assert job["needs"] == "pull-request"
    # It runs when the checks failed too (that is when the comment matters most), not for forks.
    assert job["if"].startswith("${{ !cancelled() && github.event_name == 'pull_request' && ")
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert job["permissions"] == {"pull-requests": "write"}
    assert [step["uses"].split("@")[0] for step in job["steps"]] == ["actions/download-artifact",
                                                                     "actions/github-script"]
    assert not any("run" in step for step in job["steps"])
    upload = step_named(workflow, "pull-request", "Keep the findings and the diff for the comment")
    download = job["steps"][0]
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"].splitlines() == ["${{ runner.temp }}/check.md", "${{ runner.temp }}/diff.md"]
    assert job["steps"][1]["env"]["REPORT_DIR"] == download["with"]["path"]
    assert not EXPRESSION.search(job["steps"][1]["with"]["script"]), "no expression inside the script"


NODE = shutil.which("node")
# What actions/github-script does with `script:`: an async function of these names, then awaited.
# The stand-in `github` keeps the pull request's comments in a list, as the REST API would.
COMMENT_HARNESS = """
const fs = require('fs');
const [scriptFile, stateFile] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const log = [];
const github = {
  paginate: async (method, params) => method(params).then((response) => response.data),
  rest: { issues: {
    listComments: async ({ owner, repo, issue_number }) => {
      if (owner !== 'i-centrum' || repo !== 'privacy' || issue_number !== 7) throw new Error('wrong pull request');
      return { data: state.comments };
    },
    createComment: async ({ issue_number, body }) => {
      const comment = { id: state.next++, user: { type: 'Bot', login: 'github-actions[bot]' }, body };
      state.comments.push(comment);
      log.push(`create ${comment.id} on ${issue_number}`);
      return { data: comment };
    },
    updateComment: async ({ comment_id, body }) => {
      const comment = state.comments.find((c) => c.id === comment_id);
      comment.body = body;
      log.push(`update ${comment_id}`);
      return { data: comment };
    },
  } },
};
const context = { repo: { owner: 'i-centrum', repo: 'privacy' },
  payload: { pull_request: { number: 7, head: { sha: state.sha } } } };
const core = { info: (line) => log.push(line) };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const run = new AsyncFunction('require', 'github', 'context', 'core', fs.readFileSync(scriptFile, 'utf8'));
run(require, github, context, core).then(() => {
  fs.writeFileSync(stateFile, JSON.stringify(state));
  console.log(JSON.stringify(log));
}, (error) => { console.error(error); process.exit(1); });
"""


def run_comment_script(workflow: dict[str, Any], tmp_path: Path, state: dict[str, Any],
                       report: dict[str, str]) -> list[str]:
    step = workflow["jobs"]["comment"]["steps"][1]
    folder = tmp_path / step["env"]["REPORT_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, text in report.items():
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "script.js").write_text(step["with"]["script"], encoding="utf-8")
    (tmp_path / "harness.js").write_text(COMMENT_HARNESS, encoding="utf-8")
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    assert NODE
    done = subprocess.run([NODE, "harness.js", "script.js", "state.json"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "REPORT_DIR": step["env"]["REPORT_DIR"]})
    assert done.returncode == 0, done.stderr
    state.update(json.loads((tmp_path / "state.json").read_text(encoding="utf-8")))
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None and not os.environ.get("CI"), reason="Node.js is not installed (it is under CI)")
def test_the_comment_is_one_comment_updated_on_each_push(workflow: dict[str, Any], tmp_path: Path) -> None:
    human = {"id": 1, "user": {"type": "User"}, "body": "<!-- privacy-statement: findings and diff -->\nquoted"}
    state: dict[str, Any] = {"comments": [human], "next": 100, "sha": "a" * 40}
    first = run_comment_script(workflow, tmp_path, state,
                               {"check.md": "## Check\n\n**47 errors**\n", "diff.md": "## Diff\n\n- one change\n"})
    assert first[0] == "create 100 on 7"
    [ours] = [comment for comment in state["comments"] if comment["id"] == 100]
    assert ours["body"].startswith("<!-- privacy-statement: findings and diff -->\n## Check")
    assert "## Diff" in ours["body"] and "For commit " + "a" * 40 in ours["body"]

    state["sha"] = "b" * 40
    second = run_comment_script(workflow, tmp_path, state, {"check.md": "## Check\n\n**46 errors**\n"})
    assert second[0] == "update 100"
    assert len(state["comments"]) == 2 and state["comments"][0] == human  # a person's comment is left alone
    ours = state["comments"][1]
    assert "**46 errors**" in ours["body"] and "**47 errors**" not in ours["body"]
    assert "For commit " + "b" * 40 in ours["body"]

    # A report too long for one comment is cut with a pointer to the summary page.
    run_comment_script(workflow, tmp_path, state, {"check.md": "x" * 70000})
    assert len(state["comments"]) == 2 and len(state["comments"][1]["body"]) < 65536
    assert "summary page" in state["comments"][1]["body"]


# --- the workflow's commands, run ---------------------------------------------------------------

def test_validate_step(workflow: dict[str, Any], pull_request: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    done = run_step(step_named(workflow, "pull-request", "Validate the model"), pull_request,
                    {"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"data/processing\.yaml: valid \(\d+ warnings?\)", done.stdout.splitlines()[-1])


def test_check_step(workflow: dict[str, Any], pull_request: Path, tmp_path: Path) -> None:
    require_command("check")
    summary = tmp_path / "summary.md"
    done = run_step(step_named(workflow, "pull-request", "Check what the statement must say"), pull_request,
                    {"GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path)})
    # The branch closes a gap and opens no error: the inherited gaps are listed but do not fail the step.
    # (Its criteria still hedge, "as long as necessary", "a reasonable period": two new warnings of
    # vague-wording, which the retention rule's own finding had stood for while there was no period.)
    assert done.returncode == 0, done.stdout + done.stderr
    report = summary.read_text(encoding="utf-8")
    assert (tmp_path / "check.md").read_text(encoding="utf-8") == report  # what the comment job posts
    assert "**80 errors, 16 warnings, 0 acknowledged**; **new since origin/main: 0 errors, 2 warnings**" in report
    assert "<details><summary>Open before this change, already in origin/main (94)</summary>" in report

    # A branch that opens a gap fails the step, and the summary names the new gap first.
    model = pull_request / "data" / "processing.yaml"
    committed = model.read_text(encoding="utf-8")
    try:
        model.write_text(committed.replace("    legal_bases:\n      - basis: consent\n", "    legal_bases: null\n", 1),
                         encoding="utf-8")
        summary.write_text("", encoding="utf-8")
        failed = run_step(step_named(workflow, "pull-request", "Check what the statement must say"), pull_request,
                          {"GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path)})
    finally:
        model.write_text(committed, encoding="utf-8")
    assert failed.returncode == 1, failed.stderr
    new = summary.read_text(encoding="utf-8").split("### New errors (1)")[1].split("<details>")[0]
    assert "`purpose-legal-basis`" in new and '"job-applications" has no legal basis' in new
    # A failing check still leaves its findings for the comment (the step fails after tee wrote them).
    assert "### New errors (1)" in (tmp_path / "check.md").read_text(encoding="utf-8")


def test_diff_step_writes_what_changes_to_the_summary(
    workflow: dict[str, Any], pull_request: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    done = run_step(step_named(workflow, "pull-request", "Say what changes for readers"), pull_request,
                    {"GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    lines = summary.read_text(encoding="utf-8").splitlines()
    assert ["## Earlier step", *(tmp_path / "diff.md").read_text(encoding="utf-8").splitlines()] == lines
    assert lines[:3] == ["## Earlier step", "## What changes for readers of the statement", ""]
    assert lines[3] == "Comparing data/processing\\.yaml@origin/main with data/processing\\.yaml\\.  "
    assert f"- {RETENTION_SENTENCE}" in lines
    assert not any(line.startswith("> Warning") for line in lines)


def test_build_step(workflow: dict[str, Any], pull_request: Path) -> None:
    done = run_step(step_named(workflow, "pull-request", "Build the site"), pull_request, {})
    assert done.returncode == 0, done.stderr
    statement = (pull_request / "site" / "en" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "i-Centrum" in statement


@pytest.mark.parametrize("event", ["push", "schedule"])
def test_the_build_day_is_the_last_commit_or_the_scheduled_day(
    workflow: dict[str, Any], pull_request: Path, tmp_path: Path, event: str
) -> None:
    github_env = tmp_path / "github_env"
    github_env.write_text("", encoding="utf-8")
    done = run_step(step_named(workflow, "build-site", "Day of the build"), pull_request,
                    {"GITHUB_EVENT_NAME": event, "GITHUB_ENV": str(github_env)})
    assert done.returncode == 0, done.stderr
    name, _, value = github_env.read_text(encoding="utf-8").strip().partition("=")
    assert name == "SOURCE_DATE_EPOCH"
    if event == "push":
        assert value == git(pull_request, "log", "-1", "--format=%ct")
    else:
        midnight = datetime.now(tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        assert int(value) == int(midnight.timestamp())


# --- pre-commit ---------------------------------------------------------------------------------

HOOKS = load_yaml(PRE_COMMIT)["repos"][0]["hooks"]


def test_the_hooks_are_local_and_run_on_the_model_only() -> None:
    config = load_yaml(PRE_COMMIT)
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert [hook["id"] for hook in HOOKS] == ["privacy-statement-validate", "privacy-statement-check"]
    for hook in HOOKS:
        assert hook["language"] == "system"
        assert hook["pass_filenames"] is False
        pattern = re.compile(hook["files"])
        assert pattern.search("data/processing.yaml")
        assert not any(pattern.search(path) for path in ("data/processing.yaml.orig", "docs/index.md",
                                                         "tests/fixtures/diff/base.yaml", "data/processingXyaml"))


@pytest.mark.parametrize("hook", HOOKS, ids=[hook["id"] for hook in HOOKS])
def test_each_hook_entry_runs(hook: dict[str, Any], tmp_path: Path) -> None:
    command = shlex.split(hook["entry"])
    assert command[0] == "privacy-statement"
    require_command(command[1])
    project = copy_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the statement as it is")
    done = subprocess.run(command, cwd=project, env=environment({}), capture_output=True, text=True, timeout=120)
    # The gaps the last commit already had do not stop the next commit.
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() and "Traceback" not in done.stderr

    # A mistake in the model stops the commit, with a located message.
    model = project / "data" / "processing.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("- basis: contract", "- basis: contact", 1),
                     encoding="utf-8")
    stopped = subprocess.run(command, cwd=project, env=environment({}), capture_output=True, text=True,
                             timeout=120)
    assert stopped.returncode == 1
    located = [line for line in stopped.stdout.splitlines() if LOCATED.match(line)]
    assert any(line.startswith("data/processing.yaml:") and "legal_bases[0].basis" in line for line in located)


# --- the editors' guide -------------------------------------------------------------------------

GUIDE = PROJECT_ROOT / "CONTRIBUTING.md"


def guide_snippets(section: str | None = None) -> list[dict[str, Any]]:
    """Every ```yaml block of CONTRIBUTING.md (or of its `## section`), read as the model is read."""
    text = GUIDE.read_text(encoding="utf-8")
    if section is not None:
        text = text[text.index(f"\n## {section}\n"):]
        text = text[: text.index("\n## ", 1)]
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```$", text, flags=re.M | re.S)
    return [load_text(textwrap.dedent(block), "CONTRIBUTING.md").data for _, block in blocks]


def merged(data: dict[str, Any], snippet: dict[str, Any]) -> dict[str, Any]:
    """`data` with the snippet's entries put in as an editor would: an entry with the same id is
    replaced, a new one (or one without an id, such as a transfer) is added."""
    result = dict(data)
    for key, value in snippet.items():
        if isinstance(value, list) and all(isinstance(entry, dict) for entry in value):
            entries = list(result[key])
            for entry in value:
                same = [n for n, old in enumerate(entries) if "id" in entry and old.get("id") == entry["id"]]
                if same:
                    entries[same[0]] = entry
                else:
                    entries.append(entry)
            result[key] = entries
        else:
            result[key] = value
    return result


def model_of(data: dict[str, Any]) -> Model:
    validation = validate(load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "edited.yaml"), POLICY)
    assert validation.model is not None, [problem.format() for problem in validation.errors]
    return validation.model


def test_every_yaml_snippet_of_the_guide_fits_the_schema() -> None:
    schema = POLICY.schema
    partial = jsonschema.Draft202012Validator({**schema, "required": []},
                                              format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    snippets = guide_snippets()
    assert len(snippets) >= 9
    for snippet in snippets:
        assert set(snippet) <= set(schema["properties"]), snippet
        assert [error.message for error in partial.iter_errors(snippet)] == [], snippet


def test_the_guide_adds_a_tracker_as_the_statement_then_says() -> None:
    real = read_model(REAL_MODEL, POLICY).model
    data = real.data
    for section in ("Example: add a tracker", "Raise the version and the effective date"):
        for snippet in guide_snippets(section):
            data = merged(data, snippet)
    edited = model_of(data)
    assert describe_changes(real, edited, POLICY) == [
        "Recipient added: “Example Chat Ltd” (where it processes the data: United States; kinds of recipient: "
        "Processor acting on our behalf).",
        "Transfer of data to “Example Chat Ltd” in United States added (safeguards: Standard contractual clauses "
        "adopted by the European Commission (GDPR Art. 46(2)(c)) (a copy: “Email us, and we send you a copy of the "
        "clauses.”)).",
        "Tracker added: “Example Chat widget” (provider: “Example Chat Ltd”; set by: Third party (set by another "
        "company); consent category: Functional; lifetime: 1 year; consent: set only with your consent).",
        "Site “i-Centrum sites”: “Example Chat widget” added to trackers.",
    ]
    assert diff_models(real, edited, POLICY).not_raised == ()


def test_the_guide_shows_what_the_diff_says_of_its_retention_example() -> None:
    real = read_model(REAL_MODEL, POLICY).model
    snippets = guide_snippets()
    retention = next(s for s in snippets if "retention_policies" in s and s["retention_policies"][0]["period"])
    version = next(s for s in snippets if "version" in s)
    edited = model_of(merged(merged(real.data, retention), version))
    said = describe_changes(real, edited, POLICY)
    assert said[0] == ("Retention rule “necessary-for-purpose”: storage period changed from not stated to "
                       "2 years from “your last contact with us”.")
    guide = " ".join(GUIDE.read_text(encoding="utf-8").replace("\n  >", "\n").split())
    assert said[0] in guide
    assert "> Version 1.0.0 (in effect from 25 November 2026) → version 1.1.0 (in effect from 1 January 2027)." \
        in GUIDE.read_text(encoding="utf-8")


def guide_messages() -> list[str]:
    """The tool output the guide quotes: each line of its ```text blocks naming the model file."""
    blocks = re.findall(r"^```text\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), flags=re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("data/processing.yaml:")]


def test_the_guides_example_messages_are_what_the_tools_print(tmp_path: Path) -> None:
    """The guide explains a validation message (and shows it in Swedish) and a check finding line by line;
    all are quoted from real runs on today's model (the mistake: `contact` for `contract` in the sixth
    purpose)."""
    mistake, swedish, *findings = guide_messages()
    project = copy_project(tmp_path / "project")
    checked = subprocess.run([str(BIN / "privacy-statement"), "check"], cwd=project, capture_output=True,
                             text=True, timeout=120)
    assert findings and all(finding in checked.stdout.splitlines() for finding in findings)

    model = project / "data" / "processing.yaml"
    text = model.read_text(encoding="utf-8")
    purpose = text.index("  - id: perform-services\n")
    basis = text.index("      - basis: contract\n", purpose)
    model.write_text(text[:basis] + "      - basis: contact\n" + text[basis + len("      - basis: contract\n"):],
                     encoding="utf-8")
    validated = subprocess.run([str(BIN / "privacy-statement"), "validate"], cwd=project, capture_output=True,
                               text=True, timeout=120)
    assert validated.stdout.splitlines()[0] == mistake
    in_swedish = subprocess.run([str(BIN / "privacy-statement"), "validate", "--language", "sv"], cwd=project,
                                capture_output=True, text=True, timeout=120)
    assert in_swedish.stdout.splitlines()[0] == swedish


def test_both_builds_use_the_downloads_only_main_keeps(workflow: dict[str, Any]) -> None:
    """The folder actions/cache keeps is the one the build's cache uses; a pull request only reads it."""
    for job, action in (("pull-request", "actions/cache/restore"), ("build-site", "actions/cache")):
        kept = next(step for step in steps(workflow, job) if step.get("uses", "").split("@")[0] == action)
        build = step_named(workflow, job, "Build the site")
        assert kept["with"]["path"] == build["env"][CACHE_ENV]
        assert steps(workflow, job).index(kept) < steps(workflow, job).index(build)
    assert not [step for step in steps(workflow, "pull-request") if step.get("uses", "").startswith("actions/cache@")]
