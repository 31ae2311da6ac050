"""The web app's listings in SQL (migration 0006_web_scale): derived columns kept up to date by
every write, the same answers as filtering in Python, on SQLite and PostgreSQL alike; sources
named by outlet; the migration filling the columns of an older database."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_web_api import build_web_db

from floorcross.store import Store, open_store
from floorcross.store.db import read_session
from floorcross.store.derived import LOW_CONFIDENCE_FLAGS
from floorcross.store.models import Change, Correction, PersonName
from floorcross.store.queries import change_page, flow_groups, outlet_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorcross.web import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def web_store(db_url: str) -> Any:
    build_web_db(db_url)
    store = open_store(db_url)
    yield store
    store.close()


def stored(store: Store) -> dict[int, dict[str, Any]]:
    with read_session(store.engine) as session:
        return {r.id: dict(r._mapping) for r in session.execute(select(Change.__table__))}


def test_derived_columns_are_filled_by_every_write(web_store: Store) -> None:
    rows = stored(web_store)
    assert all(r["flags"] is not None and r["sort_reported"] is not None for r in rows.values())
    reed = next(r for r in rows.values() if r["key"].endswith("tom-reed/2024-04-10-defection")
                or "tom-reed" in r["key"])
    assert "party_unknown" in reed["flags"].split(",") and reed["low_confidence"] == 1
    whitlock = [r for r in rows.values() if "dana-whitlock" in r["key"]]
    assert all(r["sources"] == 1 for r in whitlock)
    # A correction reaches the derived columns in the same transaction.
    web_store.correct_change(reed["id"], "from_party", "Labour", "editor")
    web_store.correct_change(reed["id"], "to_party", "Green", "editor")
    web_store.correct_change(reed["id"], "date", "2024-04", "editor")
    after = stored(web_store)[reed["id"]]
    assert "party_unknown" not in after["flags"] and "no_date" not in after["flags"]
    assert after["low_confidence"] == 0 and after["sort_date"] == "2024-04"
    with read_session(web_store.engine) as session:
        assert all(o == 0 for o in session.execute(select(Correction.orphaned)).scalars())
        assert all(f for f in session.execute(select(PersonName.folded)).scalars())


def test_sql_pages_agree_with_filtering_in_python(web_store: Store) -> None:
    everything = web_store.changes(include_rejected=True)
    rows = stored(web_store)
    with read_session(web_store.engine) as session:
        full = change_page(session, sort="reported", limit=None)
        expected = sorted((c for c in everything if c.review != "rejected"),
                          key=lambda c: (c.reported or c.date or "", c.id), reverse=True)
        assert [c.id for c in full.items] == [c.id for c in expected]
        assert full.total == len(expected)
        by_date = change_page(session, sort="date", limit=None).items
        assert [c.id for c in by_date] == [c.id for c in sorted(
            expected, key=lambda c: (c.date or c.reported or "", c.id), reverse=True)]
        pages = [change_page(session, sort="found", offset=o, limit=2) for o in (0, 2, 4)]
        assert [c.id for p in pages for c in p.items] == sorted(
            (c.id for c in expected), reverse=True)
        assert {p.total for p in pages} == {len(expected)}
        low = change_page(session, low_confidence=True, limit=None)
        assert {c.id for c in low.items} == {
            i for i, r in rows.items() if r["review"] != "rejected"
            and LOW_CONFIDENCE_FLAGS & set(r["flags"].split(","))}
        labour = change_page(session, party="labour", since="2023-04-01", limit=None)
        assert {c.id for c in labour.items} == {
            c.id for c in expected if "Labour" in (c.from_party, c.to_party)
            and (c.date or c.reported or "") >= "2023-04"}
        groups = flow_groups(session)
        assert sorted(i for *_, ids in groups for i in ids) == sorted(c.id for c in expected)


def test_api_pages_on_postgresql_and_sqlite_alike(web_store: Store, db_url: str) -> None:
    with TestClient(create_app(db_url, secret_key="k")) as client:
        data = client.get("/api/changes", params={"limit": 2, "page": 2}).json()
        assert data["total"] == 6 and data["pages"] == 3 and len(data["items"]) == 2
        flows = client.get("/api/flows").json()
        assert flows["total"] == 6
        assert sorted(i for f in flows["flows"] for i in f["changes"]) == sorted(
            c.id for c in web_store.changes())
        found = client.get("/api/search", params={"q": "Labour"}).json()
        labour = [c for c in web_store.changes() if "Labour" in (c.from_party, c.to_party)]
        assert next(p for p in found["parties"] if p["name"] == "Labour")["changes"] == len(
            labour) == 3
        people = client.get("/api/people", params={"q": "whitlock"}).json()
        assert [p["name"] for p in people["items"]] == ["Dana Whitlock"]
        assert client.get("/api/people", params={"limit": 2}).json()["total"] == 5
        corrections = client.get("/api/corrections").json()
        assert corrections == {"total": 0, "page": 1, "limit": 100, "pages": 1, "items": []}


def test_sources_are_named_by_outlet_headline_and_date(web_store: Store, db_url: str) -> None:
    with TestClient(create_app(db_url, secret_key="k")) as client:
        change = client.get("/api/changes").json()["items"][0]
        assert change["article_outlet"] == "Example News" and change["article_published"]
        page = client.get(f"/changes/{change['id']}").text
        assert "Example News" in page and change["article_title"] in page
        assert f'href="{change["article_url"]}"' in page
        assert "Article " + str(change["article_id"]) not in page


def test_outlet_from_the_site_name_or_the_host() -> None:
    assert outlet_of("Vale Courier", "https://www.valecourier.example/x") == "Vale Courier"
    assert outlet_of(None, "https://www.valecourier.example/news/1") == "valecourier.example"
    assert outlet_of("  ", "http://news.riversidepost.example:8080/a") == "news.riversidepost.example"
    assert outlet_of(None, None) is None and outlet_of(None, "not a url") is None


def test_the_migration_fills_the_columns_of_an_older_database(tmp_path: Path) -> None:
    from alembic import command

    from floorcross.store.db import alembic_config, current_revision

    url = f"sqlite:///{tmp_path / 'old.db'}"
    build_web_db(url)
    store = open_store(url)
    before = stored(store)
    config = alembic_config(url)
    command.downgrade(config, "0003_web")
    assert current_revision(store.engine) == "0003_web"
    store.close()
    store = open_store(url)  # upgrades again, filling the derived columns
    assert stored(store) == before
    assert all(c.orphaned is False for c in store.corrections())
    store.close()
