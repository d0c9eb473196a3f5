"""The MkDocs adapter: a thin plugin over the engine-independent core.

It validates the model before MkDocs touches the output folder (on_config runs before the site
directory is cleaned), serves the rendered pages as generated files, builds the navigation when
mkdocs.yml gives none, and makes `mkdocs serve` rebuild when the model or the policy changes.

One MkDocs build makes the site in one language (the plugin's `language`). With `languages` (each
language and the MkDocs configuration of its site, which inherits the others' with `INHERIT:`), the
build that MkDocs was started with makes the whole site: its own language into SITE_DIR/LANGUAGE/,
then every other language's configuration into a folder of its own beside it, and SITE_DIR/index.html
leading to the first language. Each language's pages link to the same page in the others
(`extra.alternate`, which the plugin sets, and the theme's language selector).

Each build reads the policy folder afresh into a new Policy object and hands it to the stages, so a
rebuild under `mkdocs serve` sees an edited schema, text, rule list or template. Revisions of the
model left out of the version history are logged as warnings, which `mkdocs build --strict` turns
into a failure.

Under `mkdocs serve`, a model that does not validate (or a policy that cannot be read) does not stop
the server: the build puts, at the address of every page, a page listing the located problems, and
the next save of the fixed file rebuilds the real pages (the open page reloads by itself).
`mkdocs build` still stops with the problems.
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import config_options, load_config
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.diff import describe_changes, renamed_ids
from generator.exports import site_downloads
from generator.history import build_date, read_history, skipped_messages
from generator.paths import DEFAULT_MODEL, POLICY_FOLDER
from generator.pipeline import read_model
from generator.policy import PolicyError, load_policy
from generator.problems import InputError
from generator.render import (
    DEFAULT_LANGUAGE,
    STATEMENT_PAGE,
    NavItem,
    NavSection,
    Page,
    RenderedSite,
    escape,
    render_site,
    theme_bytecode_cache,
)
from generator.translations import LANGUAGES

log = get_plugin_logger("privacy-statement")


class PrivacyStatementConfig(Config):  # type: ignore[no-untyped-call]
    model = config_options.Type(str, default=str(DEFAULT_MODEL))
    # The policy folder, relative to mkdocs.yml like the model; empty: the policy/ folder beside mkdocs.yml.
    policy = config_options.Type(str, default="")
    # The language of this build's pages.
    language = config_options.Choice(LANGUAGES, default=DEFAULT_LANGUAGE)
    # Every language of the site with its MkDocs configuration file (relative to this one), the
    # language / leads to first. Empty: a site in the one language, written to the site folder itself.
    languages = config_options.Type(dict, default={})
    # Whether each version's section offers the model's other outputs (generator.exports) in its
    # downloads/ folder, linked from its pages.
    downloads = config_options.Type(bool, default=True)


def language_site(root: str, language: str) -> str:
    """Where a language's site goes inside the whole site's folder (or its address under site_url)."""
    return root.rstrip("/") + "/" + language + "/" if "://" in root else str(Path(root) / language)


def entry_page(site_name: str, languages: dict[str, str]) -> str:
    """The whole site's /: a page that leads to the first language's site at once, and links to each.
    `languages` maps each language to its name, in that language."""
    first = next(iter(languages))
    links = " | ".join(f'<a href="{code}/" hreflang="{code}" lang="{code}">{html.escape(name)}</a>'
                       for code, name in languages.items())
    alternates = "".join(f'\n<link rel="alternate" hreflang="{code}" href="{code}/">' for code in languages)
    return (f'<!doctype html>\n<html lang="{first}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{html.escape(site_name)}</title>\n"
            f'<meta http-equiv="refresh" content="0; url={first}/">\n<link rel="canonical" href="{first}/">'
            f"{alternates}\n</head>\n<body>\n<main><h1>{html.escape(site_name)}</h1>\n<p>{links}</p></main>\n"
            "</body>\n</html>\n")


def _nav_entry(item: NavItem) -> dict[str, Any]:
    # MkDocs' theme templates print nav titles without escaping, and titles come from the model.
    # (Where Material prints a title through `striptags`, which undoes the escaping, the page's
    # metadata title is printed instead: `PrivacyStatementPlugin.on_page_markdown` sets it.)
    if isinstance(item, NavSection):
        return {html.escape(item.title): [_nav_entry(page) for page in item.pages]}
    return {html.escape(item.title): item.path}


def navigation(site: RenderedSite, hand_written: list[str], home_title: str) -> list[Any]:
    """The site's nav: the home page, the generated pages, then any other hand-written page."""
    nav: list[Any] = []
    if "index.md" in hand_written:
        nav.append({home_title: "index.md"})
    nav.extend(_nav_entry(item) for item in site.navigation)
    nav.extend(path for path in hand_written if path != "index.md")
    return nav


