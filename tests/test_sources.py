"""Text files, stdin, folder walking and the shared helpers of ``floorcross.sources``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from floorcross.sources import (
    SourceArticle,
    SourceProblem,
    SourceWarning,
    content_hash,
    iter_sources,
)
from floorcross.sources.common import fmt_size, iso_date, url_slug

STORY = (
    " date 2024-03-05\n"
    "Councillor Maud Pennyfeather has left the Labour group on Brindlecombe Borough Council.\n"
    "\n"
    "She will sit as an independent for Oakfield ward, she told the Bugle.\n"
)
EXPECTED_TYPES = "expected .txt, .html, .rss/.atom/.xml, .warc[.gz], .jsonl[.gz], .urls"


def run(*inputs: str | Path, **options: object) -> list[object]:
    return list(iter_sources([str(i) for i in inputs], **options))  # type: ignore[arg-type]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_txt_file_is_read_unchanged_and_date_line_gives_published(tmp_path: Path) -> None:
    path = write(tmp_path / "oakfield.txt", STORY)
    assert run(path) == [
        SourceArticle(
            doc="oakfield",
            text=STORY,
            published="2024-03-05",
            origin=str(path),
            content_hash=content_hash(STORY),
        )
    ]


def test_txt_without_date_line_has_no_published_date(tmp_path: Path) -> None:
    path = write(tmp_path / "brief.text", "Councillor Ada Quill has joined the Greens.\n")
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert (article.doc, article.published, article.title) == ("brief", None, None)


def test_date_may_share_the_first_line_with_the_headline(tmp_path: Path) -> None:
    text = " date 2024-02-14 Oakfield councillor walks out\nCouncillor Al Fenn has left Labour."
    path = write(tmp_path / "same-line.txt", text)
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert (article.text, article.published) == (text, "2024-02-14")
    assert article.content_hash == content_hash(
        "Oakfield councillor walks out Councillor Al Fenn has left Labour."
    )


def test_date_line_must_be_a_real_date(tmp_path: Path) -> None:
    path = write(tmp_path / "bad-date.txt", " date 2024-13-45\nCouncillor Al Fenn left.")
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert article.published is None


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.md", b"\xef\xbb\xbfCouncillor Ada Quill resigned.")
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert article.text == "Councillor Ada Quill resigned."


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", b"Line one.\r\nLine two.\r\n")
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert article.text == "Line one.\r\nLine two.\r\n"


def test_cp1252_file_is_decoded_with_a_warning(tmp_path: Path) -> None:
    data = "Councillor Zoë Hartwell said: “Enough is enough.”".encode("cp1252")
    path = write(tmp_path / "hartwell.txt", data)
    warning, article = run(path)
    assert warning == SourceWarning(
        origin=str(path),
        reason="not valid UTF-8 (byte 0xeb at offset 13); decoded as cp1252",
    )
    assert isinstance(article, SourceArticle)
    assert article.text == "Councillor Zoë Hartwell said: “Enough is enough.”"


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.txt", b"Councillor \x81Ada Quill resigned.")
    warning, article = run(path)
    assert warning == SourceWarning(
        origin=str(path),
        reason="not valid UTF-8 (byte 0x81 at offset 11); decoded as latin-1",
    )
    assert isinstance(article, SourceArticle)
    assert article.text == "Councillor \x81Ada Quill resigned."


def test_utf16_file_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "wide.txt", "Councillor Ada Quill resigned.".encode("utf-16"))
    [article] = run(path)
    assert isinstance(article, SourceArticle)
    assert article.text == "Councillor Ada Quill resigned."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n", "empty file (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (not text)"),
        (bytes(range(1, 32)) * 4 + b"some words", "binary file (not text)"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-chars"],
)
def test_unusable_text_files_are_problems(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.txt", data)
    assert run(path) == [SourceProblem(origin=str(path), reason=reason)]


def test_file_over_max_bytes_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "x" * 250)
    assert run(path, max_bytes=100) == [
        SourceProblem(origin=str(path), reason="larger than 100 bytes (250 bytes)")
    ]


def test_a_single_path_string_is_one_input(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", "Councillor Ada Quill resigned.")
    assert [i.doc for i in iter_sources(str(path))] == ["one"]  # type: ignore[union-attr]


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    [problem] = run(missing)
    assert problem == SourceProblem(origin=str(missing), reason="no such file or directory")
    assert isinstance(problem, SourceProblem)
    assert problem.message() == f"{missing}: no such file or directory"


def test_unknown_extension_is_a_problem(tmp_path: Path) -> None:
    docx = write(tmp_path / "minutes.docx", b"PK\x03\x04")
    bare = write(tmp_path / "README", "notes")
    assert run(docx, bare) == [
        SourceProblem(origin=str(docx), reason=f"unknown file type '.docx' ({EXPECTED_TYPES})"),
        SourceProblem(
            origin=str(bare), reason=f"unknown file type (no extension) ({EXPECTED_TYPES})"
        ),
    ]


def _corpus_folder(root: Path) -> None:
    write(root / "b.txt", "Councillor Bea Lark joined Reform UK.")
    write(root / "a.txt", "Councillor Al Fenn left the Conservatives.")
    write(root / "a.gold.json", "{}")
    write(root / "notes.json", "{}")
    write(root / ".hidden.txt", "never read")
    write(root / ".cache" / "c.txt", "never read")
    write(root / "SOURCES.tsv", "a\tb")
    write(root / "sub" / "c.txt", "Councillor Cy Moss was suspended by Labour.")


def test_folder_is_walked_in_sorted_order_skipping_hidden_and_sidecars(tmp_path: Path) -> None:
    _corpus_folder(tmp_path)
    items = run(tmp_path)
    assert [(type(i).__name__, getattr(i, "doc", None)) for i in items] == [
        ("SourceWarning", None),  # "SOURCES.tsv" sorts before "a.txt"
        ("SourceArticle", "a"),
        ("SourceArticle", "b"),
        ("SourceArticle", "c"),
    ]
    assert items[0] == SourceWarning(
        origin=str(tmp_path / "SOURCES.tsv"),
        reason=f"skipped: unknown file type '.tsv' ({EXPECTED_TYPES})",
    )
    assert items[3].origin == str(tmp_path / "sub" / "c.txt")  # type: ignore[union-attr]


def test_folder_walk_can_stay_at_the_top_level(tmp_path: Path) -> None:
    _corpus_folder(tmp_path)
    docs = [i.doc for i in run(tmp_path, recursive=False) if isinstance(i, SourceArticle)]
    assert docs == ["a", "b"]


def test_folder_without_articles_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "x.gold.json", "{}")
    assert run(tmp_path) == [
        SourceWarning(origin=str(tmp_path), reason="no article files in folder")
    ]


def test_one_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Councillor Al Fenn left the Conservatives.")
    items = run(tmp_path / "missing.txt", write(tmp_path / "empty.txt", ""), good)
    assert [type(i).__name__ for i in items] == ["SourceProblem", "SourceProblem", "SourceArticle"]


def test_a_crashing_reader_becomes_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, **_: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr("floorcross.sources.core.read_html_file", broken)
    page = write(tmp_path / "page.html", "<html></html>")
    good = write(tmp_path / "good.txt", "Councillor Al Fenn left the Conservatives.")
    problem, article = run(page, good)
    assert problem == SourceProblem(origin=str(page), reason="unexpected error: RuntimeError: boom")
    assert isinstance(article, SourceArticle)


def test_stdin_is_read_as_a_text_article(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = STORY.encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    assert run("-") == [
        SourceArticle(doc="stdin", text=STORY, published="2024-03-05", origin="stdin")
    ]


def test_empty_stdin_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n"), encoding="utf-8"))
    assert run("-") == [SourceProblem(origin="stdin", reason="empty input (only whitespace)")]


def test_stdin_without_a_byte_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Councillor Ada Quill resigned."))
    [article] = run("-")
    assert isinstance(article, SourceArticle)
    assert article.text == "Councillor Ada Quill resigned."


def test_content_hash_ignores_case_whitespace_and_date_line() -> None:
    body = "Councillor Ada Quill\nhas JOINED the Greens."
    assert content_hash(f" date 2024-01-02\n{body}") == content_hash(
        "councillor  ada quill has joined\tthe greens. "
    )
    assert content_hash(body) != content_hash("Councillor Ada Quill has left the Greens.")
    article = SourceArticle(doc="d", text=body, origin="o")
    assert article.content_hash == content_hash(body)


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        (
            "https://www.bugle.example/news/local/oakfield-quits-labour.html",
            "bugle.example_news_local_oakfield-quits-labour",
        ),
        ("http://Bugle.Example/", "bugle.example"),
        ("https://bugle.example/story?id=42", "bugle.example_story-ce3fd676"),
        (
            "https://bugle.example/" + "very-long-headline-" * 6,
            "bugle.example_very-long-headline-very-long-headline-very-long-headline-17cdaae2",
        ),
    ],
)
def test_url_slug(url: str, slug: str) -> None:
    assert url_slug(url) == slug
    assert len(slug) <= 80


@pytest.mark.parametrize(
    ("size", "text"),
    [(100, "100 bytes"), (1_500, "1.5 KB"), (5_000_000, "5 MB"), (7_200_000, "7.2 MB")],
)
def test_fmt_size(size: int, text: str) -> None:
    assert fmt_size(size) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("Tue, 05 Mar 2024 23:30:00 -0500", "2024-03-05"),
        ("2024-02-30", None),
        ("last Tuesday", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


# ------------------------------------------------------------------------------ hostile files


def test_fifos_are_skipped_given_directly_or_in_a_folder(tmp_path: Path) -> None:
    import os

    write(tmp_path / "in" / "a.txt", STORY)
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    os.mkfifo(tmp_path / "odd.jsonl")
    items = run(tmp_path / "in", tmp_path / "odd.jsonl")
    assert [type(i).__name__ for i in items] == ["SourceArticle", "SourceProblem",
                                                 "SourceProblem"]
    assert items[1] == SourceProblem(origin=str(tmp_path / "in" / "pipe.txt"),
                                     reason="not a regular file (FIFO): skipped")
    assert items[2].reason == "not a regular file (FIFO): skipped"


def test_readers_open_only_regular_files(tmp_path: Path) -> None:
    import os

    from floorcross.sources.common import NotRegularFile, open_regular, read_file_bytes

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile, match="FIFO"):  # at once: no writer is waited for
        open_regular(tmp_path / "pipe")
    problem = read_file_bytes(Path("/dev/zero"), 100)
    assert problem == SourceProblem(origin="/dev/zero",
                                    reason="not a regular file (character device): skipped")
    with open_regular(write(tmp_path / "a.txt", "x")) as fh:
        assert fh.read() == b"x"


def test_names_that_are_not_utf8_are_escaped_in_every_record(tmp_path: Path) -> None:
    import os

    from floorcross.sources.common import safe_text

    name = os.fsdecode(b"caf\xe9.txt")  # what os.listdir gives for a Latin-1 name
    assert safe_text(name) == "caf\\xe9.txt" and safe_text("café") == "café"
    assert safe_text("a\ud800b") == "a?b"  # a lone surrogate from JSON cannot be stored
    write(tmp_path / name, STORY)
    (tmp_path / os.fsdecode(b"\xff.bin")).write_bytes(b"x")
    items = run(tmp_path)
    article = next(i for i in items if isinstance(i, SourceArticle))
    assert article.doc == "caf\\xe9" and article.origin == str(tmp_path / "caf\\xe9.txt")
    warning = next(i for i in items if isinstance(i, SourceWarning))
    assert warning.origin == str(tmp_path / "\\xff.bin")
    for item in items:
        item.model_dump_json().encode("utf-8")  # printable and storable
