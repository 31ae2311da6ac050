"""The byte-level prefilter: its vocabulary covers every word the rules need, it never rejects
a page whose text passes the text prefilter, and it reads past scripts, styles and comments."""

from __future__ import annotations

import importlib.util
import sys
from html import escape
from pathlib import Path

import pytest

from floorcross import bytescan
from floorcross.bytescan import (
    KINDS,
    ByteScan,
    Word,
    derived_vocabulary,
    is_candidate_bytes,
    render_vocabulary,
    text_spans,
    vocabulary,
)
from floorcross.prefilter import prefilter, trigger_factors

ROOT = Path(__file__).resolve().parent.parent
ANNOTATED = (ROOT / "tests" / "fixtures" / "articles", ROOT / "examples" / "articles")

DEFECTION = ("Councillor Amira Dunn has quit the Labour Party to sit as an independent on "
             "Harnby Borough Council.")


def page(body: str, head: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>Harnby Herald</title>{head}</head><body>"
            f"<nav><a href='/'>Home</a><a href='/sport'>Sport</a></nav>{body}"
            "<footer>Harnby Herald</footer></body></html>").encode()


def covers(entry: Word, needed: Word) -> bool:
    """``entry`` finds every place ``needed`` does: the same word, edges no stricter, and a
    case of its own only where the rule has one too."""
    same = entry.text == needed.text if entry.cased else entry.text == needed.text.lower()
    return same and (needed.start or not entry.start) and (needed.end or not entry.end)


def test_the_vocabulary_covers_every_word_the_rules_need() -> None:
    data = vocabulary()
    for kind, needed in derived_vocabulary().items():
        for word in needed:
            assert any(covers(e, word) for e in data[kind]), f"{kind}: {word.entry()}"


def test_every_trigger_stem_is_a_trigger_word() -> None:
    entries = {w.text.lower() for w in vocabulary()["triggers"]}
    for factor in trigger_factors():
        assert factor.text.lower() in entries, factor.text
    for stem in ("defect", "quit", "suspend", "expel", "readmit", "reinstate", "resign"):
        assert stem in entries, stem


def test_the_data_file_is_what_the_rules_give() -> None:
    # Regenerate with `python -m floorcross.bytescan --write` when a rule changes.
    written = (ROOT / "src" / "floorcross" / "data" / "bytescan.yaml").read_text("utf-8")
    assert written == render_vocabulary(derived_vocabulary())


def test_entries_read_back() -> None:
    assert Word.parse("^defect") == Word("defect", True, False)
    assert Word.parse("^MP$").cased and not Word.parse("^mp$").cased
    with pytest.raises(ValueError):
        Word.parse("^$")
    with pytest.raises(ValueError):
        Word.parse("^dépêche$")


def _annotated() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for folder in ANNOTATED
            for p in sorted(folder.glob("*.txt"))]


def test_no_page_whose_text_passes_is_rejected() -> None:
    scan = prefilter()
    checked = 0
    for name, text in _annotated():
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        html = page(f"<article>{paragraphs}</article>",
                    head="<script>var left=1;</script><style>.a{float:left}</style>")
        if scan.passes(text):
            checked += 1
            assert is_candidate_bytes(html), name
            assert is_candidate_bytes(text.encode()), name
    assert checked > 60


def test_unrelated_pages_are_rejected() -> None:
    assert is_candidate_bytes(page(f"<p>{DEFECTION}</p>"))
    assert not is_candidate_bytes(page("<p>Rovers left the pitch to a standing ovation after "
                                       "joining the group stage.</p>"))
    # No trigger word: a mayor in the news for something else.
    assert not is_candidate_bytes(page("<p>Mayor Amira Dunn of the Labour group praised "
                                       "the new library.</p>"))


def test_scripts_styles_and_comments_are_not_read() -> None:
    body = "<p>Rovers fans said the Labour group had quit the league.</p>"  # no office
    assert not is_candidate_bytes(page(body, head="<script>var councillor = 1;</script>"))
    assert not is_candidate_bytes(page(body, head="<style>.councillor{color:red}</style>"))
    assert not is_candidate_bytes(page(body + "<!-- councillor -->"))
    assert not is_candidate_bytes(page(body, head="<SCRIPT type='text/javascript'>"
                                       "councillor()</SCRIPT >"))
    # Where an extractor does read text, the words count.
    assert is_candidate_bytes(page(body, head='<script type="application/ld+json">'
                                   '{"headline": "Councillor quits"}</script>'))
    assert is_candidate_bytes(page(body, head='<meta property="og:title" content="Councillor">'))
    assert is_candidate_bytes(page(body + "<noscript>Councillor</noscript>"))


def test_when_in_doubt_the_bytes_are_read() -> None:
    body = "<p>Rovers fans said the Labour group had quit the league.</p>"
    office = "<p>Councillor Dunn said so.</p>"
    # A '<script' inside an attribute value opens no script.
    assert is_candidate_bytes(page(f'<div data-embed="<script src=x.js>">{body}{office}</div>'))
    # ... nor inside a title, whose contents are text.
    assert is_candidate_bytes(page(body + office, head="<title>On <script> tags</title>"
                                   "<script>x()</script>"))
    # A script or comment never closed: the rest is read.
    assert is_candidate_bytes(page(body + "<script>x()" + office))
    assert is_candidate_bytes(page(body + "<!-- " + office))


