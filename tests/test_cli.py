"""The ``floorcross extract``, ``show`` and ``eval`` commands, end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import floorcross.extract
from floorcross.cli import _register, app

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "articles"
EXAMPLES = REPO_ROOT / "examples" / "articles"
SUSPENSION = EXAMPLES / "ex02_suspension.txt"
DEFECTION = FIXTURES / "f001_labour_to_independent_last_night.txt"
FORMAT_KEYS = {"doc", "published", "relevant", "events", "composition"}
# FORMAT.md's event fields, plus council_inferred (the council was read off the ward).
EVENT_KEYS = {"kind", "status", "person", "office", "council", "council_inferred", "ward", "from_party",
              "to_party", "date", "role", "quotes", "evidence"}
# A short story of our own, for stdin and the "good file" beside bad ones.
STORY = (
    " date 2024-06-12\n"
    "Councillor Wilfred Ambrose has left the Liberal Democrats on Hexley District Council.\n"
    "\n"
    "He told the Hexley Courier yesterday that he would sit as an independent.\n"
)

_register()
runner = CliRunner()


def invoke(*args: str | Path, input: str | bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------------------------
# extract


def test_extract_one_file_writes_one_format_record() -> None:
    result = invoke("extract", SUSPENSION)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    [record] = records(result.stdout)
    assert set(record) == FORMAT_KEYS
    assert record["doc"] == "ex02_suspension"
    assert record["published"] == "2024-04-18"
    assert record["relevant"] is True
    assert record["events"] and all(set(e) == EVENT_KEYS for e in record["events"])
    text = SUSPENSION.read_text(encoding="utf-8")
    for event in record["events"]:
        for span in event["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]


def test_extract_output_is_exactly_the_library_record() -> None:
    result = invoke("extract", DEFECTION)
    text = DEFECTION.read_text(encoding="utf-8")
    expected = floorcross.extract.extract_article(text, None, DEFECTION.stem).to_json_dict()
    assert records(result.stdout) == [expected]
    # ensure_ascii=False: non-ASCII text is written as is, one record per line
    assert "\\u" not in result.stdout
    assert result.stdout.count("\n") == 1


def test_extract_folder_reads_recursively_in_order_and_skips_gold_files(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "f001_labour_to_independent_last_night.txt", tmp_path / "b.txt")
    shutil.copy(FIXTURES / "f001_labour_to_independent_last_night.gold.json", tmp_path / "b.gold.json")
    write(tmp_path / "a.txt", STORY)
    write(tmp_path / "sub" / "c.txt", STORY.replace("Wilfred", "Winifred"))
    result = invoke("extract", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [r["doc"] for r in records(result.stdout)] == ["a", "b", "c"]


def test_extract_stdin() -> None:
    result = invoke("extract", "-", input=STORY)
    assert result.exit_code == 0, result.stderr
    [record] = records(result.stdout)
    assert record["doc"] == "stdin"
    assert record["published"] == "2024-06-12"
    assert record["relevant"] is True
    assert [e["person"] for e in record["events"]] == ["Wilfred Ambrose"]


def test_extract_to_file_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    out.write_text("old contents\n", encoding="utf-8")
    result = invoke("extract", SUSPENSION, DEFECTION, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert [r["doc"] for r in records(out.read_text(encoding="utf-8"))] == [
        "ex02_suspension", "f001_labour_to_independent_last_night"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_extract_crash_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import floorcross.cli.extract as cli_extract

    def crash(paths, out, **kwargs):
        out.write('{"half": ')
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli_extract, "run_extract", crash)
    out = tmp_path / "records.jsonl"
    out.write_text("old contents\n", encoding="utf-8")
    result = invoke("extract", SUSPENSION, "-o", out)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        ("floorcross: unexpected error: RuntimeError: disk on fire. This is a bug in floorcross: "
         "please report it")]
    assert out.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_extract_pretty_indents_and_show_reads_it_back(tmp_path: Path) -> None:
    out = tmp_path / "pretty.jsonl"
    result = invoke("extract", SUSPENSION, DEFECTION, "--pretty", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n  "doc": "ex02_suspension",\n')
    shown = invoke("show", out, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert {r["doc"] for r in rows} == {"ex02_suspension", "f001_labour_to_independent_last_night"}


def test_extract_table_format() -> None:
    result = invoke("extract", SUSPENSION, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "Changes of party found" in result.stdout
    assert "Marcus Adeleke" in result.stdout
    assert "1 articles, 1 with changes" in result.stdout


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file (only whitespace)"),
        ("binary.txt", b"\x00\x01\x02\x03 not text \x00", "binary file (not text)"),
        ("huge.txt", ("Councillor news. " * 200).encode(), "larger than 1.5 KB (3.4 KB)"),
        ("notes.pdf", b"%PDF-1.4", "unknown file type '.pdf'"),
    ],
)
def test_extract_skips_a_bad_file_with_one_line(tmp_path: Path, name: str, data: bytes,
                                                reason: str) -> None:
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", STORY)
    result = invoke("extract", bad, good, "--max-bytes", "1500")
    assert result.exit_code == 1
    [line] = stderr_lines(result)
    assert line.startswith(f"floorcross: {bad}: {reason}")
    assert [r["doc"] for r in records(result.stdout)] == ["good"]


def test_extract_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = invoke("extract", missing, SUSPENSION)
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"floorcross: {missing}: no such file or directory"]
    assert [r["doc"] for r in records(result.stdout)] == ["ex02_suspension"]


def test_extract_oversize_limit_from_environment(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOORCROSS_MAX_BYTES", "100")
    big = write(tmp_path / "big.txt", STORY)
    result = invoke("extract", big)
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"floorcross: {big}: larger than 100 bytes ({len(STORY)} bytes)"]
    assert result.stdout == ""


def test_extract_non_utf8_is_a_warning_and_still_processed(tmp_path: Path) -> None:
    latin = write(tmp_path / "latin.txt", STORY.replace("Courier", "Caf\u00e9 Courier").encode("cp1252"))
    result = invoke("extract", latin)
    assert result.exit_code == 0
    [line] = stderr_lines(result)
    assert line.startswith(f"floorcross: warning: {latin}: not valid UTF-8")
    assert line.endswith("decoded as cp1252")
    [record] = records(result.stdout)
    assert record["doc"] == "latin"
    assert record["relevant"] is True


def test_extract_all_bad_inputs_at_once(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", b"")
    binary = write(tmp_path / "binary.txt", b"\x00\xff\x00\xfe")
    latin = write(tmp_path / "latin.txt", "Caf\u00e9 owners back Councillor Ambrose.\n".encode("cp1252"))
    huge = write(tmp_path / "huge.txt", "x" * 5000)
    missing = tmp_path / "missing.txt"
    good = write(tmp_path / "good.txt", STORY)
    result = invoke("extract", empty, binary, latin, huge, missing, good, "--max-bytes", "4000")
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 5
    for path, reason in [(empty, "empty file"), (binary, "binary file"), (latin, "not valid UTF-8"),
                         (huge, "larger than 4 KB"), (missing, "no such file or directory")]:
        assert sum(str(path) in line and reason in line for line in lines) == 1, (path, lines)
    assert [r["doc"] for r in records(result.stdout)] == ["latin", "good"]


def test_extraction_error_skips_only_that_article(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real = floorcross.extract.extract_many

    def flaky(items, batch_size=64):
        items = list(items)
        if any(doc == "boom" for _, _, doc in items):
            if len(items) == 1:
                raise ValueError("unexpected token\nat offset 3")
            raise ValueError("batch failed")
        return real(items, batch_size=batch_size)

    monkeypatch.setattr(floorcross.extract, "extract_many", flaky)
    write(tmp_path / "a.txt", STORY)
    boom = write(tmp_path / "boom.txt", STORY)
    write(tmp_path / "c.txt", STORY)
    result = invoke("extract", tmp_path)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        (f"floorcross: {boom}: extraction failed (ValueError: unexpected token at offset 3); "
         "article skipped. This is a bug in floorcross: please report it with this input")]
    assert [r["doc"] for r in records(result.stdout)] == ["a", "c"]


def test_extract_batches_keep_input_order(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path / f"s{i}.txt", STORY.replace("Wilfred", f"Wilfred{'x' * i}"))
    result = invoke("extract", tmp_path, "--batch-size", "2")
    assert result.exit_code == 0, result.stderr
    assert [r["doc"] for r in records(result.stdout)] == [f"s{i}" for i in range(5)]


def test_extract_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("extract").exit_code == 2
    assert invoke("extract", SUSPENSION, "--max-bytes", "0").exit_code == 2
    result = invoke("extract", SUSPENSION, "-o", tmp_path / "no" / "such" / "out.jsonl")
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert "does not exist" in line


def test_extract_no_fetch_skips_urls() -> None:
    result = invoke("extract", "https://news.example.org/story", "--no-fetch")
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "floorcross: https://news.example.org/story: not fetched: fetching is disabled"]


def test_real_script_prints_no_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "floorcross"
    if not script.exists():
        pytest.skip("the floorcross script is not installed next to this Python")
    command = [str(script)]
    missing = tmp_path / "gone.txt"
    done = subprocess.run([*command, "extract", str(missing)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"floorcross: {missing}: no such file or directory\n"


# --------------------------------------------------------------------------------------------
# show


def test_show_formats(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert invoke("extract", SUSPENSION, "-o", out).exit_code == 0
    table = invoke("show", out)
    assert table.exit_code == 0
    assert "Marcus Adeleke" in table.stdout and "suspension" in table.stdout
    assert "Labour → –" in table.stdout
    csv_out = invoke("show", out, "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "doc,person,kind,from_party,to_party,council,date,status"
    assert csv_out.stdout.splitlines()[1].startswith("ex02_suspension,Marcus Adeleke,suspension,Labour,")


def test_show_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    good = {"doc": "d1", "relevant": True, "events": [{"person": "Ada Brill", "kind": "defection",
            "status": "new", "from_party": "Green", "to_party": None, "council": None, "date": None}]}
    path = write(tmp_path / "mixed.jsonl", "not json\n" + json.dumps(good) + "\n[1, 2]\n")
    result = invoke("show", path, tmp_path / "absent.jsonl", "--format", "json")
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"floorcross: {path}:1: not valid JSON (Expecting value); record skipped",
        f"floorcross: {path}:3: not a JSON object (expected one record per line); record skipped",
        f"floorcross: {tmp_path / 'absent.jsonl'}: no such file",
    ]
    assert [r["person"] for r in json.loads(result.stdout)] == ["Ada Brill"]


# --------------------------------------------------------------------------------------------
# eval


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gold")
    for stem in ("f001_labour_to_independent_last_night", "f005_whip_removed_this_morning",
                 "f053_trap_by_election_gain"):
        for suffix in (".txt", ".gold.json"):
            shutil.copy(FIXTURES / f"{stem}{suffix}", folder / f"{stem}{suffix}")
    write(folder / "unpaired.txt", STORY)  # no gold file: not scored
    return folder


def test_eval_prints_tables(gold_dir: Path) -> None:
    result = invoke("eval", gold_dir)
    assert result.exit_code == 0, result.stderr
    for heading in ("Detection", "relevance (articles)", "events: new only", "events: readmission",
                    "full event", "composition (seat counts)", "Field accuracy on",
                    "from_party", "grounded events", "articles"):
        assert heading in result.stdout
    # Plain output is wide enough that no table row wraps onto a second line.
    assert all(len(line) <= 160 for line in result.stdout.splitlines())
    assert any(line.startswith("│ events: new only ") for line in result.stdout.splitlines())


def test_eval_json(gold_dir: Path) -> None:
    result = invoke("eval", gold_dir, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["articles"] == 3
    assert {"relevance", "events", "events_new", "events_by_kind", "field_accuracy",
            "full_event", "composition", "grounded"} <= set(data)
    assert "errors" not in data
    with_errors = json.loads(invoke("eval", gold_dir, "--json", "--errors").stdout)
    assert isinstance(with_errors["errors"], list)


def test_eval_errors_lists_each_error_under_its_doc(tmp_path: Path) -> None:
    folder = tmp_path / "gold"
    text = write(folder / "story.txt", STORY)
    gold = {"doc": "story", "published": "2024-06-12", "relevant": True, "events": [
        {"kind": "defection", "status": "new", "person": "Wilfred Ambrose", "office": "mayor",
         "council": None, "ward": None, "from_party": "Liberal Democrats", "to_party": "Independent",
         "date": "2024-06-11", "role": None},
        {"kind": "expulsion", "status": "new", "person": "Nobody Atall", "office": "councillor",
         "council": None, "ward": None, "from_party": "Green", "to_party": None, "date": None,
         "role": None}], "composition": [{"council": None, "party": "Green", "seats": 3,
                                          "date": None}]}
    write(folder / "story.gold.json", json.dumps(gold))
    assert text.exists()
    result = invoke("eval", folder, "--errors")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("story")
    section = lines[start + 1 :]
    assert "  wrong office for Wilfred Ambrose (defection): got 'councillor', gold 'mayor'" in section
    assert any(line.startswith("  miss: Nobody Atall: expulsion (new), Green → null") for line in section)
    assert "  composition miss: Green 3 seats, council null, date null" in section


def test_eval_missing_folder_exits_2(tmp_path: Path) -> None:
    result = invoke("eval", tmp_path / "absent")
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"floorcross: {tmp_path / 'absent'}: no such folder"]
    assert result.stdout == ""


def test_eval_folder_without_pairs_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "lonely.txt", STORY)
    result = invoke("eval", tmp_path)
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith(f"floorcross: {tmp_path}: no NAME.txt + NAME.gold.json pairs")


def _script(prelude: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = f"{prelude}; from floorcross.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_script_ends_with_its_exit_status_output_and_exit_handlers() -> None:
    """main() leaves by os._exit once done: the status, every line written and the atexit
    handlers (logging's among them) must all survive that."""
    bye = "import atexit, sys; atexit.register(lambda: sys.stderr.write('handlers ran\\n'))"
    ok = _script(bye, "extract", str(DEFECTION))
    assert ok.returncode == 0 and "handlers ran" in ok.stderr
    assert json.loads(ok.stdout.splitlines()[-1])["relevant"] is True  # output flushed
    bad = _script(bye, "no-such-command")
    assert bad.returncode == 2 and "handlers ran" in bad.stderr
    missing = _script(bye, "extract", str(REPO_ROOT / "no-such-file.txt"))
    assert missing.returncode == 1 and "no-such-file.txt" in missing.stderr