ERROR_TITLE = "The privacy statement cannot be built"
HOME_PAGE = "index.md"


@dataclass(frozen=True)
class BuildProblem:
    """Why the statement could not be built: a headline and the located problems, one a line."""

    headline: str
    lines: tuple[str, ...]

    def error_page(self, model: str) -> str:
        """The page the browser shows instead of the statement. Every line is escaped: the problems
        quote the model (field names, values), which must not become markup."""
        listing = "\n".join(html.escape(line, quote=True) for line in self.lines)
        return (f"---\ntitle: {ERROR_TITLE}\n---\n\n# {ERROR_TITLE}\n\n"
                f"{escape(self.headline[:1].upper() + self.headline[1:])}. Fix what is listed below in "
                f"{escape(model)} (or in the policy) and save the file: this page reloads by itself and then "
                "shows the statement again.\n\n"
                f'<pre class="privacy-statement-problems">{listing}</pre>\n')


class PrivacyStatementPlugin(BasePlugin[PrivacyStatementConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.site: RenderedSite | None = None
        self.titles: dict[str, str] = {}  # the generated pages' titles by path, for on_page_markdown
        self.watched: list[Path] = []
        self.serving = False  # under `mkdocs serve` (see on_startup)
        self.problem: BuildProblem | None = None  # why this build shows an error page, under `mkdocs serve`
        # The pages of the last good build: while there are problems, each address shows them.
        self.page_paths: set[str] = set()
        # Set on the plugin of a language's build that another build started (see on_post_build).
        self.part_of_site = False
        self.site_root: str | None = None  # the whole site's folder, when this build makes it
        self.site_url_root: str | None = None
        self.languages: dict[str, Path] = {}
        self.language_names: dict[str, str] = {}

    def _languages(self, root: Path) -> dict[str, Path]:
        languages = {str(code): root / str(path) for code, path in self.config.languages.items()}
        unknown = sorted(set(languages) - set(LANGUAGES))
        if unknown:
            raise PluginError(f"privacy-statement: languages: {', '.join(unknown)} is not a language of the "
                              f"model's texts ({', '.join(LANGUAGES)})")
        if languages and self.config.language not in languages:
            raise PluginError(f"privacy-statement: language {self.config.language} is not one of "
                              f"languages ({', '.join(languages)})")
        return languages

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined, so MkDocs keeps this plugin object across the rebuilds of one `mkdocs serve`."""
        self.serving = command == "serve"

    def _stop(self, config: MkDocsConfig, problem: BuildProblem) -> MkDocsConfig:
        """`mkdocs build` stops; under `mkdocs serve` this build makes the error page instead."""
        if not self.serving:
            raise PluginError("\n".join((f"{problem.headline}, nothing was built:", *problem.lines)))
        self.problem = problem
        # INFO, not WARNING: a strict build (mkdocs.yml sets strict) aborts on a warning, and `mkdocs
        # serve` would then keep the browser waiting for a good build instead of showing this one.
        log.info("%s; the site shows the problems until the file is fixed:\n%s", problem.headline,
                 "\n".join(problem.lines))
        config.nav = [{ERROR_TITLE: HOME_PAGE}]
        return config

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.site, self.problem, self.site_root, self.site_url_root = None, None, None, None
        root = Path(config.config_file_path or ".").resolve().parent
        model_path = root / self.config.model
        policy_dir = root / (self.config.policy or POLICY_FOLDER)
        self.watched = [model_path.parent, policy_dir]  # before anything fails: the fix must be seen
        languages = self._languages(root)
        self.languages = languages
        if languages:
            self.language_names = dict(zip(languages, languages, strict=True))  # until the policy names them
            if not self.part_of_site:
                self.site_root = config.site_dir
                config.site_dir = language_site(config.site_dir, self.config.language)
                self.site_url_root = config.site_url
                if config.site_url:
                    config.site_url = language_site(config.site_url, self.config.language)
        try:
            policy = load_policy(policy_dir)
        except PolicyError as error:
            return self._stop(config, BuildProblem("the policy cannot be read", tuple(str(error).splitlines())))
        config.extra["page_not_found"] = policy.texts_in(self.config.language)["page_not_found"]
        if languages:
            names = {code: policy.texts_in(code)["language_name"] for code in languages}
            config.extra["alternate"] = [{"name": name, "link": f"../{code}/", "lang": code}
                                         for code, name in names.items()]
            self.language_names = names
        try:
            loaded = read_model(model_path, policy, self.config.model)
            history = read_history(loaded.model, model_path, build_date(), self.config.model, policy)
            if history.problems:
                raise InputError(history.problems)
        except InputError as error:
            return self._stop(config, BuildProblem("the privacy model is not valid",
                                                   tuple(problem.format() for problem in error.problems)))
        for message in skipped_messages(history, self.config.model):
            log.warning(message)
        self.site = render_site(loaded.model, policy, history=history,
                                describe_changes=partial(describe_changes, policy=policy),
                                find_renames=partial(renamed_ids, policy=policy),
                                language=self.config.language, directory_urls=config.use_directory_urls,
                                downloads=site_downloads(policy, self.config.language)
                                if self.config.downloads else None)
        self.titles = self.site.titles()
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
            home = policy.texts_in(self.config.language)["navigation"]["home"]
            config.nav = navigation(self.site, hand_written, home)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.site_root is not None:
            # MkDocs cleans only this language's folder; the other languages' are rebuilt after it.
            root = Path(self.site_root)
            if root.is_dir():
                for entry in root.iterdir():
                    if entry.name in self.languages and entry.name != self.config.language:
                        shutil.rmtree(entry)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The whole site: every other language's build, into its folder beside this one, and /."""
        if self.site_root is None:
            return
        for code, config_file in self.languages.items():
            if code == self.config.language:
                continue
            # MkDocs keeps one object of a plugin that has on_startup for the whole process, so the
            # other language's configuration may hand this very object its options and events: what
            # the other build changes on it is put back afterwards.
            state = dict(vars(self))
            try:
                other = self._build_language(code, config_file, config)
            finally:
                vars(self).clear()
                vars(self).update(state)
            self.watched.extend([Path(other.docs_dir), config_file])
        Path(self.site_root, "index.html").write_text(entry_page(config.site_name, self.language_names),
                                                      encoding="utf-8")

    def _build_language(self, code: str, config_file: Path, config: MkDocsConfig) -> MkDocsConfig:
        """Build the site of language `code` from `config_file` into its folder beside this one."""
        assert self.site_root is not None
        other = load_config(config_file=str(config_file), site_dir=language_site(self.site_root, code),
                            strict=config.strict)
        if self.site_url_root is not None:
            other.site_url = language_site(self.site_url_root, code)
        plugins = [plugin for plugin in other.plugins.values() if isinstance(plugin, PrivacyStatementPlugin)]
        for plugin in plugins:
            plugin.part_of_site, plugin.page_paths = True, self.page_paths
        if not any(plugin.config.language == code for plugin in plugins):
            raise PluginError(f"privacy-statement: {config_file.name} builds no site in language {code}: "
                              f"set the privacy-statement plugin's `language: {code}` there")
        # Under `mkdocs serve` the other languages show the problems too, rather than stop the build.
        other.plugins.on_startup(command="serve" if self.serving else "build", dirty=False)
        try:
            mkdocs_build(other)
        finally:
            other.plugins.on_shutdown()
        return other

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.problem is not None:
            return self._error_files(files, config, self.problem)
        assert self.site is not None, "on_config runs before on_files"
        # Pages the core leaves out of the navigation (each version's site pages and appendices) are
        # linked from their version's statement; MkDocs must not warn that the nav omits them.
        in_navigation = self.site.navigation_paths()
        self.page_paths = {page.path for page in self.site.pages}
        for page in self.site.pages:
            existing = files.get_file_from_path(page.path)
            if existing is not None:
                raise PluginError(f"docs/{page.path} is written by hand, but the privacy statement "
                                  "generates that page; remove or rename the hand-written file")
            inclusion = InclusionLevel.UNDEFINED if page.path in in_navigation else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
        for path, content in self.site.files:
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig,
                         files: Files) -> str:
        """Give a generated page without a title of its own (front matter) its title, escaped.

        Material prints `page.meta.title` as it is, but otherwise `page.title | striptags`, and
        `striptags` turns `&lt;` back into `<`: a model value in the title would be markup there."""
        if self.problem is not None:
            return markdown  # the error page has its own title
        title = self.titles.get(page.file.src_uri)
        if title is not None and not page.meta.get("title"):
            page.meta["title"] = html.escape(title)
        return markdown

    def _error_files(self, files: Files, config: MkDocsConfig, problem: BuildProblem) -> Files:
        """The site's other files (stylesheets, images), and the error page at the address of every
        page: the home page, the statement, the hand-written pages and the pages of the last good
        build, so the page an editor has open shows the problems and, once they are fixed, itself."""
        kept = [file for file in files if not file.is_documentation_page()]
        hand_written = {file.src_uri for file in files if file.is_documentation_page()}
        page = problem.error_page(self.config.model)
        pages = [File.generated(config, path, content=page,
                                inclusion=InclusionLevel.INCLUDED if path == HOME_PAGE else InclusionLevel.NOT_IN_NAV)
                 for path in sorted({HOME_PAGE, STATEMENT_PAGE} | hand_written | self.page_paths)]
        return Files([*kept, *pages])

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        env.bytecode_cache = theme_bytecode_cache(env)
        return env

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in self.watched:
            server.watch(str(folder))
        return server


__all__ = ["BuildProblem", "Page", "PrivacyStatementPlugin", "entry_page", "language_site", "navigation"]