def test_text_spans() -> None:
    data = b"a<script>b</script>c<style x>d</style>e<!--f-->g"
    kept = b"".join(data[s:e] for s, e in text_spans(data))
    assert kept == b"a</script>c</style>eg"


def test_word_edges_and_case() -> None:
    body = "<p>The Labour group quit. {}</p>"
    assert is_candidate_bytes(page(body.format("Ask your MP.")))
    assert not is_candidate_bytes(page(body.format("Ask your mp.")))
    assert not is_candidate_bytes(page(body.format("An AMPLE supply of councils.")))
    assert is_candidate_bytes(page(body.format("Cllr. Dunn said so.")))
    assert is_candidate_bytes(page(body.format("Five councillors said so.")))
    assert not is_candidate_bytes(page(body.format("Five xcouncillors said so.")))
    # Bytes outside ASCII are not word characters, as \w would not join them to a word here.
    assert is_candidate_bytes(page(body.format("The café’s councillor.")))


def test_pages_a_byte_scan_cannot_read_pass() -> None:
    assert is_candidate_bytes("<p>hello</p>".encode("utf-16"))


def _engine(monkeypatch: pytest.MonkeyPatch, *missing: str) -> ByteScan:
    with monkeypatch.context() as patch:
        for module in missing:
            patch.setitem(sys.modules, module, None)
        return ByteScan(vocabulary())


def test_the_engines_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    engines = [_engine(monkeypatch), _engine(monkeypatch, "hyperscan"),
               _engine(monkeypatch, "hyperscan", "ahocorasick")]
    assert [e.engine for e in engines[1:]] == ["aho-corasick", "regex"]
    if importlib.util.find_spec("hyperscan") is not None:
        assert engines[0].engine == "hyperscan"
    pages = [page(f"<p>{escape(text)}</p>") for _, text in _annotated()]
    pages += [page("<p>Ask your MP.</p><p>The Labour group quit.</p>"),
              page("<p>Ask your mp.</p><p>The Labour group quit.</p>"),
              page("<p>Peterborough First said Cllr. Dunn had re-joined.</p>"),
              page("<p>peterborough first said Cllr. Dunn had re-joined.</p>"),
              page("<p>Cllr Ann Lee has quit <!-- x -->Lab<!-- y -->our.</p>"),
              page("<p>Councillors<b>resigned</b>from Labour_party and the Greens.</p>"),
              page("<p>A councillorship resigned from the Labourites.</p>")]
    # The two automata find the same kinds; the regex engine stops at the first kind missing.
    assert [engines[1].kinds(p) for p in pages] == [engines[0].kinds(p) for p in pages]
    for engine in engines[1:]:
        assert [engine.passes(p) for p in pages] == [engines[0].passes(p) for p in pages], \
            engine.engine
    assert {engines[0].kinds(p) for p in pages} != {7}


def test_every_kind_has_words() -> None:
    assert all(vocabulary()[kind] for kind in KINDS)
    assert bytescan.main(["--help"]) == 2


HYPERSCAN = importlib.util.find_spec("hyperscan") is not None


@pytest.mark.skipif(not HYPERSCAN, reason="Hyperscan is not installed here")
def test_the_compiled_database_is_kept_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOORCROSS_CACHE", str(tmp_path))
    fresh = ByteScan(vocabulary())
    assert fresh.engine == "hyperscan"
    [kept] = tmp_path.glob("bytescan-*.hsdb")
    loaded = ByteScan(vocabulary())  # read back from the file, not compiled
    page = f"<html><body><p>{escape(DEFECTION)}</p></body></html>".encode()
    assert loaded.passes(page) and fresh.passes(page)
    assert not loaded.passes(b"<p>The library opens later on Thursdays.</p>")
    # A file changed behind our back is not handed to Hyperscan: compiled again and rewritten.
    data = bytearray(kept.read_bytes())
    data[-10] ^= 0xFF
    kept.write_bytes(bytes(data))
    assert ByteScan(vocabulary()).passes(page)
    assert kept.read_bytes() != bytes(data)
    kept.write_bytes(b"floorcross-hsdb-1\n")  # cut short
    assert ByteScan(vocabulary()).passes(page)


@pytest.mark.skipif(not HYPERSCAN, reason="Hyperscan is not installed here")
def test_no_cache_folder_means_compiling_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOORCROSS_CACHE", "")
    monkeypatch.chdir(tmp_path)
    assert ByteScan(vocabulary()).engine == "hyperscan"
    assert not list(tmp_path.rglob("*.hsdb"))
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FLOORCROSS_CACHE", str(blocked / "cache"))  # cannot be made: still runs
    page = f"<p>{escape(DEFECTION)}</p>".encode()
    assert ByteScan(vocabulary()).passes(page)
