"""The store: schema, idempotent writes, queries, and corrections that survive re-extraction.

Records come from a fake extractor here (see ``store_helpers``), so these tests pin the store's
behaviour whatever the real extractor says; ``test_ingest.py`` runs the real one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from store_helpers import FakeExtractor, article, event, record, table_rows

from floorcross.ingest import ingest, reextract
from floorcross.store import CorrectionError, NotFound, QueryError, Store, open_store
from floorcross.store.db import database_url

LUTON = "Luton Borough Council"
A1 = "Cllr Dana Whitlock has quit the Labour Party to sit as an independent."
A2 = "Independent councillor Dana Whitlock has joined the Conservatives."
B1 = "Councillor Bob Hart has been suspended by the Labour group on Luton Borough Council."
B2 = "Councillor Robert Hart has had the Labour whip restored on Luton Borough Council."
K1 = "Councillor John Smith has been suspended by the Labour group on Kent County Council."

RECORDS = {
    A1: record(event("Dana Whitlock", council=LUTON, ward="Poets", from_party="Labour",
                     to_party="Independent", date="2023-09-11", sentence=A1),
               published="2023-09-12"),
    A2: record(event("Dana Whitlock", council=LUTON, from_party="Independent",
                     to_party="Conservative", date="2023-10-19", sentence=A2),
               event("Dana Whitlock", council=LUTON, status="background", from_party="Labour",
                     to_party="Independent", sentence=A2),
               published="2023-10-20"),
    B1: record(event("Bob Hart", "suspension", council=LUTON, from_party="Labour",
                     date="2023-03-02", sentence=B1), published="2023-03-03"),
    B2: record(event("Robert Hart", "readmission", council=LUTON, to_party="Labour",
                     date="2023-08-01", sentence=B2), published="2023-08-02"),
    K1: record(event("John Smith", "suspension", council="Kent County Council",
                     from_party="Labour", date="2023-05", sentence=K1), published="2023-05-04"),
}


def load(store: Store, *texts: str, extractor: FakeExtractor | None = None) -> FakeExtractor:
    fake = extractor or FakeExtractor(RECORDS)
    articles = [article(t, f"news/{i}.txt", url=f"https://news.example/{i}")
                for i, t in enumerate(texts, 1)]
    items = [(a, fake([(a.text, a.published, a.doc)])[0]) for a in articles]
    store.write_batch(items, "test")
    return fake


def change_key(store: Store, person: str, kind: str = "defection") -> str:
    return next(c.key for c in store.changes(person=person) if c.kind == kind)


# ------------------------------------------------------------------------------ schema


def test_migrations_create_exactly_the_models(fresh_db: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from floorcross.store.models import Base

    with fresh_db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_views_are_created(fresh_db: Store) -> None:
    views = set(inspect(fresh_db.engine).get_view_names())
    assert {"changes_view", "sources_view", "people_view"} <= views


def test_sqlite_gets_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:
    store = open_store(str(tmp_path / "x.db"))
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    store.close()


def test_database_url_from_argument_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOORCROSS_DB", raising=False)
    assert database_url() == "sqlite:///./floorcross.db"
    monkeypatch.setenv("FLOORCROSS_DB", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("data/x.db") == "sqlite:///data/x.db"


def test_reopening_does_not_migrate_again(db_url: str) -> None:
    open_store(db_url).close()
    store = open_store(db_url)
    assert store.table_counts()["articles"] == 0
    store.close()


# ------------------------------------------------------------------------------ writing


def test_same_article_twice_is_stored_once(fresh_db: Store) -> None:
    load(fresh_db, A1, A2)
    before = fresh_db.table_counts()
    load(fresh_db, A1, A2)
    assert fresh_db.table_counts() == before
    assert before["articles"] == 2 and before["changes"] == 2


def test_syndicated_copy_is_one_article_seen_under_two_urls(fresh_db: Store) -> None:
    fake = FakeExtractor(RECORDS)
    copies = [article(A1, "feed.rss#entry-1", url="https://paper-a.example/whitlock"),
              article("  " + A1.replace(" ", "  ") + "\n", "feed.rss#entry-2",
                      url="https://paper-b.example/whitlock")]
    summary = ingest([], fresh_db, extract=fake)  # an empty run: nothing to read
    assert summary.read == 0
    result = fresh_db.write_batch([(copies[0], fake([(A1, None, "a")])[0]), (copies[1], None)],
                                  "test")
    assert (result.new, result.duplicates) == (1, 1)
    counts = fresh_db.table_counts()
    assert counts["articles"] == 1 and counts["article_urls"] == 2
    [change] = fresh_db.changes()
    assert change.sources == 1
    urls = [s.url for s in fresh_db.sources(change.id)]
    assert urls == ["https://paper-a.example/whitlock"]


def test_a_failing_batch_writes_nothing(fresh_db: Store) -> None:
    good = article(A1, "a.txt")
    bad = article(A2, "b.txt")
    with pytest.raises(ValueError, match="without an extraction"):
        fresh_db.write_batch([(good, RECORDS[A1]), (bad, None)], "test")
    assert fresh_db.table_counts()["articles"] == 0
    load(fresh_db, A1)  # and the store still works afterwards
    assert fresh_db.table_counts()["articles"] == 1


def test_timeline_across_two_articles(fresh_db: Store) -> None:
    load(fresh_db, A1, A2)
    [person] = fresh_db.find_people("Whitlock")
    timeline = fresh_db.timeline(person.id)
    steps = [(e.change.date, e.change.from_party, e.change.to_party, len(e.sources))
             for e in timeline.entries]
    assert steps == [("2023-09-11", "Labour", "Independent", 2),
                     ("2023-10-19", "Independent", "Conservative", 1)]
    first = timeline.entries[0].sources
    assert [s.status for s in first] == ["new", "background"]
    assert first[0].evidence_text == A1


# ------------------------------------------------------------------------------ queries


def test_changes_filters(fresh_db: Store) -> None:
    load(fresh_db, A1, A2, B1, B2, K1)
    people = lambda changes: sorted({c.person for c in changes})
    assert people(fresh_db.changes(council="Luton", party="Labour")) == [
        "Bob Hart", "Dana Whitlock", "Robert Hart"]
    assert people(fresh_db.changes(council="E06000032", party="Tories")) == ["Dana Whitlock"]
    assert people(fresh_db.changes(council="Kent")) == ["John Smith"]
    assert [c.kind for c in fresh_db.changes(kind="readmission")] == ["readmission"]
    assert len(fresh_db.changes(since="2023-09-01")) == 2
    assert len(fresh_db.changes(until="2023-05-31")) == 2
    assert len(fresh_db.changes(since="2023-05-01", until="2023-05-31")) == 1
    assert people(fresh_db.changes(person="Whitlock")) == ["Dana Whitlock"]
    with pytest.raises(QueryError):
        fresh_db.changes(kind="defected")


def test_compositions_are_stored_with_their_council(fresh_db: Store) -> None:
    from floorcross.records import CompositionStatement

    rec = RECORDS[A1].model_copy(update={"composition": [
        CompositionStatement(council="Luton Council", party="Labour", seats=30,
                             date="2023-09-12")]})
    fresh_db.write_batch([(article(A1, "a.txt"), rec)], "test")
    [row] = fresh_db.compositions("Luton")
    assert (row["council"], row["council_gss"], row["seats"]) == (LUTON, "E06000032", 30)


# ------------------------------------------------------------------------------ corrections


def test_correct_reject_verify_survive_reextract(fresh_db: Store) -> None:
    fake = load(fresh_db, A1, A2, K1)
    left = change_key(fresh_db, "Whitlock")
    joined = [c for c in fresh_db.changes(person="Whitlock")][1].key
    suspension = change_key(fresh_db, "John Smith", "suspension")
    fresh_db.correct_change(left, "date", "2023-09-10", "ed", "council minutes say the 10th")
    fresh_db.verify_change(joined, "ed")
    fresh_db.reject_change(suspension, "ed", "wrong John Smith")
    ids = {c.key: c.id for c in fresh_db.changes()}

    for round_ in range(2):
        [a, b] = fresh_db.changes(person="Whitlock")
        assert (a.key, a.date, a.corrected) == (left, "2023-09-10", "date")
        assert (b.key, b.review) == (joined, "verified")
        assert fresh_db.changes(council="Kent") == []
        assert [c.review for c in fresh_db.changes(council="Kent", include_rejected=True)] == [
            "rejected"]
        assert {c.key: c.id for c in fresh_db.changes()} == ids
        if round_ == 0:
            reextract(fresh_db, extract=fake)
    with fresh_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM changes_view")).scalar() == 2
        assert conn.execute(text("SELECT COUNT(*) FROM changes")).scalar() == 3


def test_correction_values_are_checked(fresh_db: Store) -> None:
    load(fresh_db, A1)
    key = change_key(fresh_db, "Whitlock")
    with pytest.raises(CorrectionError, match="date must be"):
        fresh_db.correct_change(key, "date", "last week", "ed")
    with pytest.raises(CorrectionError, match="cannot correct"):
        fresh_db.correct_change(key, "person_id", "3", "ed")
    with pytest.raises(CorrectionError, match="kind must be"):
        fresh_db.correct_change(key, "kind", "defected", "ed")
    with pytest.raises(NotFound):
        fresh_db.reject_change(999, "ed")
    with pytest.raises(CorrectionError, match="author"):
        fresh_db.reject_change(key, " ")
    assert fresh_db.corrections() == []


def test_council_correction_finds_the_gss_code(fresh_db: Store) -> None:
    load(fresh_db, K1)
    key = change_key(fresh_db, "John Smith", "suspension")
    fresh_db.correct_change(key, "council", "Medway Council", "ed")
    [c] = fresh_db.changes(council="Medway")
    assert (c.council, c.council_gss) == ("Medway Council", "E06000035")


def test_merge_and_split_people_survive_reextract(fresh_db: Store) -> None:
    fake = load(fresh_db, A1, B1, B2)
    hart = [p for p in fresh_db.people() if "Hart" in p.name]
    assert len(hart) == 2  # "Bob" and "Robert" are not the same name to the resolver
    bob, robert = sorted(hart, key=lambda p: p.id)
    fresh_db.merge_people(bob.id, robert.key, "ed", "Bob is Robert")
    for round_ in range(2):
        [merged] = [p for p in fresh_db.people() if "Hart" in p.name]
        assert merged.id == bob.id and set(merged.names) == {"Bob Hart", "Robert Hart"}
        assert [e.change.kind for e in fresh_db.timeline(merged.id).entries] == [
            "suspension", "readmission"]
        if round_ == 0:
            reextract(fresh_db, extract=fake)

    [b2] = [a for a in fresh_db.sources() if a.person_name == "Robert Hart"]
    split = fresh_db.split_person(bob.key, [b2.article_id], "ed", "two people after all")
    for round_ in range(2):
        hart = sorted((p for p in fresh_db.people() if "Hart" in p.name), key=lambda p: p.id)
        assert [(p.name, p.changes) for p in hart] == [("Bob Hart", 1), ("Robert Hart", 1)]
        assert hart[1].key == f"{bob.key}-s{split.id}"
        if round_ == 0:
            reextract(fresh_db, extract=fake)


def test_merging_people_joins_their_reports_of_one_change(fresh_db: Store) -> None:
    other = "Councillor D Whitlock-Payne has left Labour and will sit as an independent."
    records = {**RECORDS, other: record(
        event("Dana Whitlock-Payne", council=LUTON, from_party="Labour", to_party="Independent",
              date="2023-09", sentence=other), published="2023-09-13")}
    load(fresh_db, A1, other, extractor=FakeExtractor(records))
    people = fresh_db.people()
    assert len(people) == 2 and len(fresh_db.changes()) == 2
    fresh_db.merge_people(people[0].id, people[1].id, "ed")
    [change] = fresh_db.changes()
    assert change.sources == 2


def test_split_by_name_and_errors(fresh_db: Store) -> None:
    load(fresh_db, A1)
    [dana] = fresh_db.people()
    with pytest.raises(CorrectionError, match="nothing to split"):
        fresh_db.split_person(dana.id, ["Dana Whitlock"], "ed")
    with pytest.raises(CorrectionError, match="nothing to split"):
        fresh_db.split_person(dana.id, ["Someone Else"], "ed")
    with pytest.raises(NotFound):
        fresh_db.split_person(dana.id, [999], "ed")
    with pytest.raises(CorrectionError, match="same person"):
        fresh_db.merge_people(dana.id, dana.key, "ed")
    assert fresh_db.table_counts()["corrections"] == 0


def test_correction_follows_its_change_when_the_key_changes(fresh_db: Store) -> None:
    """A re-extraction that renames the person (and so the keys) keeps the correction."""
    fake = load(fresh_db, A1, A2)
    key = change_key(fresh_db, "Whitlock")
    fresh_db.correct_change(key, "role", "cabinet member for housing", "ed")
    renamed = {t: r.model_copy(update={"events": [
        e.model_copy(update={"person": "Dana Louise Whitlock"}) for e in r.events]})
        for t, r in fake.records.items()}
    reextract(fresh_db, extract=FakeExtractor(renamed))
    [left, _] = fresh_db.changes(person="Whitlock")
    assert left.key != key and left.key.startswith("luton/dana-louise-whitlock/")
    assert left.role == "cabinet member for housing"
    assert [c.orphaned for c in fresh_db.corrections()] == [False]


def test_correction_whose_target_is_gone_is_orphaned(fresh_db: Store) -> None:
    fake = load(fresh_db, K1)
    fresh_db.reject_change(change_key(fresh_db, "John Smith", "suspension"), "ed")
    empty = {t: record(published=r.published) for t, r in fake.records.items()}
    reextract(fresh_db, extract=FakeExtractor(empty))
    assert fresh_db.changes(include_rejected=True) == []
    assert [c.orphaned for c in fresh_db.corrections()] == [True]


def test_reextract_replaces_extractions_and_keeps_articles(fresh_db: Store) -> None:
    fake = load(fresh_db, A1, A2, K1)
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    before = {t: table_rows(url, t) for t in ("articles", "people", "changes")}
    summary = reextract(fresh_db, extract=fake, batch_size=2)
    assert summary.read == 3 and summary.relevant == 3
    assert fresh_db.table_counts()["extractions"] == 3
    assert fresh_db.table_counts()["change_sources"] == 4
    assert {t: table_rows(url, t) for t in before} == before


def test_schema_doc_describes_every_table_column_and_view() -> None:
    from pathlib import Path

    from floorcross.store.models import VIEWS, Base

    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text("utf-8")
    for table in Base.metadata.tables.values():
        section = doc.split(f"### {table.name}\n", 1)
        assert len(section) == 2, f"docs/schema.md has no section for {table.name}"
        body = section[1].split("\n### ", 1)[0]
        for column in table.columns:
            assert f"`{column.name}`" in body, f"docs/schema.md: {table.name}.{column.name}"
    for view in VIEWS:
        assert f"### {view}\n" in doc
