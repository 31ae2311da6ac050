"""Keep the documentation honest: help texts have examples, README commands exist and run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from floorcross.cli import _register, app

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "README.md"
MAKEFILE = REPO_ROOT / "Makefile"

_register()
runner = CliRunner()


def cli_group():  # -> Typer's click group (Typer vendors its own click)
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    return group


def code_blocks(markdown: str, languages: tuple[str, ...]) -> list[str]:
    """The fenced code blocks of the given languages."""
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    return [body for lang, body in blocks if lang in languages]


def shell_commands(prefix: str) -> list[str]:
    """README shell lines (``$`` prompts and pipes allowed) whose command starts with ``prefix``."""
    found = []
    for block in code_blocks(README.read_text(encoding="utf-8"), ("sh", "shell", "bash", "console")):
        for line in block.splitlines():
            for part in re.split(r"\s*(?:\||&&|;)\s*", line.strip().removeprefix("$ ")):
                if part.split()[:1] == [prefix]:
                    found.append(part)
    return found


def make_targets() -> set[str]:
    targets = set()
    for line in MAKEFILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)", line)
        if match:
            targets.update(match.group(1).split())
    return targets


def test_every_command_has_an_example() -> None:
    commands = cli_group().commands
    assert {"extract", "show", "eval"} <= set(commands)
    for name in commands:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"`floorcross {name} --help` has no Example: line"
        example = next(line for line in result.output.splitlines() if "Example:" in line)
        assert f"floorcross {name}" in example, example


def test_readme_floorcross_commands_exist_with_their_options() -> None:
    commands = shell_commands("floorcross")
    assert len(commands) >= 5
    group = cli_group()
    for command in commands:
        words = shlex.split(command)
        assert words[1] in group.commands, f"README shows unknown command: {command}"
        target, rest = group.commands[words[1]], words[2:]
        while hasattr(target, "commands") and rest and rest[0] in target.commands:
            target, rest = target.commands[rest[0]], rest[1:]  # "people list", "change correct"
        known = {opt for p in target.params for opt in (*p.opts, *p.secondary_opts)}
        for word in rest:
            if word.startswith("-") and word != "-":
                assert word.split("=")[0] in known, f"README shows unknown option {word}: {command}"


def test_readme_make_targets_exist() -> None:
    targets = make_targets()
    commands = shell_commands("make")
    assert "make demo" in commands and "make test" in commands
    for command in commands:
        for target in shlex.split(command)[1:]:
            if "=" not in target and not target.startswith("-"):
                assert target in targets, f"README shows `{command}`, Makefile has no {target}"


def test_quick_start_is_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    [block] = code_blocks(section, ("sh",))
    assert block.split("\n")[:2] == ["make demo", "make test"]
    assert block.strip().splitlines() == ["make demo", "make test"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder that sees the repository's examples and fixtures."""
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_floorcross_commands_run(workdir: Path) -> None:
    for block in code_blocks(README.read_text(encoding="utf-8"), ("sh",)):
        for line in block.splitlines():
            if "floorcross" not in line:
                continue
            stdin = None
            if "|" in line:  # cat FILE | floorcross ...
                source, line = (part.strip() for part in line.split("|", 1))
                stdin = (workdir / shlex.split(source)[1]).read_text(encoding="utf-8")
            words = shlex.split(line)
            result = runner.invoke(app, words[1:], input=stdin)
            assert result.exit_code == 0, f"{line}\n{result.output}"


def test_readme_python_examples_run(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The shell examples build ./floorcross.db first, as a reader following along would.
    assert runner.invoke(app, ["ingest", "examples/articles", "--no-fetch"]).exit_code == 0
    blocks = code_blocks(README.read_text(encoding="utf-8"), ("python",))
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "expulsion Brian Lowther Conservative -> None" in out
    assert "Graham Tindale Labour -> Independent" in out


def test_readme_record_is_grounded_in_its_example() -> None:
    [block] = code_blocks(README.read_text(encoding="utf-8"), ("json",))
    record = json.loads(block)
    assert set(record) == {"doc", "published", "relevant", "events", "composition"}
    text = (REPO_ROOT / "examples" / "articles" / f"{record['doc']}.txt").read_text(encoding="utf-8")
    for event in record["events"]:
        for span in event["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]
        for quote in event["quotes"]:
            assert text[quote["start"] : quote["end"]] == quote["text"]


def test_readme_keeps_the_data_credits() -> None:
    text = README.read_text(encoding="utf-8")
    for needle in ("Open Government Licence v3.0", "drkane/geo-lookups", "CC BY 4.0", "mySociety"):
        assert needle in text
