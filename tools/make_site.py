"""`make site`: `mkdocs build --strict`, with its warnings said in words an editor can act on.

It fails exactly when `mkdocs build --strict` fails, because it is that command (its exit status is
this script's). MkDocs' own messages name Markdown files and configuration keys; each known kind is
said again as what is wrong on which page and what to change, and anything else is shown as MkDocs
said it. The site is built next to site/ (in site.tmp) and swapped in only when the build succeeded,
so a failed build leaves the previous site/ as it was. The last line says where the site is and how
many pages it has.

    python tools/make_site.py build [--site-dir site]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

# MkDocs' log lines: "WARNING -  message", continued on indented lines.
LOG_LINE = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL)\s*-\s+(?P<message>.*)$")
BUILDING = re.compile(r"^Building documentation to directory: (?P<site>.+)$")
PLUGIN = "privacy-statement: "


def read_config(path: Path) -> dict[str, Any]:
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def docs_dirs(project: Path) -> tuple[str, dict[str, str]]:
    """The docs folder of mkdocs.yml, and each language's (the privacy-statement plugin's `language`
    in each mkdocs*.yml): MkDocs names a page by its path in the docs folder of the build at hand."""
    def docs_dir(config: dict[str, Any], default: str) -> str:
        value = config.get("docs_dir")
        return value.strip("/") if isinstance(value, str) and value else default

    main = docs_dir(read_config(project / "mkdocs.yml"), "docs")
    by_language: dict[str, str] = {}
    for path in sorted(project.glob("mkdocs*.yml")):
        config = read_config(path)
        plugins = config.get("plugins")
        options = plugins.get("privacy-statement") if isinstance(plugins, dict) else None
        language = options.get("language") if isinstance(options, dict) else None
        if isinstance(language, str):
            by_language[language] = docs_dir(config, main)
    return main, by_language


class Wording:
    """Says MkDocs' messages again for the person who edits docs/ and data/."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.main_docs, self.docs_by_language = docs_dirs(project)
        self.docs = self.main_docs
        self.language = ""
        self.patterns: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
            (re.compile(r"^Doc file '(?P<page>.+?)' contains a link '(?P<link>.+?)', but the target"
                        r"(?: '(?P<target>.+?)')? is not found among documentation files\.$"), self.missing_page),
            (re.compile(r"^Doc file '(?P<page>.+?)' contains a link '(?P<link>.+?)', but the doc "
                        r"'(?P<target>.+?)' does not contain an anchor '#(?P<anchor>.+?)'\.$"), self.missing_anchor),
            (re.compile(r"^Doc file '(?P<page>.+?)' contains a link '(?P<link>.+?)', but there is no such "
                        r"anchor on this page\.(?P<context>.*)$"), self.missing_own_anchor),
            (re.compile(r"^Doc file '(?P<page>.+?)' contains an unrecognized relative link '(?P<link>.+?)', "
                        r"it was left as is\.(?P<context>.*)$"), self.unrecognized_link),
            (re.compile(r"^Doc file '(?P<page>.+?)' contains an absolute link '(?P<link>.+?)', "
                        r"it was left as is\.(?P<context>.*)$"), self.absolute_link),
            (re.compile(r"^A reference to '(?P<target>.+?)' is included in the 'nav' configuration, "
                        r"which is not found in the documentation files\.?$"), self.missing_nav_page),
            (re.compile(r"^The following pages exist in the docs directory, but are not included in the "
                        r"\"nav\" configuration:(?P<pages>(?:\n\s+- .+)+)$"), self.pages_not_in_nav),
        ]

    def building(self, site_dir: str) -> None:
        """MkDocs starts the build of one language's site (its folder is named by the language)."""
        self.language = Path(site_dir).name if Path(site_dir).name in self.docs_by_language else ""
        self.docs = self.docs_by_language.get(self.language, self.main_docs)

    def page(self, source: str) -> str:
        """A page as the editor finds it: its file in docs/, or the generated page it is."""
        if (self.project / self.docs / source).is_file():
            return f"{self.docs}/{source}"
        language = f", in the {self.language} site" if self.language else ""
        return f"the page {source.removesuffix('.md')} (generated from the model in data/{language})"

    def fix_link(self, source: str) -> str:
        if (self.project / self.docs / source).is_file():
            return "correct the link in that file"
        return ("the model's pages are written by the generator, so either an entry the link needs is "
                "missing from data/processing.yaml, or the generator has a bug to report")

    def missing_page(self, found: re.Match[str]) -> str:
        target = found["target"] or found["link"]
        return (f"{self.page(found['page'])}: the link \"{found['link']}\" leads to {target}, a page the "
                f"site does not have: {self.fix_link(found['page'])}, or add the page it means.")

    def missing_anchor(self, found: re.Match[str]) -> str:
        return (f"{self.page(found['page'])}: the link \"{found['link']}\" points to a place "
                f"\"#{found['anchor']}\" that the page {found['target'].removesuffix('.md')} does not have "
                f"(a heading's place is its title in lower case, words joined by hyphens): "
                f"{self.fix_link(found['page'])} to name a heading the page has, or drop the #part.")

    def missing_own_anchor(self, found: re.Match[str]) -> str:
        return (f"{self.page(found['page'])}: the link \"{found['link']}\" points to a place on the same "
                f"page that does not exist.{found['context']} {self.fix_link(found['page']).capitalize()}.")

    def unrecognized_link(self, found: re.Match[str]) -> str:
        return (f"{self.page(found['page'])}: the link \"{found['link']}\" is not a page of the site: link "
                f"to the page's Markdown file (such as privacy/index.md), or give a full https:// address.")

    def absolute_link(self, found: re.Match[str]) -> str:
        return (f"{self.page(found['page'])}: the link \"{found['link']}\" starts with \"/\", which breaks "
                f"when the site is published in a folder: link relative to this page (such as "
                f"privacy/index.md).")

    def missing_nav_page(self, found: re.Match[str]) -> str:
        return (f"mkdocs.yml: its `nav` lists {found['target']}, which is not in {self.docs}/: correct the "
                f"name or remove it from the nav.")

    def pages_not_in_nav(self, found: re.Match[str]) -> str:
        pages = [line.strip().removeprefix("- ") for line in found["pages"].strip().splitlines()]
        listed = ", ".join(f"{self.docs}/{page}" for page in pages)
        return f"mkdocs.yml: its `nav` leaves out {listed}: add each page to the nav, or remove the file."

    def say(self, level: str, message: str) -> str:
        if message.startswith(PLUGIN):
            return message.removeprefix(PLUGIN)
        for pattern, words in self.patterns:
            found = pattern.match(message)
            if found:
                return words(found)
        return message if level == "ERROR" else f"MkDocs warns: {message}"


