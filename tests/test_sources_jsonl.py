"""JSON Lines exports read by ``floorcross.sources``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from floorcross.sources import SourceArticle, SourceProblem, SourceWarning, iter_sources

FENN = {
    "id": "bugle-0042",
    "url": "https://www.bugle.example/news/fenn-leaves-tories",
    "title": "Fenn leaves the Tories",
    "published": "2024-05-14T08:00:00+01:00",
    "text": "Councillor Al Fenn has left the Conservative group on Mossbank Town Council.",
}
LARK = {
    "url": "https://gazette.example/politics/lark-joins-reform",
    "outlet": "Mossbank Gazette",
    "published": "2024-05-20",
    "text": "Councillor Bea Lark has joined Reform UK, the party confirmed.",
}
MOSS = {"text": "Councillor Cy Moss has been suspended by the Labour group."}


def lines(*rows: object) -> bytes:
    return b"".join(
        (row if isinstance(row, bytes) else json.dumps(row).encode()) + b"\n" for row in rows
    )


def test_jsonl_lines_become_articles_and_bad_lines_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(
        lines(FENN, b"{not json", b"   ", ["a", "list"], {"title": "no text"}, LARK, MOSS)
    )
    origin = str(path)
    assert list(iter_sources([origin])) == [
        SourceArticle(
            doc="bugle-0042",
            text=FENN["text"],
            published="2024-05-14",
            title="Fenn leaves the Tories",
            url=FENN["url"],
            outlet="bugle.example",
            origin=f"{origin}#line-1",
        ),
        SourceProblem(
            origin=f"{origin}#line-2",
            reason="invalid JSON: Expecting property name enclosed in double quotes at column 2",
        ),
        SourceProblem(origin=f"{origin}#line-4", reason="expected a JSON object, got list"),
        SourceProblem(origin=f"{origin}#line-5", reason="missing or empty 'text'"),
        SourceArticle(
            doc="gazette.example_politics_lark-joins-reform",
            text=LARK["text"],
            published="2024-05-20",
            url=LARK["url"],
            outlet="Mossbank Gazette",
            origin=f"{origin}#line-6",
        ),
        SourceArticle(doc="export-line-7", text=MOSS["text"], origin=f"{origin}#line-7"),
    ]


def test_unreadable_date_is_a_warning_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_bytes(lines({**MOSS, "published": "sometime in May"}))
    warning, article = iter_sources([str(path)])
    assert warning == SourceWarning(
        origin=f"{path}#line-1", reason="unrecognised published date 'sometime in May'"
    )
    assert isinstance(article, SourceArticle)
    assert article.published is None


def test_non_utf8_and_overlong_lines_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(lines(b'{"text": "caf\xe9"}', {"text": "x" * 300}, MOSS))
    items = list(iter_sources([str(path)], max_bytes=200))
    assert items == [
        SourceProblem(origin=f"{path}#line-1", reason="not valid UTF-8 (byte 0xe9 at offset 13)"),
        SourceProblem(origin=f"{path}#line-2", reason="line larger than 200 bytes"),
        SourceArticle(doc="mixed-line-3", text=MOSS["text"], origin=f"{path}#line-3"),
    ]


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress(lines(MOSS, LARK)))
    docs = [i.doc for i in iter_sources([str(path)]) if isinstance(i, SourceArticle)]
    assert docs == ["export-line-1", "gazette.example_politics_lark-joins-reform"]


def test_truncated_gzip_keeps_the_lines_read_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(
        lines(*[{"text": f"Story number {n} about the council."} for n in range(400)])
    )
    path.write_bytes(whole[: len(whole) // 2])
    items = list(iter_sources([str(path)]))
    *articles, problem = items
    assert articles and all(isinstance(a, SourceArticle) for a in articles)
    assert problem == SourceProblem(
        origin=str(path),
        reason=f"corrupt or truncated gzip after line {len(articles)}: "
        "Compressed file ended before the end-of-stream marker was reached",
    )


def test_not_gzip_and_empty_files(tmp_path: Path) -> None:
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(b'{"text": "plain, not gzip"}\n')
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert list(iter_sources([str(fake), str(empty)])) == [
        SourceProblem(
            origin=str(fake),
            reason="corrupt or truncated gzip after line 0: Not a gzipped file (b'{\"')",
        ),
        SourceProblem(origin=str(empty), reason="empty file"),
    ]


def test_a_text_filter_passes_over_records_before_they_become_articles(tmp_path: Path) -> None:
    from floorcross.sources import SourcePassedOver

    path = tmp_path / "export.jsonl"
    path.write_bytes(lines(FENN, b"{not json", LARK, MOSS))
    origin = str(path)
    items = list(iter_sources([origin], text_filter=lambda text: "Reform" not in text))
    assert [type(i).__name__ for i in items] == ["SourceArticle", "SourceProblem",
                                                 "SourcePassedOver", "SourceArticle"]
    # A bad line is still reported as such, and the record passed over says where it was.
    assert items[2] == SourcePassedOver(origin=f"{origin}#line-3", url=LARK["url"])
    assert [(i.origin, i.screened) for i in items if isinstance(i, SourceArticle)] == [
        (f"{origin}#line-1", True), (f"{origin}#line-4", True)]
    assert not any(i.screened for i in iter_sources([origin]) if isinstance(i, SourceArticle))
