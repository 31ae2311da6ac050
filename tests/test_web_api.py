"""The web app over HTTP (FastAPI's TestClient): every page and API endpoint, errors, downloads,
the Atom feed, the offline API reference, sign-in, CSRF and the review queue.

The database is built once per module from short stories written for these tests (the people
are fictional), through a fake extractor, so what the pages show does not depend on how the real
extractor is tuned. Tests that review changes work on their own copy of it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from store_helpers import article

from floorcross.ledger import Ledger
from floorcross.records import ArticleRecord, CompositionStatement, Event, Evidence
from floorcross.store import Store, open_store

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what the lock has
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorcross.web import create_app
from floorcross.web.users import add_user

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LUTON = "Luton Borough Council"
# Luton's seats at the start of 2023 (made up). Bob Hart's suspension and Dana Whitlock's
# leaving take Labour to 29 by 12 September, when the first story says 30: one conflict, and
# from then on the ledger follows the story (the more recent source) for Labour.
LUTON_BASELINE = {"Labour": 31, "Conservative": 12, "Liberal Democrats": 5}
PASSWORD = "correct horse battery"
EDITOR = "editor1"


def story(text: str, *events: dict[str, Any], published: str,
          composition: tuple[tuple[str, int, str], ...] = ()) -> tuple[str, ArticleRecord, str]:
    """An article text and its record; each event's ``sentence`` is found in the text, so the
    evidence offsets are exact."""
    built = []
    for spec in events:
        spec = dict(spec)
        sentence = spec.pop("sentence")
        start = text.index(sentence)
        built.append(Event(status=spec.pop("status", "new"), office="councillor",
                           evidence=[Evidence(start=start, end=start + len(sentence),
                                              text=sentence)], **spec))
    comp = [CompositionStatement(council=LUTON, party=p, seats=n, date=d)
            for p, n, d in composition]
    return text, ArticleRecord(published=published, relevant=bool(built), events=built,
                               composition=comp), published


WHITLOCK_QUITS = (
    "Councillor Dana Whitlock has quit the Labour Party to sit as an independent on Luton "
    "Borough Council."
)
STORIES = [
    story(
        "Luton councillor quits Labour\n\n" + WHITLOCK_QUITS + " The Poets ward member said the "
        "decision followed months of disagreement over bus lanes. A leaflet headed "
        "<b>Buses first</b> is circulating in the ward. Labour now holds 30 of the 48 seats.",
        {"kind": "defection", "person": "Dana Whitlock", "council": LUTON, "ward": "Poets",
         "from_party": "Labour", "to_party": "Independent", "date": "2023-09-11",
         "sentence": WHITLOCK_QUITS},
        published="2023-09-12", composition=(("Labour", 30, "2023-09-12"),),
    ),
    story(
        "Whitlock joins Conservatives\n\nIndependent councillor Dana Whitlock has joined the "
        "Conservatives on Luton Borough Council, a month after leaving Labour.",
        {"kind": "defection", "person": "Dana Whitlock", "council": LUTON,
         "from_party": "Independent", "to_party": "Conservative", "date": "2023-10-19",
         "sentence": "Independent councillor Dana Whitlock has joined the Conservatives on "
                     "Luton Borough Council, a month after leaving Labour."},
        published="2023-10-20",
    ),
    story(
        "Hart suspended\n\nCouncillor Bob Hart has been suspended by the Labour group on Luton "
        "Borough Council pending an investigation.",
        {"kind": "suspension", "person": "Bob Hart", "council": LUTON, "from_party": "Labour",
         "date": "2023-03-02",
         "sentence": "Councillor Bob Hart has been suspended by the Labour group on Luton "
                     "Borough Council pending an investigation."},
        published="2023-03-03",
    ),
    story(
        "Kent suspension\n\nCouncillor John Smith has been suspended by the Labour group on "
        "Kent County Council.",
        {"kind": "suspension", "person": "John Smith", "council": "Kent County Council",
         "from_party": "Labour", "date": "2023-05",
         "sentence": "Councillor John Smith has been suspended by the Labour group on Kent "
                     "County Council."},
        published="2023-05-04",
    ),
    story(
        "Newcastle switch\n\nCouncillor Priya Lamb has left the Liberal Democrats and joined "
        "the Green Party on Newcastle City Council.",
        {"kind": "defection", "person": "Priya Lamb", "council": "Newcastle City Council",
         "from_party": "Liberal Democrats", "to_party": "Green", "date": "2024-02-28",
         "sentence": "Councillor Priya Lamb has left the Liberal Democrats and joined the "
                     "Green Party on Newcastle City Council."},
        published="2024-03-01",
    ),
    story(
        "Leeds mystery\n\nA Leeds City Council member, Tom Reed, has left his party, it "
        "emerged this week.",
        {"kind": "defection", "person": "Tom Reed", "council": "Leeds City Council",
         "sentence": "A Leeds City Council member, Tom Reed, has left his party, it emerged "
                     "this week."},
        published="2024-04-10",
    ),
]


def build_web_db(where: Path | str) -> str:
    """A database holding the stories above, Luton's baseline and one editor; its URL.
    ``where`` is a SQLite file or a database URL."""
    url = where if isinstance(where, str) else f"sqlite:///{where}"
    store = open_store(url)
    try:
        items = []
        for i, (text, rec, published) in enumerate(STORIES, 1):
            title = text.split("\n", 1)[0]
            src = article(text, f"news/{i}.txt", url=f"https://news.example/{i}",
                          published=published)
            items.append((src.model_copy(update={"title": title, "outlet": "Example News"}),
                          rec))
        store.write_batch(items, "test")
        Ledger(store).import_rows(
            [{"council": "Luton", "party": party, "seats": seats, "date": "2023-01-01"}
             for party, seats in LUTON_BASELINE.items()], source="test baseline")
        add_user(store, EDITOR, PASSWORD)
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "floorcross.db"
    build_web_db(path)
    return path


@pytest.fixture(scope="module")
def app(db_path: Path) -> Iterator[Any]:
    yield create_app(f"sqlite:///{db_path}", secret_key="test key")


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{db_path}")
    yield s
    s.close()


@pytest.fixture
def own_db(db_path: Path, tmp_path: Path) -> Path:
    """A copy of the module's database that a test may change."""
    copy = tmp_path / "own.db"
    shutil.copy(db_path, copy)
    return copy