def messages(output: str) -> Iterator[tuple[str, str]]:
    """(level, message) for each WARNING and ERROR of MkDocs' output, with its continuation lines,
    and ("INFO", message) where a build starts; any other line MkDocs printed (a traceback, say) as
    ("", line)."""
    current: list[str] | None = None
    level = ""
    for line in output.splitlines():
        found = LOG_LINE.match(line)
        if found:
            if current is not None:
                yield level, "\n".join(current).rstrip()
            level = found["level"]
            current = [found["message"]] if level in ("WARNING", "ERROR", "CRITICAL") else None
            if level == "INFO" and BUILDING.match(found["message"]):
                yield level, found["message"]
        elif current is not None and line.strip():
            current.append(line)
        elif line.strip() and not line.startswith("Aborted with "):
            yield "", line
    if current is not None:
        yield level, "\n".join(current).rstrip()


def page_count(site: Path) -> int:
    """The site's pages: every HTML file but the not-found pages."""
    return sum(1 for path in site.rglob("*.html") if path.name != "404.html")


def build(project: Path, site_dir: str) -> int:
    site = project / site_dir
    building = project / f"{site_dir}.tmp"
    previous = project / f"{site_dir}.old"
    shutil.rmtree(building, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(building)],
                          cwd=project, capture_output=True, text=True, env=os.environ.copy())
    wording = Wording(project)
    said: list[tuple[str, str]] = []
    for level, text in messages(done.stdout + done.stderr):
        starting = BUILDING.match(text) if level == "INFO" else None
        if starting:
            wording.building(starting["site"])
        else:
            said.append((level, wording.say(level, text) if level else text))
    # Each language's build reports what all of them share (a skipped version, say): once is enough.
    said = list(dict.fromkeys(said))
    warnings = sum(1 for level, _ in said if level == "WARNING")
    for _, text in said:
        print(text, file=sys.stderr if done.returncode else sys.stdout)
    if done.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        reason = (f"{warnings} warning{'s' if warnings != 1 else ''} above (the build is strict: every warning "
                  "fails it, as on the pull request)") if warnings else "the error above"
        print(f"make site: nothing was published, because of {reason}; {site_dir}/ is as it was.", file=sys.stderr)
        return done.returncode
    shutil.rmtree(previous, ignore_errors=True)
    if site.exists():
        site.rename(previous)
    building.rename(site)
    shutil.rmtree(previous, ignore_errors=True)
    count = page_count(site)
    languages = sorted(code for code in wording.docs_by_language if (site / code / "index.html").is_file())
    in_languages = f" in {len(languages)} languages ({', '.join(languages)})" if len(languages) > 1 else ""
    print(f"The site is in {site_dir}/ ({site_dir}/index.html): {count} page{'s' if count != 1 else ''}"
          f"{in_languages}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="build the site into SITE_DIR, swapping it in on success")
    build_command.add_argument("--site-dir", default="site")
    arguments = parser.parse_args(argv)
    return build(Path.cwd(), arguments.site_dir)


if __name__ == "__main__":
    sys.exit(main())
