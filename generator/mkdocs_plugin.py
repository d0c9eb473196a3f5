"""The MkDocs adapter: a thin plugin over the engine-independent core.

It validates the model before MkDocs touches the output folder (on_config runs before the site
directory is cleaned), serves the rendered pages as generated files, builds the navigation when
mkdocs.yml gives none, and makes `mkdocs serve` rebuild when the model or the policy changes.
Each build starts by forgetting what the core cached from the policy files, so a rebuild under
`mkdocs serve` sees an edited schema, text, rule list or template. Revisions of the model left out
of the version history are logged as warnings, which `mkdocs build --strict` turns into a failure.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from generator.diff import describe_changes
from generator.history import build_date, read_history, skipped_messages
from generator.paths import DEFAULT_MODEL, POLICY_DIR
from generator.pipeline import read_model
from generator.problems import InputError
from generator.render import NavItem, NavSection, Page, RenderedSite, load_texts, render_site

log = get_plugin_logger("privacy-statement")


def forget_policy_caches() -> None:
    """Clear every functools cache in the loaded `generator` modules.

    The core caches what it reads from policy/ (the schema and its validator, the texts, the rules,
    the EEA countries, the change wording) for the life of the process. One build is one process
    for the CLI, but `mkdocs serve` runs every rebuild in the same process, so the plugin clears
    them before each build. Found by looking rather than by name, so a cache added later, or one
    kept in a private function, is cleared as well."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "generator" or name.startswith("generator.")):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


class PrivacyStatementConfig(Config):
    model = config_options.Type(str, default=str(DEFAULT_MODEL))
    policy = config_options.Type(str, default="")


def _nav_entry(item: NavItem) -> dict[str, Any]:
    # MkDocs' theme templates print nav titles without escaping, and titles come from the model.
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


class PrivacyStatementPlugin(BasePlugin[PrivacyStatementConfig]):
    def __init__(self) -> None:
        self.site: RenderedSite | None = None
        self.watched: list[Path] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        forget_policy_caches()
        root = Path(config.config_file_path or ".").resolve().parent
        model_path = root / self.config.model
        policy_dir = (root / self.config.policy) if self.config.policy else POLICY_DIR
        try:
            loaded = read_model(model_path, self.config.model)
        except InputError as error:
            listing = "\n".join(problem.format() for problem in error.problems)
            raise PluginError(f"the privacy model is not valid, nothing was built:\n{listing}") from None
        history = read_history(loaded.model, model_path, build_date(), self.config.model)
        for message in skipped_messages(history, self.config.model):
            log.warning(message)
        self.site = render_site(loaded.model, history=history, describe_changes=describe_changes,
                                policy_dir=policy_dir)
        self.watched = [model_path.parent, policy_dir]
        if config.nav is None:
            docs = Path(config.docs_dir)
            hand_written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
            home = load_texts(policy_dir, "en")["navigation"]["home"]
            config.nav = navigation(self.site, hand_written, home)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None, "on_config runs before on_files"
        for page in self.site.pages:
            existing = files.get_file_from_path(page.path)
            if existing is not None:
                raise PluginError(f"docs/{page.path} is written by hand, but the privacy statement "
                                  "generates that page; remove or rename the hand-written file")
            files.append(File.generated(config, page.path, content=page.markdown))
        for path, content in self.site.files:
            files.append(File.generated(config, path, content=content))
        return files

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in self.watched:
            server.watch(str(folder))
        return server


__all__ = ["Page", "PrivacyStatementPlugin", "forget_policy_caches", "navigation"]
