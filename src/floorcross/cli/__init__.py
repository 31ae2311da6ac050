"""The ``floorcross`` command line: a thin layer over the library.

Each command lives in its own module under ``floorcross.cli`` and registers itself on ``app``;
the modules listed in ``COMMAND_MODULES`` are imported when the CLI starts.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="floorcross",
    help="Source-grounded records of elected politicians changing party, from local news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One line per command module; each module defines its commands with @app.command().
COMMAND_MODULES: list[str] = [
    "floorcross.cli.extract",
    "floorcross.cli.store",
    "floorcross.cli.ledger",
    "floorcross.cli.web",
    "floorcross.cli.watch",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    """Entry point of the ``floorcross`` script."""
    _register()
    app()
