"""The GCM's objectives, guiding principles, round-table clusters and review levels.

The data is a copy of the team's reference file, kept in the app (app/reference/gcm.json).
Titles are translated like any other string: scripts/extract.py puts them in the catalogs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.i18n import gettext

DATA_FILE = Path(__file__).with_name("gcm.json")


@dataclass(frozen=True)
class Objective:
    number: int
    title: str

    @property
    def label(self) -> str:
        return gettext(
            "Objective %(number)d: %(title)s", number=self.number, title=gettext(self.title)
        )

    @property
    def short_label(self) -> str:
        return gettext("Objective %(number)d", number=self.number)


@dataclass(frozen=True)
class Principle:
    key: str
    name: str

    @property
    def label(self) -> str:
        return gettext(self.name)


@dataclass(frozen=True)
class Cluster:
    number: int
    title: str
    objectives: tuple[int, ...]

    @property
    def label(self) -> str:
        """'Round table N: title' (some titles in the reference data already say so)."""
        if self.title.startswith("Round table"):
            return gettext(self.title)
        return gettext(
            "Round table %(number)d: %(title)s", number=self.number, title=gettext(self.title)
        )


@cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def objectives() -> tuple[Objective, ...]:
    return tuple(Objective(o["number"], o["title"]) for o in _data()["objectives"])


def objective(number: int) -> Objective:
    return objectives()[number - 1]


@cache
def principles() -> tuple[Principle, ...]:
    return tuple(Principle(p["key"], p["name"]) for p in _data()["guiding_principles"])


def principle(key: str) -> Principle:
    return next(p for p in principles() if p.key == key)


@cache
def clusters() -> tuple[Cluster, ...]:
    return tuple(
        Cluster(c["number"], c["title"], tuple(c["objectives"]))
        for c in _data()["round_table_clusters"]
    )


def cluster_of(objective_number: int) -> Cluster | None:
    return next((c for c in clusters() if objective_number in c.objectives), None)


REVIEW_LEVELS = ("local", "national", "regional", "global")


def level_label(level: str) -> str:
    entry = next((lv for lv in _data()["review_levels"] if lv["key"] == level), None)
    return gettext(entry["label"]) if entry else level


def contribution_types() -> tuple[str, ...]:
    return tuple(_data()["contribution_types"])


def extract_gcm(fileobj, keywords, comment_tags, options):
    """Babel extractor: every title and name in gcm.json becomes a translatable string."""
    data = json.load(fileobj)
    for item in data["objectives"] + data["round_table_clusters"]:
        yield 0, "gettext", item["title"], ["GCM reference data"]
    for item in data["guiding_principles"]:
        yield 0, "gettext", item["name"], ["GCM guiding principle"]
    for item in data["review_levels"]:
        yield 0, "gettext", item["label"], ["GCM review level"]