@pytest.fixture
def editor_client(own_db: Path) -> Iterator[TestClient]:
    """A client of an app over ``own_db``, not yet signed in."""
    with TestClient(create_app(f"sqlite:///{own_db}", secret_key="k"),
                    raise_server_exceptions=False) as c:
        yield c


def token(page_html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str = EDITOR, password: str = PASSWORD) -> str:
    """Sign in through the form; return the CSRF token of the signed-in session."""
    page = client.get("/login")
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": token(page.text), "next": "/review"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token(client.get("/review").text)


def change_id(client: TestClient, person: str, to_party: str | None = None) -> int:
    items = client.get("/api/changes", params={"review": "any", "limit": 500}).json()["items"]
    return next(c["id"] for c in items
                if c["person"] == person and to_party in (None, c["to_party"]))


# ------------------------------------------------------------------------------ the feed


def test_feed_lists_the_latest_changes_with_their_evidence(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    html = page.text
    assert "Dana Whitlock" in html and "left Labour for Independent" in html
    assert WHITLOCK_QUITS in html
    # newest report first: the Leeds story (2024-04-10) before the Kent one (2023-05-04)
    assert html.index("Tom Reed") < html.index("John Smith")
    assert re.search(r'href="/articles/\d+\?change=\d+#evidence"', html)


def test_feed_filters_and_low_confidence(client: TestClient) -> None:
    html = client.get("/", params={"council": "Kent"}).text
    assert "John Smith" in html and "Dana Whitlock" not in html
    low = client.get("/", params={"confidence": "low"}).text
    assert "Tom Reed" in low and "Priya Lamb" not in low


def test_bad_filter_on_a_page_is_a_400_page_without_traceback(client: TestClient) -> None:
    page = client.get("/", params={"since": "yesterday-ish"})
    assert page.status_code == 400
    assert "since" in page.text and "YYYY-MM-DD" in page.text
    assert "Traceback" not in page.text


# ------------------------------------------------------------------------------ /api/changes


def test_api_changes_json_shape_and_paging(client: TestClient) -> None:
    data = client.get("/api/changes", params={"limit": 2}).json()
    assert data["total"] == 6 and data["pages"] == 3 and len(data["items"]) == 2
    assert data["next"] == "/api/changes?sort=reported&page=2&limit=2"
    item = data["items"][0]
    for key in ("id", "key", "person", "kind", "from_party", "to_party", "date", "council",
                "review", "corrected", "flags", "low_confidence", "evidence", "article_id"):
        assert key in item
    second = client.get(data["next"]).json()
    assert second["page"] == 2 and {i["id"] for i in second["items"]}.isdisjoint(
        {i["id"] for i in data["items"]})


def test_api_changes_filters(client: TestClient) -> None:
    def people(**params: Any) -> set[str]:
        return {c["person"] for c in client.get("/api/changes", params=params).json()["items"]}

    assert people(council="E06000032") == {"Dana Whitlock", "Bob Hart"}
    assert people(council="luton", kind="suspension") == {"Bob Hart"}
    assert people(party="Tories") == {"Dana Whitlock"}  # an alias of Conservative
    assert people(since="2024") == {"Priya Lamb", "Tom Reed"}
    assert people(since="2023-05", until="2023-09") == {"John Smith", "Dana Whitlock"}
    assert people(person="Whitlock") == {"Dana Whitlock"}
    assert people(confidence="low") == {"Tom Reed"}


def test_api_changes_csv_download_has_every_matching_row(client: TestClient) -> None:
    response = client.get("/api/changes", params={"format": "csv", "limit": 1})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="changes.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len(rows) == 6  # a download is the whole table, not one page
    whitlock = next(r for r in rows if r["to_party"] == "Independent"
                    and r["person"] == "Dana Whitlock")
    assert whitlock["evidence"] == WHITLOCK_QUITS


@pytest.mark.parametrize(("params", "param", "words"), [
    ({"since": "2023-13"}, "since", "not a real date"),
    ({"until": "last tuesday"}, "until", "YYYY-MM-DD"),
    ({"since": "2024", "until": "2023"}, "until", "must not be before since"),
    ({"kind": "resignation"}, "kind", "defection, suspension, expulsion, readmission"),
    ({"review": "maybe"}, "review", "unreviewed, verified, rejected, any"),
    ({"limit": "0"}, "limit", "between 1 and 500"),
    ({"limit": "ten"}, "limit", "must be a whole number"),
    ({"page": "0"}, "page", "between 1 and 1,000,000"),
    ({"format": "xml"}, "format", "json, csv"),
    ({"sort": "random"}, "sort", "reported, date, found"),
    ({"conflicts": "perhaps"}, "conflicts", "give 1 or 0"),
])
def test_api_changes_bad_parameters_are_clear_422s(client: TestClient, params: dict[str, str],
                                                   param: str, words: str) -> None:
    response = client.get("/api/changes", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["param"] == param
    assert words in body["detail"], body


def test_api_one_change_by_id_or_key_with_spans_that_slice_the_article(
        client: TestClient) -> None:
    cid = change_id(client, "Bob Hart")
    data = client.get(f"/api/changes/{cid}").json()
    assert data["kind"] == "suspension" and data["from_party"] == "Labour"
    assert client.get(f"/api/changes/{data['key']}").json()["id"] == cid
    [source] = data["sources"]
    text = client.get(f"/api/articles/{source['article_id']}").json()["text"]
    for span in source["evidence"]:
        assert text[span["start"]:span["end"]] == span["text"]
    assert data["history"] == []


def test_api_unknown_change_and_article_are_json_404s(client: TestClient) -> None:
    for url in ("/api/changes/9999", "/api/changes/nowhere/nobody", "/api/articles/9999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/json"
        assert "no " in response.json()["detail"]
    assert client.get("/api/articles/abc").status_code == 422


# ------------------------------------------------------------------------------ pages


def test_change_page_links_each_source_to_its_highlighted_sentence(client: TestClient) -> None:
    cid = change_id(client, "Dana Whitlock", "Independent")
    page = client.get(f"/changes/{cid}")
    assert page.status_code == 200
    assert "Sources" in page.text and "Review history" in page.text
    assert f"?change={cid}#evidence" in page.text
    assert "Sign in as an editor" in page.text  # reading is open, reviewing is not
    assert client.get("/changes/9999").status_code == 404


def test_article_page_marks_the_evidence_and_escapes_the_text(client: TestClient) -> None:
    cid = change_id(client, "Dana Whitlock", "Independent")
    article_id = client.get(f"/api/changes/{cid}").json()["sources"][0]["article_id"]
    html = client.get(f"/articles/{article_id}", params={"change": cid}).text
    marked = re.search(r'<mark class="evidence current" id="evidence"[^>]*>(.*?)</mark>', html)
    assert marked and marked.group(1) == WHITLOCK_QUITS
    assert "&lt;b&gt;Buses first&lt;/b&gt;" in html and "<b>Buses first</b>" not in html
    assert client.get("/articles/9999").status_code == 404


def test_people_directory_and_person_timeline(client: TestClient) -> None:
    html = client.get("/people").text
    assert "Dana Whitlock" in html and "Priya Lamb" in html
    assert "Dana Whitlock" not in client.get("/people", params={"q": "Lamb"}).text
    pid = client.get("/api/people", params={"q": "Whitlock"}).json()["items"][0]["id"]
    person = client.get(f"/people/{pid}").text
    assert "Labour" in person and "Independent" in person and "Conservative" in person
    assert person.index("left Labour for Independent") < person.index(
        "left Independent for Conservative")
    assert client.get("/people/9999").status_code == 404


def test_api_people_and_person(client: TestClient) -> None:
    data = client.get("/api/people").json()
    assert data["total"] == 5
    luton = client.get("/api/people", params={"council": "Luton"}).json()
    assert {p["name"] for p in luton["items"]} == {"Dana Whitlock", "Bob Hart"}
    pid = client.get("/api/people", params={"q": "Whitlock"}).json()["items"][0]["id"]
    person = client.get(f"/api/people/{pid}").json()
    assert person["parties"] == ["Labour", "Independent", "Conservative"]
    assert [t["to_party"] for t in person["timeline"]] == ["Independent", "Conservative"]
    assert person["timeline"][0]["sources"][0]["evidence_text"] == WHITLOCK_QUITS
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/api/people/{pid}", params={"format": "csv"}).text.lstrip("\ufeff"))))
    assert [r["to_party"] for r in rows] == ["Independent", "Conservative"]
    people_csv = client.get("/api/people", params={"format": "csv"}).text
    assert people_csv.lstrip("\ufeff").startswith("id,key,name,council")
    assert client.get("/api/people/9999").status_code == 404
    assert client.get("/api/people", params={"limit": 1000}).status_code == 422


# ------------------------------------------------------------------------------ councils


def test_council_directory(client: TestClient) -> None:
    data = client.get("/api/councils").json()
    luton = next(c for c in data["items"] if c["gss"] == "E06000032")
    assert luton["slug"] == "luton" and luton["changes"] == 3 and luton["conflicts"] == 1
    # Labour's 30 from the story, with the two independents the changes made: 49 counted, one
    # more than the council's 48 seats (the ledger warns)
    assert luton["total"] == 49 and luton["baseline_date"] == "2023-01-01"
    assert {c["short_name"] for c in data["items"]} >= {"Kent", "Newcastle upon Tyne", "Leeds"}
    east = client.get("/api/councils", params={"region": "East of England"}).json()
    assert [c["gss"] for c in east["items"]] == ["E06000032"]
    html = client.get("/councils").text
    assert 'href="/councils/E06000032"' in html
    rows = client.get("/api/councils", params={"format": "csv"}).text.lstrip("\ufeff")
    assert rows.splitlines()[0].startswith("gss,slug,name")
    assert client.get("/api/councils", params={"region": "Mars"}).status_code == 422


def test_council_composition_now_and_on_a_date(client: TestClient) -> None:
    now = client.get("/api/councils/luton").json()
    assert now["council"]["gss"] == "E06000032"
    comp = now["composition"]
    assert comp["seats"] == {"Labour": 30, "Conservative": 13, "Liberal Democrats": 5,
                             "Independent": 1}
    assert comp["total"] == 49 and comp["majority"] == 25 and comp["size"] == 48
    assert any("49 seats but the council has 48" in w for w in comp["warnings"])
    labour = next(f for f in comp["figures"] if f["party"] == "Labour")
    assert (labour["source"], labour["article_id"]) == ("article", 1)
    assert labour["evidence"] == "Labour now holds 30 of the 48 seats."
    assert {c["person"] for c in now["changes"]} == {"Dana Whitlock", "Bob Hart"}
    assert [(c["party"], c["ledger_seats"], c["reported_seats"]) for c in now["conflicts"]] == [
        ("Labour", 29, 30)]
    june = client.get("/api/councils/E06000032", params={"on": "2023-06-01"}).json()
    assert june["composition"]["seats"]["Labour"] == 30
    assert june["composition"]["seats"]["Independent"] == 1
    rows = client.get("/api/councils/luton", params={"format": "csv"}).text.lstrip("\ufeff")
    assert rows.splitlines()[0].startswith("party,seats,share,source,sure")
    assert rows.splitlines()[1].startswith("Labour,30,61.2,article,")


def test_council_history_conflicts_and_stated_counts(client: TestClient) -> None:
    steps = client.get("/api/councils/luton/history").json()["steps"]
    assert [s["kind"] for s in steps] == ["baseline", "change", "change", "checkpoint",
                                          "change"]
    assert [s["seats"].get("Labour") for s in steps] == [31, 30, 29, 30, 30]
    rows = client.get("/api/councils/luton/history",
                      params={"format": "csv"}).text.lstrip("\ufeff").splitlines()
    assert rows[0] == "date,change_id,person,event,total,control,Labour,Conservative," \
                      "Liberal Democrats,Independent"
    assert len(rows) == 6
    conflicts = client.get("/api/conflicts").json()["items"]
    assert [(c["council_gss"], c["party"]) for c in conflicts] == [("E06000032", "Labour")]
    assert client.get("/api/conflicts", params={"council": "Kent"}).json()["total"] == 0
    stated = client.get("/api/compositions", params={"council": "luton"}).json()["items"]
    assert [(s["party"], s["seats"], s["date"]) for s in stated] == [
        ("Labour", 30, "2023-09-12")]
    behind = client.get("/api/changes", params={"conflicts": "1"}).json()["items"]
    assert {(c["person"], c["to_party"]) for c in behind} == {
        ("Bob Hart", None), ("Dana Whitlock", "Independent")}


def test_council_page_shows_composition_chart_data_changes_and_conflicts(
        client: TestClient) -> None:
    page = client.get("/councils/luton")
    assert page.status_code == 200
    html = page.text
    assert "Luton Borough Council" in html and "a majority needs 25" in html
    assert "Conflicts with reported figures" in html and "Bob Hart" in html
    data = re.search(r'<script type="application/json" id="seats-data">(.*?)</script>', html,
                     re.DOTALL)
    assert data, "no chart data"
    import json

    traces = {t["name"]: t for t in json.loads(data.group(1))["traces"]}
    assert traces["Labour"]["y"] == [31, 30, 29, 30, 30]
    assert traces["Labour (reported)"]["y"] == [30]
    assert '<script src="/static/plotly.min.js"' in html
    assert client.get("/councils/E06000032", params={"on": "2023-06-01"}).status_code == 200


def test_unknown_council_and_bad_dates(client: TestClient) -> None:
    for url in ("/api/councils/atlantis", "/api/councils/E09999999/history",
                "/api/conflicts?council=atlantis"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "no council called" in response.json()["detail"]
    assert client.get("/councils/atlantis").status_code == 404
    bad = client.get("/api/councils/luton", params={"on": "31/12/2023"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["param"] == "on"


# ------------------------------------------------------------------------------ search


def test_search_finds_people_councils_and_party_aliases(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "Whitlock"}).json()
    assert [p["name"] for p in data["people"]] == ["Dana Whitlock"]
    councils = client.get("/api/search", params={"q": "Luton"}).json()["councils"]
    assert councils[0]["gss"] == "E06000032" and councils[0]["changes"] == 3
    parties = client.get("/api/search", params={"q": "Tories"}).json()["parties"]
    assert parties[0] == {"name": "Conservative", "changes": 1}
    page = client.get("/search", params={"q": "Lamb"}).text
    assert "Priya Lamb" in page
    assert "Nothing matches" in client.get("/search", params={"q": "Zzyzx"}).text
    rows = client.get("/api/search", params={"q": "Luton", "format": "csv"}).text
    assert "council,Luton Borough Council,E06000032" in rows


def test_search_needs_a_query(client: TestClient) -> None:
    missing = client.get("/api/search")
    assert missing.status_code == 422
    assert missing.json()["detail"] == "q: is required"
    short = client.get("/api/search", params={"q": "a"})
    assert short.status_code == 422 and "at least 2 characters" in short.json()["detail"]


# ------------------------------------------------------------------------------ flows


def test_flows_count_every_change_once(client: TestClient) -> None:
    data = client.get("/api/flows").json()
    assert data["total"] == 6
    flows = {(f["source"], f["target"]): f["count"] for f in data["flows"]}
    # one defection and two suspensions: suspended members sit as independents (the ledger's rule)
    assert flows[("Labour", "Independent")] == 3
    assert ("Labour", "Suspended") not in flows
    assert flows[("Unknown", "Unknown")] == 1
    balance = {b["party"]: b["net"] for b in data["parties"]}
    assert balance["Labour"] == -3 and balance["Green"] == 1


def test_flows_by_date_range_and_region(client: TestClient) -> None:
    data = client.get("/api/flows", params={"since": "2024"}).json()
    assert data["total"] == 2
    east = client.get("/api/flows", params={"region": "East of England"}).json()
    assert east["total"] == 3  # Luton only
    assert client.get("/api/flows", params={"region": "Atlantis"}).status_code == 422
    rows = client.get("/api/flows", params={"format": "csv"}).text.lstrip("\ufeff")
    assert rows.splitlines()[0] == "source,target,count,changes"
    html = client.get("/flows", params={"region": "North East"}).text
    assert "Liberal Democrats" in html and 'data-chart="flows-data"' in html


# ------------------------------------------------------------------------------ Atom


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_of_new_changes(client: TestClient) -> None:
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert all(i and i.startswith("urn:floorcross:change:") for i in ids)
    assert len(set(ids)) == 6
    link = entries[0].find(f"{ATOM}link").get("href")
    assert re.fullmatch(r"http://testserver/changes/\d+", link)
    kent = ET.fromstring(client.get("/feed.atom", params={"council": "Kent"}).content)
    [entry] = kent.findall(f"{ATOM}entry")
    assert "John Smith" in entry.findtext(f"{ATOM}title")
    assert "suspended by the Labour group" in entry.findtext(f"{ATOM}summary")


# ------------------------------------------------------------------------------ docs, errors


def test_docs_work_offline_and_cover_every_api_endpoint(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), "loads from the web"
    spec = client.get("/openapi.json").json()
    paths = [p for p in spec["paths"] if p.startswith("/api/")]
    assert {"/api/changes", "/api/people", "/api/councils", "/api/councils/{ref}",
            "/api/flows", "/api/search"} <= set(paths)
    for path in paths:
        assert f"GET {path}" in html, path
    assert "format=csv" in html


def test_unknown_pages_are_404s_in_words(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "There is no page at /no/such/page" in page.text
    api = client.get("/api/nothing")
    assert api.status_code == 404 and api.json()["detail"]


def test_a_crash_shows_no_traceback(app: Any, client: TestClient,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.web.store, "change_slice", broken)
    for url in ("/", "/api/changes"):
        response = client.get(url)
        assert response.status_code == 500
        assert "secret internals" not in response.text and "Traceback" not in response.text
    assert client.get("/api/changes").json()["detail"].startswith("Something went wrong")


def test_security_headers_and_static_plotly(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert "plotly" in js.text[:2000].lower()
    assert client.get("/static/charts.js").status_code == 200


# ------------------------------------------------------------------------------ sign-in, CSRF


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    response = client.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_in_needs_the_right_password_and_a_csrf_token(editor_client: TestClient) -> None:
    page = editor_client.get("/login")
    no_token = editor_client.post("/login", data={"name": EDITOR, "password": PASSWORD})
    assert no_token.status_code == 403 and "security token" in no_token.text
    wrong = editor_client.post("/login", data={"name": EDITOR, "password": "nope",
                                               "csrf_token": token(page.text)})
    assert wrong.status_code == 401 and "do not match" in wrong.text
    assert editor_client.get("/review").status_code == 401
    sign_in(editor_client)
    assert editor_client.get("/review").status_code == 200
    assert f"Signed in as <strong>{EDITOR}</strong>" in editor_client.get("/").text


def test_sign_in_never_redirects_off_site(editor_client: TestClient) -> None:
    page = editor_client.get("/login")
    response = editor_client.post("/login", follow_redirects=False, data={
        "name": EDITOR, "password": PASSWORD, "csrf_token": token(page.text),
        "next": "//evil.example/"})
    assert response.headers["location"] == "/review"


def test_repeated_failures_are_throttled(editor_client: TestClient) -> None:
    tok = token(editor_client.get("/login").text)
    codes = [editor_client.post("/login", data={"name": EDITOR, "password": "guess",
                                                "csrf_token": tok}).status_code
             for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429


def test_sign_out_needs_the_token_too(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    assert editor_client.post("/logout").status_code == 403
    editor_client.post("/logout", data={"csrf_token": tok})
    assert editor_client.get("/review").status_code == 401


# ------------------------------------------------------------------------------ review


def test_reviewing_needs_a_signed_in_editor_and_a_token(editor_client: TestClient) -> None:
    cid = change_id(editor_client, "Bob Hart")
    tok = token(editor_client.get("/login").text)
    anonymous = editor_client.post(f"/review/{cid}/verify", data={"csrf_token": tok})
    assert anonymous.status_code == 401
    sign_in(editor_client)
    forged = editor_client.post(f"/review/{cid}/verify", data={"note": "x"})
    assert forged.status_code == 403
    stale = editor_client.post(f"/review/{cid}/reject", data={"csrf_token": tok})
    assert stale.status_code == 403  # the token from before sign-in is no longer valid
    assert editor_client.get(f"/api/changes/{cid}").json()["review"] == "unreviewed"


def test_accepting_marks_verified_with_who_and_when(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "John Smith")
    queue = editor_client.get("/review").text
    assert f'action="/review/{cid}/verify"' in queue
    done = editor_client.post(f"/review/{cid}/verify", follow_redirects=False,
                              data={"csrf_token": tok, "next": "/review"})
    assert done.status_code == 303 and done.headers["location"] == "/review"
    assert editor_client.get(f"/api/changes/{cid}").json()["review"] == "verified"
    assert f'action="/review/{cid}/verify"' not in editor_client.get("/review").text
    log = editor_client.get("/api/corrections").json()["items"]
    assert log[0]["action"] == "verify_change" and log[0]["author"] == EDITOR
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", log[0]["created_at"])
    page = editor_client.get(f"/changes/{cid}").text
    assert "accepted (verified)" in page and EDITOR in page


def test_correcting_stores_a_human_correction_shown_as_such(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "Tom Reed")
    response = editor_client.post(f"/review/{cid}/correct", follow_redirects=False, data={
        "csrf_token": tok, "kind": "defection", "from_party": "Labour", "to_party": "",
        "date": "2024-04-08", "council": "Leeds City Council", "ward": "", "office": "councillor",
        "role": "", "note": "group statement"})
    assert response.status_code == 303
    data = editor_client.get(f"/api/changes/{cid}").json()
    assert data["from_party"] == "Labour" and data["date"] == "2024-04-08"
    assert sorted(data["corrected"]) == ["date", "from_party"]
    assert data["review"] == "unreviewed"  # the box to accept as well was not ticked
    assert {(h["field"], h["value"], h["author"]) for h in data["history"]} == {
        ("from_party", "Labour", EDITOR), ("date", "2024-04-08", EDITOR)}
    page = editor_client.get(f"/changes/{cid}").text
    assert "corrected by an editor" in page and "set from party to “Labour”" in page
    feed = editor_client.get("/", params={"council": "Leeds"}).text
    assert "from party corrected" in feed


def test_a_correction_reaches_the_council_page_and_the_api(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "Bob Hart")
    editor_client.post(f"/review/{cid}/correct", data={"csrf_token": tok,
                                                        "from_party": "Conservative"})
    seats = editor_client.get("/api/councils/luton").json()["composition"]["seats"]
    assert seats["Labour"] == 30 and seats["Conservative"] == 12
    page = editor_client.get("/councils/luton").text
    card = page[page.index(f'id="change-{cid}"'):]
    assert "was suspended by Conservative" in card[:2000]
    assert "from party corrected" in card[:2000]


def test_correct_and_accept_in_one_go(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "Priya Lamb")
    editor_client.post(f"/review/{cid}/correct", data={
        "csrf_token": tok, "to_party": "Green", "ward": "Jesmond", "accept": "1"})
    data = editor_client.get(f"/api/changes/{cid}").json()
    assert data["ward"] == "Jesmond" and data["corrected"] == ["ward"]
    assert data["review"] == "verified"


def test_bad_corrections_are_refused_in_words(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "Bob Hart")
    nothing = editor_client.post(f"/review/{cid}/correct", data={"csrf_token": tok,
                                                                 "from_party": "Labour"})
    assert nothing.status_code == 422 and "nothing to correct" in nothing.text
    bad_date = editor_client.post(f"/review/{cid}/correct", data={"csrf_token": tok,
                                                                  "date": "soon"})
    assert bad_date.status_code == 422 and "YYYY" in bad_date.text
    assert editor_client.post("/review/9999/verify", data={"csrf_token": tok}).status_code == 404


def test_rejected_change_drops_out_of_every_count(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "John Smith")
    pid = editor_client.get(f"/api/changes/{cid}").json()["person_id"]
    editor_client.post(f"/review/{cid}/reject", data={"csrf_token": tok, "note": "wrong Smith"})
    listed = editor_client.get("/api/changes").json()
    assert listed["total"] == 5 and cid not in {c["id"] for c in listed["items"]}
    assert editor_client.get("/api/flows").json()["total"] == 5
    assert editor_client.get(f"/api/people/{pid}").json()["person"]["changes"] == 0
    assert len(ET.fromstring(editor_client.get("/feed.atom").content)
               .findall(f"{ATOM}entry")) == 5
    assert editor_client.get(f"/api/changes/{cid}").json()["review"] == "rejected"
    rejected = editor_client.get("/api/changes", params={"review": "rejected"}).json()
    assert [c["id"] for c in rejected["items"]] == [cid]
    log = editor_client.get("/corrections").text
    assert "wrong Smith" in log and "reject change" in log


def test_a_rejected_change_leaves_the_ledger(editor_client: TestClient) -> None:
    tok = sign_in(editor_client)
    cid = change_id(editor_client, "Bob Hart")
    editor_client.post(f"/review/{cid}/reject", data={"csrf_token": tok})
    luton = editor_client.get("/api/councils/luton").json()
    assert luton["composition"]["seats"]["Labour"] == 30
    assert "Independent" not in luton["composition"]["seats"] or \
        luton["composition"]["seats"]["Independent"] == 0
    assert luton["conflicts"] == []  # 30 is what the article said
    assert cid not in {c["id"] for c in luton["changes"]}


def test_review_queue_filters(editor_client: TestClient) -> None:
    sign_in(editor_client)
    low = editor_client.get("/review", params={"confidence": "low"}).text
    assert "Tom Reed" in low and "Priya Lamb" not in low
    conflicts = editor_client.get("/review", params={"conflicts": "1"}).text
    assert "Bob Hart" in conflicts and "Priya Lamb" not in conflicts
    assert editor_client.get("/review", params={"review": "nonsense"}).status_code == 400


# ------------------------------------------------------------------------------ databases


def test_the_app_on_each_database(db_url: str) -> None:
    """SQLite always; PostgreSQL too when FLOORCROSS_TEST_DATABASE_URL names a server. The app
    also keeps writing after its lifespan ends and starts again."""
    build_web_db(db_url)
    app = create_app(db_url, secret_key="k")
    with TestClient(app) as first:
        tok = sign_in(first)
        cid = change_id(first, "John Smith")
        first.post(f"/review/{cid}/verify", data={"csrf_token": tok})
        assert first.get(f"/api/changes/{cid}").json()["review"] == "verified"
        seats = first.get("/api/councils/luton").json()["composition"]["seats"]
        assert seats["Labour"] == 30
    with TestClient(app) as second:
        tok = sign_in(second)
        cid = change_id(second, "Bob Hart")
        done = second.post(f"/review/{cid}/reject", data={"csrf_token": tok},
                           follow_redirects=False)
        assert done.status_code == 303
        assert second.get("/api/councils/luton").json()["composition"]["seats"]["Labour"] == 30
        assert second.get("/api/flows").json()["total"] == 5
        assert second.get("/api/search", params={"q": "Lamb"}).json()["people"]


# ------------------------------------------------------------------------------ downloads


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    from floorcross.web.tables import cell, csv_text

    assert cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert cell("-12") == "-12" and cell(["a", "b"]) == "a; b" and cell(None) == ""
    assert csv_text([{"a": "@x", "b": 1}]) == "a,b\r\n'@x,1\r\n"


# ------------------------------------------------------------------------------ the CLI


def _cli() -> Any:
    from typer.testing import CliRunner

    from floorcross.cli import _register, app

    _register()
    return CliRunner(), app


def test_user_commands_add_list_reset_and_remove(tmp_path: Path) -> None:
    import json

    runner, app = _cli()
    db = str(tmp_path / "users.db")
    added = runner.invoke(app, ["user", "add", "alice", "--password-stdin", "--db", db],
                          input="a long password\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["user", "add", "alice", "--password-stdin", "--db", db],
                          input="another password\n")
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(app, ["user", "add", "bob", "--password-stdin", "--db", db],
                          input="short\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.output
    bad = runner.invoke(app, ["user", "add", "no spaces", "--password-stdin", "--db", db],
                        input="a long password\n")
    assert bad.exit_code == 2 and "bad user name" in bad.output
    prompted = runner.invoke(app, ["user", "add", "carol", "--db", db],
                             input="typed password\ntyped password\n")
    assert prompted.exit_code == 0, prompted.output
    assert "typed password" not in prompted.output  # the prompt does not echo it
    listed = runner.invoke(app, ["user", "list", "--format", "json", "--db", db])
    assert [u["name"] for u in json.loads(listed.stdout)] == ["alice", "carol"]
    reset = runner.invoke(app, ["user", "add", "alice", "--reset", "--password-stdin",
                                "--db", db], input="a new long password\n")
    assert reset.exit_code == 0
    store = open_store(db)
    try:
        from floorcross.web.users import authenticate

        assert authenticate(store, "alice", "a new long password") is not None
        assert authenticate(store, "alice", "a long password") is None
        with store.engine.connect() as conn:
            from sqlalchemy import text

            stored = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
        assert all(h.startswith("$argon2id$") for h in stored)
    finally:
        store.close()
    assert runner.invoke(app, ["user", "remove", "carol", "--db", db]).exit_code == 0
    missing = runner.invoke(app, ["user", "remove", "carol", "--db", db])
    assert missing.exit_code == 2 and "no user named carol" in missing.output


def test_serve_binds_localhost_unless_told(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    runner, app = _cli()
    db = str(tmp_path / "serve.db")
    done = runner.invoke(app, ["serve", "--db", db])
    assert done.exit_code == 0, done.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000
    assert "http://localhost:8000/" in done.output
    runner.invoke(app, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "9001"])
    assert (calls[1]["host"], calls[1]["port"]) == ("0.0.0.0", 9001)
    with TestClient(calls[0]["app"]) as served:
        assert served.get("/api/changes").json()["total"] == 0
    broken = runner.invoke(app, ["serve", "--db", "nosuchdriver://x/y"])
    assert broken.exit_code == 2 and "Traceback" not in broken.output


# ------------------------------------------------------------------------------ councils through time


def test_pages_show_the_sentence_behind_counts_and_councils_through_time(tmp_path: Path) -> None:
    """Our own articles through the real extractor: the Darlington counts are marked on the
    article page, and a former council's page links its successor (and back)."""
    from typer.testing import CliRunner

    from floorcross.cli import _register, app

    _register()
    fixtures = Path(__file__).parent / "fixtures"
    url = f"sqlite:///{tmp_path / 'time.db'}"
    result = CliRunner().invoke(app, ["ingest", str(fixtures / "ledger_checkpoints"),
                                      str(fixtures / "ledger_former"), "--no-fetch", "--db", url])
    assert result.exit_code == 0, result.stderr
    with TestClient(create_app(url, secret_key="k"), raise_server_exceptions=False) as c:
        page = c.get("/councils/E06000005").text
        assert "article 4</a>" in page and "a majority needs 26" in page
        assert "The council now has 22 Labour councillors" in page
        assert "could be: 1 move from Labour to Green" in page
        stated = c.get("/api/compositions", params={"council": "E06000005"}).json()["items"]
        spring = next(s for s in stated if s["date"] == "2024-04-10" and s["party"] == "Green")
        article = c.get(f"/api/articles/{spring['article_id']}").json()
        start, end = spring["evidence"]["start"], spring["evidence"]["end"]
        assert article["text"][start:end] == spring["evidence"]["text"]
        assert article["seat_evidence"][0]["start"] == start
        marked = c.get(f"/articles/{spring['article_id']}", params={"seats": "1"}).text
        assert '<mark class="evidence seats current" id="seats"' in marked

        waveney = c.get("/councils/E07000206").text
        assert "Harold Quennell" in waveney
        assert 'Replaced by <a href="/councils/E07000244">East Suffolk Council</a>' in waveney
        east = c.get("/councils/E07000244").text
        assert '<a href="/councils/E07000206">Waveney District Council</a>' in east
        data = c.get("/api/councils/E07000244").json()["composition"]
        assert [p["name"] for p in data["predecessors"]] == [
            "Suffolk Coastal District Council", "Waveney District Council"]
