"""People's names: titles off, one canonical form per person, matching across mentions.

"Councillor Mohammed Aslam Khan", "Aslam Khan", "Mr Khan" and "Cllr Khan" are one person in an
article; the record uses the fullest form the article gives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from floorcross.resources import titles_data

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Title:
    form: str
    office: str | None
    plural: bool


@cache
def titles() -> tuple[Title, ...]:
    """Titles from ``titles.yaml``, longest first."""
    items = [
        Title(t["form"], t.get("office"), bool(t.get("plural", False)))
        for t in titles_data()["titles"]
    ]
    return tuple(sorted(items, key=lambda t: len(t.form), reverse=True))


@cache
def title_regex() -> re.Pattern[str]:
    """A regex matching any title, case-sensitive except for "councillor(s)"."""
    forms = [re.escape(t.form).replace(r"\ ", r"\s+") for t in titles()]
    return re.compile(rf"(?<![\w-])(?:{'|'.join(forms)})(?![\w])")


@cache
def _title_forms() -> dict[str, Title]:
    return {t.form.lower().rstrip("."): t for t in titles()}


def title_info(word: str) -> Title | None:
    """The title a word (or phrase) is, if any: ``title_info("Cllrs").plural`` is True."""
    return _title_forms().get(re.sub(r"\s+", " ", word).lower().rstrip("."))


@cache
def _post_nominals() -> frozenset[str]:
    return frozenset(titles_data()["post_nominals"])


@cache
def name_particles() -> frozenset[str]:
    return frozenset(p.lower() for p in titles_data()["name_particles"])


@lru_cache(maxsize=65536)
def strip_titles(name: str) -> str:
    """A name without leading titles or trailing letters: "Cllr Keith Prince MBE" -> "Keith Prince"."""
    text = re.sub(r"\s+", " ", name).strip(" ,;:-–—'\"“”‘’()")
    text = re.sub(r"['’]s$", "", text)
    changed = True
    while changed:
        changed = False
        for title in titles():
            form = title.form
            if text.startswith(form + " ") and len(text) > len(form) + 1:
                text = text[len(form) + 1 :].lstrip()
                changed = True
                break
    words = text.split()
    while len(words) > 1 and words[-1].rstrip(",.") in _post_nominals():
        words.pop()
    return " ".join(words)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents or punctuation, for comparing names."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9' -]", "", text.lower()).replace("-", " ")


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name without titles."""
    return tuple(t.strip("'") for t in fold(strip_titles(name)).split() if t.strip("'"))


def surname(name: str) -> str:
    """The last word of a name ("de Oliveira" keeps its particle)."""
    words = strip_titles(name).split()
    if not words:
        return ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in name_particles():
        start -= 1
    return " ".join(words[start:])


def same_person(a: str, b: str) -> bool:
    """Whether two names in one article can be the same person.

    True when one name's words are all in the other and the last words agree, or when one
    is a bare surname of the other: "Aslam Khan" ~ "Mohammed Aslam Khan", "Khan" ~ "Aslam Khan".
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if short[-1] != long_[-1]:
        return False
    return set(short) <= set(long_)


@dataclass
class PersonCluster:
    """All mentions of one person in one article."""

    names: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The fullest form: most words, then longest, then first seen."""
        best = max(self.names, key=lambda n: (len(n.split()), len(n), -self.names.index(n)))
        return best

    def matches(self, name: str) -> bool:
        return any(same_person(name, n) for n in self.names)


def cluster_names(names: list[str]) -> list[PersonCluster]:
    """Group names that refer to the same person, in order of first mention.

    A bare surname joins the most recently mentioned person it fits; two full names with the
    same surname but different first names ("Pat Flynn", "Ted Flynn") stay apart.
    """
    clusters: list[PersonCluster] = []
    for name in names:
        tokens = name_tokens(name)
        if not tokens:
            continue
        if len(tokens) >= 2:
            # A full name is compared with full names only: a bare "Flynn" joined to Ted Flynn
            # must not pull Pat Flynn in too.
            full = [c for c in clusters if any(len(name_tokens(n)) >= 2 for n in c.names)]
            fits = [c for c in full if any(same_person(name, n) for n in c.names if len(name_tokens(n)) >= 2)]
            if not fits:
                fits = [c for c in clusters if c not in full and c.matches(name)]
        else:
            fits = [c for c in clusters if c.matches(name)]
        if fits:
            fits[-1].names.append(name)
        else:
            clusters.append(PersonCluster([name]))
    return clusters
