"""Downloads kept on disk by a digest of everything they are made from, so a build makes again only
what changed: a version's exports (its model does not change once published, and the newest one
mostly stays the same from build to build) and each PDF's layout (about a second of WeasyPrint).

An output is made from its inputs (the model's data, the section's pages where the format reads them,
the language, the site or service) and from what turns them into bytes: the policy folder (texts,
mappings, templates, the print stylesheet and fonts), the project's code (every module of this
package, read when this module is imported, so a process keeps the digest of the code it runs) and
the installed packages and Python (their names and versions). A key is the SHA-256 of all of these;
the same key always stands for the same bytes, since every output is deterministic.

The folder is the user's own, in the system's temporary directory (as Jinja keeps its compiled
templates), or the folder PRIVACY_STATEMENT_CACHE names (CI keeps it between runs); a folder that is
not a real folder of this user's that only they can write to is not used, and the outputs are then
made every time. A file is written whole or not at all, so two builds at once never read half of one.

Nothing else would ever remove a file: each change of the model, the policy or the code gives new
keys, and CI hands the folder from build to build. A file is touched each time it is used, and when
a process that used the folder ends, the files of the folder's own naming that no process has used
for a week (UNUSED_FOR) are removed; a file of any other name is never touched.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.resources
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path

CACHE_ENV = "PRIVACY_STATEMENT_CACHE"
FOLDER_NAME = "privacy-statement-downloads-{uid}"
# A file changed this recently may change again within the file system's timestamp resolution
# without its size or time changing: a folder holding one is hashed again at each use.
_SETTLED_NS = 2_000_000_000

# A kept file not used for this long (seconds) is removed when a process that used its folder ends.
UNUSED_FOR = 7 * 24 * 3600
# The names of this module's files: kept outputs, and the partial files they are written as.
_OWN_NAME = re.compile(r"\A(?:[0-9a-f]{64}\.[a-z]+|\.[0-9a-f]{64}\.[a-z]+\.[0-9]+)\Z")
# The folders this process used, each pruned once as it ends.
_used_folders: set[Path] = set()

# A folder's digest by the size, times and inode of each of its files (see folder_digest).
_digests: dict[tuple[Path, tuple[tuple[str, int, int, int, int], ...]], str] = {}


def cache_folder() -> Path | None:
    """The folder the outputs are kept in, made if missing; None where it cannot be had safely."""
    named = os.environ.get(CACHE_ENV)
    folder = Path(named) if named else Path(tempfile.gettempdir()) / FOLDER_NAME.format(uid=os.getuid())
    try:
        folder.mkdir(mode=0o700, parents=bool(named), exist_ok=True)
        status = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None
    return folder


def kept(key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    """The output kept under `key`, or `make()`, then kept (a cache that cannot be read or written is
    left out)."""
    folder = cache_folder()
    if folder is None:
        return make()
    if not _used_folders:
        atexit.register(_prune_used_folders)
    _used_folders.add(folder)
    path = folder / f"{key}.{suffix}"
    with contextlib.suppress(OSError):
        content = path.read_bytes()
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: not pruned for another UNUSED_FOR
        return content
    made = make()
    _keep(made, path)
    return made


def _keep(content: bytes, path: Path) -> None:
    """Writes the file whole or not at all (even with two builds at once)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


def prune(folder: Path, now: float | None = None) -> list[str]:
    """Removes the files of this module's naming in `folder` not used for UNUSED_FOR; their names."""
    cutoff = (time.time() if now is None else now) - UNUSED_FOR
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if (_OWN_NAME.match(entry.name) and entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return sorted(removed)


def _prune_used_folders() -> None:
    for folder in sorted(_used_folders):
        prune(folder)


def folder_digest(folder: Path) -> str:
    """The SHA-256 of every file in `folder` (names and bytes). Hashed once while the files stay as
    they are: remembered by each file's size, modification and change times and inode, and only
    once every file is older than the file system could tell apart (a long-lived process such as
    `mkdocs serve` sees an edited file at once)."""
    started = time.time_ns()
    files = sorted((path.relative_to(folder).as_posix(), path) for path in folder.rglob("*") if path.is_file())
    signature = []
    for name, path in files:
        status = path.stat()
        signature.append((name, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino))
    remembered = (folder, tuple(signature))
    if remembered in _digests:
        return _digests[remembered]
    digest = _files_digest((name, path.read_bytes()) for name, path in files)
    if all(max(mtime, ctime) < started - _SETTLED_NS for _, _, mtime, ctime, _ in signature):
        _digests[remembered] = digest
    return digest


def _files_digest(files: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in files:
        encoded = name.encode()
        digest.update(len(encoded).to_bytes(8, "big") + encoded + len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def _package_files(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, bytes]]:
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _package_files(entry, f"{prefix}{entry.name}/")
        elif entry.is_file() and entry.name.endswith(".py"):
            yield f"{prefix}{entry.name}", entry.read_bytes()


def package_digest(package: str) -> str:
    """The SHA-256 of the Python files of `package` (its subpackages too)."""
    return _files_digest(_package_files(importlib.resources.files(package)))


def _installed() -> list[str]:
    """Python's version and every installed distribution's name and version (its metadata folder's
    name, on the module search path)."""
    found = {f"python {sys.version}"}
    for entry in sys.path:
        with contextlib.suppress(OSError):
            found.update(name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
    return sorted(found)


# The code this process runs, and the packages it runs on, as they were when it started.
CODE = package_digest(__name__.split(".", 1)[0])
INSTALLED = hashlib.sha256("\n".join(_installed()).encode()).hexdigest()


def digest(data: object) -> str:
    """The SHA-256 of JSON data (keys sorted; a value JSON has no type for, by its type and repr)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False,
                      default=lambda value: f"{type(value).__name__} {value!r}")
    return hashlib.sha256(text.encode()).hexdigest()


def key(made_from: Mapping[str, object]) -> str:
    """The key of an output made from `made_from` (JSON data), this code and these packages."""
    return digest({"code": CODE, "installed": INSTALLED, **made_from})


__all__ = [
    "CACHE_ENV",
    "CODE",
    "FOLDER_NAME",
    "INSTALLED",
    "UNUSED_FOR",
    "cache_folder",
    "digest",
    "folder_digest",
    "kept",
    "key",
    "package_digest",
    "prune",
]
