"""A loaded and indexed knowledge base kept between runs, so a process need not parse, check and
index knowledge that has not changed since the last one did (`coding-advisor ask` in 0.2 s, not 0.7).

One file per knowledge directory in the state directory, holding the key it was made for: the
knowledge's content hash (KnowledgeBase.version) and the code's (this package's core sources and
data files, and the Python version). Any other key is a stale file, rebuilt and replaced without a
word. A file that cannot be read or unpickled, or that someone else could have written (it is
unpickled, so it must be the user's own and writable by nobody else), is ignored with one log
line and replaced. It is written to a temporary file then renamed, so a reader never sees half of
one; a state directory that cannot be written only costs the time saved, with one log line.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_FORMAT = 1  # bump when what is stored changes shape without the sources saying so
_MAGIC = b"coding-advisor knowledge cache\n"
_CODE = Path(__file__).resolve().parent  # bot/core: what a cached advisor is made of
_CODE_FILES = ("*.py", "*.json", "*.tsv")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything that shapes a cached advisor besides the knowledge: the core's sources
    and data files, the Python version and the cache format."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{sys.version_info[:3]}".encode())
    for pattern in _CODE_FILES:
        for path in sorted(_CODE.rglob(pattern)):
            digest.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_file(cache_dir: Path, directory: Path) -> Path:
    """Where the cache of one knowledge directory lives."""
    name = hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"knowledge-{name}.cache"


def cached(path: Path, key: str, build: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """The object stored at `path` for `key`, else `build()`, stored there when `keep` says so."""
    found = _read(path, key)
    if found is not None:
        return found
    made = build()
    if keep(made):
        _write(path, key, made)
    return made


def _read(path: Path, key: str) -> Any | None:
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            header = file.readline() + file.readline()
            if header != _MAGIC + key.encode() + b"\n":
                return None  # another version of the knowledge or of the code: rebuilt quietly
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                log.warning("knowledge cache %s ignored: it must be yours and writable by you only", path)
                return None
            return pickle.load(file)
    except (FileNotFoundError, NotADirectoryError):  # none yet; a state directory that cannot be one
        return None
    except Exception as error:  # a torn or foreign file, or one from other library versions
        log.warning("knowledge cache %s unreadable (%s: %s): rebuilt", path, type(error).__name__, error)
        return None


def _write(path: Path, key: str, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:  # mkstemp makes it private (0600)
                file.write(_MAGIC + key.encode() + b"\n")
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception as error:  # a directory that cannot be written, or something that cannot be pickled
        log.warning("knowledge cache not written to %s: %s", path, error)
