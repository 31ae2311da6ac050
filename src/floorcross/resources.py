"""Rules as data: load the YAML/CSV files under ``floorcross/data`` once."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def data_text(name: str) -> str:
    """The text of a data file shipped in the package (``floorcross/data/<name>``)."""
    return resources.files("floorcross").joinpath("data", name).read_text(encoding="utf-8")


def cache_dir() -> Path | None:
    """Where floorcross keeps what it can build again (compiled scans): ``$FLOORCROSS_CACHE``
    (empty: keep nothing), else ``$XDG_CACHE_HOME/floorcross``, else ``~/.cache/floorcross``."""
    chosen = os.environ.get("FLOORCROSS_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "floorcross"


@cache
def load_yaml(name: str) -> Any:
    """A YAML data file, parsed once per process (by libyaml where PyYAML has it: the same
    result, ten times faster)."""
    return yaml.load(data_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parties_data() -> dict[str, Any]:
    return load_yaml("parties.yaml")


def titles_data() -> dict[str, Any]:
    return load_yaml("titles.yaml")


def triggers_data() -> dict[str, Any]:
    return load_yaml("triggers.yaml")


def lexicon() -> dict[str, Any]:
    return load_yaml("lexicon.yaml")
