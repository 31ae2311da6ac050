"""Rules as data: load the YAML/CSV files under ``floorcross/data`` once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


def data_text(name: str) -> str:
    """The text of a data file shipped in the package (``floorcross/data/<name>``)."""
    return resources.files("floorcross").joinpath("data", name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str) -> Any:
    """A YAML data file, parsed once per process."""
    return yaml.safe_load(data_text(name))


def parties_data() -> dict[str, Any]:
    return load_yaml("parties.yaml")


def titles_data() -> dict[str, Any]:
    return load_yaml("titles.yaml")


def triggers_data() -> dict[str, Any]:
    return load_yaml("triggers.yaml")


def lexicon() -> dict[str, Any]:
    return load_yaml("lexicon.yaml")
