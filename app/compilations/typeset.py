"""Typesetting a compiled input as PDF with Typst, in parts that are joined.

Typst holds the whole layout of a document in memory until it has written the PDF (about
1.5 GB for the 1,250 pages of 500 submissions) and lays it out on about one core. So each
edition is laid out in parts, each by a short Typst run that gives its memory back when it
ends, two runs at a time, and the parts are joined with pikepdf:

- **body parts**: the texts, about PART_CHARACTERS characters each. A part ends where a
  group ends (its next heading starts a page anyway) or, in a long group, in the middle:
  then the run marks its last texts (the page each text and paragraph begins on, and
  whether it begins that page), the join keeps its pages before the last page that begins
  with one of them, and the next part (whose file starts with those texts) begins with
  that one: every page is the one a single run would make.
- **the frame**: cover, contents, method, figures, tables, index and annex, with one empty
  page standing in for each page of the body. These pages carry the running heads and page
  numbers, and the body's headings stand on them, hidden, where the body has them: the
  contents' page numbers and links and the bookmarks are Typst's own.
- **the join**: the frame's pages, with each body page in the place of its stand-in and
  drawing the stand-in (its running head and number) first; the tags for screen readers
  joined into one tree; the properties neutral (the title only); object streams.

Imports nothing from the app: large compilations run this file as a script (`python -I
typeset.py BUILDING PARENT_PID`), which loads Typst and pikepdf once and forks a child
for each Typst run and each join (see `typeset`); small ones call `typeset` in the app's
process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).with_name("typst") / "compilation.typ"
FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]

# Text characters per body part (see _characters): Typst needs about 0.3 KB of memory per
# character while it lays a part out (about 300 MB for a million), whatever the whole.
PART_CHARACTERS = 1_200_000
# A part that goes on in the middle of a group starts with about this much of the part
# before (some 25 pages), so that it can begin with the first text or paragraph of that
# part's last pages that begins a page. Only these texts are marked (see _cut), and only
# the pages after the cut are laid out twice.
OVERLAP_CHARACTERS = 100_000
# Typst runs and joins at a time: Typst lays out on about one core.
PROCESSES = 2


# -- Preparing the parts (in the app's process) --------------------------------------------


def prepare(data: dict, folder: Path, title: str) -> Path:
    """The template, the frame's data and each body part's data, side by side in `folder`,
    and `plan.json`: which part holds which texts."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE, folder / "compilation.typ")
    common = {key: data[key] for key in ("language", "direction", "labels", "consultation")}
    entries: list[dict] = []
    for group in data["groups"]:
        entries.append({"heading": group["title"]})
        entries.extend(_item(item) for item in group["items"])
    parts = _split(entries)
    plan = []
    for number, (first, own, end) in enumerate(parts):
        following = parts[number + 1] if number + 1 < len(parts) else None
        goes_on = following is not None and following[0] < following[1]
        body = {"part": "body", **common, "entries": entries[first:end]}
        if following is not None and goes_on:  # its last texts are marked (see _cut)
            body["marked_from"] = following[0] - first
        _write(folder / f"body-{number}.json", body)
        plan.append(
            {
                "first": first,
                "own": own,
                "weight": sum(_characters(entry) for entry in entries[own:end]),
                # [entry in the part's file, title] of each group heading in it
                "headings": [
                    [e - first, entries[e]["heading"]]
                    for e in range(first, end)
                    if _is_heading(entries[e])
                ],
            }
        )
    frame = {key: data[key] for key in FRAME_KEYS}
    frame["part"] = "frame"
    frame["submissions"] = [{key: s[key] for key in SUBMISSION_KEYS} for s in data["submissions"]]
    _write(folder / "frame.json", frame)
    # Last, and whole at once: the typesetting process takes the edition up when it appears.
    _write(folder / "plan.tmp", {"title": title, "parts": plan})
    (folder / "plan.tmp").replace(folder / "plan.json")
    return folder


FRAME_KEYS = (
    "labels", "language", "direction", "version", "compiled_on", "method", "consultation",
    "figures", "objective_index", "annex",
)  # fmt: skip
SUBMISSION_KEYS = ("ref", "credit", "language_name", "objectives", "paragraph_range", "words")
ITEM_KEYS = ("ref", "credit", "endorsements", "context", "language", "direction", "translation")


def _item(item: dict) -> dict:
    """What the template prints of a text: its paragraphs, credit and context lines."""
    slim = {key: item[key] for key in ITEM_KEYS if key in item}
    slim["paragraphs"] = [
        {key: p[key] for key in ("n", "number", "text", "original") if key in p}
        for p in item["paragraphs"]
    ]
    return slim


def _is_heading(entry: dict) -> bool:
    return "heading" in entry


def _characters(entry: dict) -> int:
    """About what an entry costs Typst, in characters of text."""
    if _is_heading(entry):
        return 200
    paragraphs = entry["paragraphs"]
    text = sum(len(p["text"]) + len(p.get("original", "")) for p in paragraphs)
    return 300 + 60 * len(paragraphs) + text


def _split(entries: list[dict]) -> list[tuple[int, int, int]]:
    """Body parts as (first, own, end): the part's file holds entries[first:end] and it is
    laid out from `own` on, or, when it goes on in the middle of a group (first < own), from
    where the part before stops (the start of a page of that part's last ones).

    Whole groups go together up to PART_CHARACTERS; a longer group is cut into pieces of
    about equal size."""
    weights = [_characters(entry) for entry in entries]
    groups = [index for index, entry in enumerate(entries) if _is_heading(entry)]
    starts: list[int] = []  # where each part's own entries begin
    pieces_of: set[int] = set()  # parts that go on in the middle of a group
    size = 0
    for number, start in enumerate(groups):
        end = groups[number + 1] if number + 1 < len(groups) else len(entries)
        weight = sum(weights[start:end])
        if starts and weight <= PART_CHARACTERS and size + weight <= PART_CHARACTERS:
            size += weight  # joins the part before
            continue
        starts.append(start)
        pieces = -(-weight // PART_CHARACTERS)
        size = 0
        for index in range(start, end):
            if size >= weight / pieces:
                starts.append(index)
                pieces_of.add(index)
                size = 0
            size += weights[index]
    parts = []
    for number, own in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(entries)
        first, overlap = own, 0
        if own in pieces_of:
            while first > starts[number - 1] and overlap < OVERLAP_CHARACTERS:
                if _is_heading(entries[first - 1]):
                    break
                first -= 1
                overlap += weights[first]
        parts.append((first, own, end))
    return parts


def _write(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


# -- Typst runs --------------------------------------------------------------------------


def lay_out(folder: Path, name: str, start: str = "0 -1") -> None:
    """One Typst run: `name.json` → `name.pdf`, and in `name.info.json` its number of
    pages, the page of each heading (from the bookmarks) and the marks (a query after the
    layout, which Typst has kept: no second layout)."""
    import pikepdf
    import typst

    compiler = typst.Compiler(
        str(folder / "compilation.typ"),
        root=str(folder),
        font_paths=_fonts(),
        sys_inputs={"data": f"{name}.json", "start": start},
    )
    pdf = compiler.compile()
    assert isinstance(pdf, bytes)  # one document (not one image per page)
    marks = json.loads(compiler.query("<mark>", field="value"))
    (folder / f"{name}.pdf").write_bytes(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        numbers: dict[Any, int] = {
            page.objgen: number for number, page in enumerate(document.pages, 1)
        }
        outlines = document.Root.get("/Outlines")
        headings, item = [], None if outlines is None else outlines.get("/First")
        while item is not None:
            headings.append(numbers[item.Dest[0].objgen])
            item = item.get("/Next")
        info = {"pages": len(numbers), "headings": headings, "marks": marks}
    _write(folder / f"{name}.info.json", info)


_FONTS: list = []


def _fonts():
    """The Noto fonts (found once per process: children forked later have them)."""
    if not _FONTS:
        import typst

        found = [d for d in FONT_DIRS if Path(d).is_dir()]
        _FONTS.append(typst.Fonts(include_system_fonts=not found, font_paths=found))
    return _FONTS[0]


class Edition:
    """One edition's parts, what their runs found, and what can run next."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name.removeprefix("pdf-")
        self.plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        self.parts = self.plan["parts"]
        # Where each part begins ("entry paragraph" in its file), once it is known: at once,
        # unless it goes on where the part before stops.
        self.starts = {
            number: f"{part['own'] - part['first']} -1"
            for number, part in enumerate(self.parts)
            if part["own"] == part["first"]
        }
        self.kept: dict[int, int] = {}  # part: its pages that go into the PDF
        self.headings: list[dict] = []  # title and page (from 0) in the body
        self.started: set = set()
        self.finished: set = set()
        self.before = 0  # pages of the frame before the body's

    def start(self, job: tuple) -> None:
        self.started.add(job[:2] if job[0] == "body" else job[0])
        if job[0] == "frame":
            _write(self.folder / "layout.json", self.layout())

    def end(self, job: tuple) -> None:
        if job[0] == "body":
            self.body_done(job[1])
        elif job[0] == "frame":
            self.frame_done()
        else:
            self.finished.add("join")

    def left(self) -> int:
        """Characters of the body parts not started yet."""
        return sum(
            part["weight"]
            for number, part in enumerate(self.parts)
            if ("body", number) not in self.started
        )

    def ready(self) -> list[tuple]:
        """Jobs that can start: ("body", number, start), ("frame",) or ("join",)."""
        jobs: list[tuple] = [
            ("body", number, start)
            for number, start in sorted(self.starts.items())
            if ("body", number) not in self.started
        ]
        if len(self.kept) == len(self.parts) and "frame" not in self.started:
            jobs.append(("frame",))
        if "frame" in self.finished and "join" not in self.started:
            jobs.append(("join",))
        return jobs

    def body_done(self, number: int) -> None:
        """What a body run found: its pages, and, when the next part goes on in this group,
        the page it begins (this part keeps the pages before) and where in its file."""
        info = self._info(f"body-{number}")
        keep = info["pages"]
        following = self.parts[number + 1] if number + 1 < len(self.parts) else None
        if following is not None and following["first"] < following["own"]:
            cut = _cut(info["marks"])
            entry = None if cut is None else self.parts[number]["first"] + cut[0]
            if entry is None or entry < following["first"]:
                # No page of the last ones begins with a text or paragraph (never seen with
                # paragraphs of usual length): the next part begins with its own texts on a
                # page of its own.
                self.starts[number + 1] = f"{following['own'] - following['first']} -1"
            else:
                assert cut is not None  # (entry is None otherwise)
                keep = cut[2] - 1
                self.starts[number + 1] = f"{entry - following['first']} {cut[1]}"
        self.kept[number] = keep

    def layout(self) -> dict:
        """The body's pages and on which of them its headings are, for the frame."""
        offset, headings = 0, []
        for number, part in enumerate(self.parts):
            keep = self.kept[number]
            start = int(self.starts[number].split()[0])
            titles = [title for e, title in part["headings"] if e >= start]
            pages = self._info(f"body-{number}")["headings"]
            for title, page in zip(titles, pages, strict=True):
                if page <= keep:
                    headings.append({"title": title, "page": offset + page - 1})
            offset += keep
        self.headings = headings
        return {"pages": offset, "headings": headings}

    def frame_done(self) -> None:
        """Check that the frame stands its empty pages where the body's pages go: its
        bookmarks are its own headings, the body's (hidden), then the annex."""
        pages = sum(self.kept.values())
        bookmarks = self._info("frame")["headings"]
        annex = bookmarks[-1]
        self.before = annex - 1 - pages
        ghosts = bookmarks[len(bookmarks) - 1 - len(self.headings) : -1]
        if ghosts != [self.before + 1 + h["page"] for h in self.headings]:
            raise RuntimeError("the frame's pages do not match the body's")
        parts = [
            {"pdf": f"body-{number}.pdf", "keep": self.kept[number]}
            for number in range(len(self.parts))
        ]
        _write(
            self.folder / "join.json",
            {"title": self.plan["title"], "before": self.before, "pages": pages, "parts": parts},
        )
        self.finished.add("frame")

    def _info(self, name: str) -> dict:
        return json.loads((self.folder / f"{name}.info.json").read_text(encoding="utf-8"))


def _cut(marks: list) -> tuple[int, int, int] | None:
    """The last place in a body run's marked texts where a page begins with a text (its
    credit lines) or a paragraph, after the first page: (entry, paragraph, page), or None.
    (Typst puts a mark between two blocks on the page of the block after it.)"""
    for e, p, page, begins in reversed(marks):
        if begins and page > 1:
            return e, p, page
    return None


# -- Running the parts, two at a time ------------------------------------------------------


def typeset(building: Path, separate: bool, names: list[str] | None = None) -> None:
    """Lay out and join the editions `names` (all prepared ones if none given) under
    `building` (folders `pdf-<edition>`), writing `<edition>.pdf`. An edition is taken up as
    soon as it is prepared (its plan written): the first starts while the app still makes
    the other. Separate: each Typst run and join in a child process of its own (forked from
    this one, which has loaded Typst and pikepdf but never runs them), PROCESSES at a time;
    otherwise one after the other in this process. If jobs fail, the ones running are let
    end and the first edition in `names` that failed is named."""
    names = names or [folder.name.removeprefix("pdf-") for folder in sorted(building.glob("pdf-*"))]
    editions: list[Edition] = []
    running: dict[int, tuple] = {}  # child's pid: (edition, job, when it started)
    failed: dict[str, str] = {}  # edition: why
    log = open(os.environ["TYPESET_LOG"], "a") if os.environ.get("TYPESET_LOG") else None  # noqa: SIM115
    try:
        while True:
            for name in names[len(editions) :]:  # in order, once prepared
                if not (building / f"pdf-{name}" / "plan.json").exists():
                    break
                editions.append(Edition(building / f"pdf-{name}"))
            jobs = [] if failed else [(e, job) for e in editions for job in e.ready()]
            if not jobs and not running:
                if failed or len(editions) == len(names):
                    break
                time.sleep(0.02)  # the next edition is being prepared
                continue
            # What ends an edition first, then the body parts of the edition with the most
            # left to lay out, so that both end about together.
            jobs.sort(
                key=lambda pair: ({"join": 0, "frame": 1}.get(pair[1][0], 2), -pair[0].left())
            )
            if not separate:
                edition, job = jobs[0]
                edition.start(job)
                _run(edition, job, building)
                edition.end(job)
                continue
            for edition, job in jobs[: PROCESSES - len(running)]:
                edition.start(job)
                running[_fork(edition, job, building)] = (edition, job, time.time())
            pid, status, usage = os.wait4(-1, 0)
            edition, job, began = running.pop(pid)
            if log:  # a measuring aid (bench/compile.py): when each job began and ended, its CPU
                cpu = usage.ru_utime + usage.ru_stime
                log.write(f"{began:.2f} {time.time():.2f} {edition.name} {_name(job)} {cpu:.2f}\n")
            if os.waitstatus_to_exitcode(status) != 0:
                errors = edition.folder / f"{_name(job)}.err"
                message = errors.read_text(errors="replace") if errors.exists() else ""
                failed.setdefault(edition.name, message or f"stopped ({status})")
                continue
            edition.end(job)
    finally:
        for pid in running:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    for name in names:
        if name in failed:
            raise TypesettingFailed(name, failed[name])
    for edition in editions:
        if "join" not in edition.finished:
            raise TypesettingFailed(edition.name, "its parts could not all be laid out")


def _name(job: tuple) -> str:
    return f"body-{job[1]}" if job[0] == "body" else job[0]


def _run(edition: Edition, job: tuple, building: Path, child: bool = False) -> None:
    try:
        if job[0] == "body":
            lay_out(edition.folder, _name(job), job[2])
        elif job[0] == "frame":
            lay_out(edition.folder, "frame")
        else:
            join(edition.folder, building / f"{edition.name}.pdf", ending=child)
    except Exception as error:
        raise TypesettingFailed(edition.name, _message(error)) from error


def _fork(edition: Edition, job: tuple, building: Path) -> int:
    """A child process that does one job and ends (its memory goes back to the system)."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _die_with_parent(parent)
        _run(edition, job, building, child=True)
        code = 0
    except BaseException as error:
        message = error.message if isinstance(error, TypesettingFailed) else _message(error)
        (edition.folder / f"{_name(job)}.err").write_text(message)
    finally:
        os._exit(code)


class TypesettingFailed(RuntimeError):
    def __init__(self, edition: str, message: str):
        super().__init__(f"typesetting the {edition} edition failed: {message}")
        self.edition, self.message = edition, message


def _message(error: BaseException) -> str:
    """The last line of what went wrong (Typst's errors carry it as `message`)."""
    lines = (getattr(error, "message", None) or str(error)).strip().splitlines()
    return lines[-1] if lines else type(error).__name__


# -- The join ------------------------------------------------------------------------------


def join(folder: Path, output: Path, ending: bool = False) -> None:
    """The frame's pages with the body's pages in place of its stand-ins; one tree of tags;
    neutral properties. Written to `output`. `ending`: the process ends right after (a child),
    so the files are left open: closing them, and freeing what was read of them, cost about a
    third of the join's time (1.1 of 3.3 s of CPU for the restricted edition of 500
    submissions)."""
    import pikepdf

    plan = json.loads((folder / "join.json").read_text(encoding="utf-8"))
    before, count = plan["before"], plan["pages"]
    # The parts stay open until the joined file is written: qpdf copies their streams then.
    with contextlib.ExitStack() as stack:
        frame = stack.enter_context(pikepdf.open(folder / "frame.pdf"))
        pages = [page.obj for page in frame.pages]
        stand_ins = pages[before : before + count]
        tree = _Tree(frame, pages, before, count)
        # The body pages are copied as objects and put in the page tree once, at the end
        # (appending them one by one to the page list cost a tenth of the join: qpdf lists
        # all pages again for each one).
        placed: list = []
        parent = frame.Root.Pages
        for part in plan["parts"]:
            source = stack.enter_context(pikepdf.open(folder / part["pdf"]))
            own = [page.obj for page in source.pages]
            copied = [frame.copy_foreign(page) for page in own[: part["keep"]]]
            for page in copied:
                page.Parent = parent
            tree.add(source, own, copied)
            placed += copied
        if len(placed) != count:
            raise RuntimeError(f"{len(placed)} body pages for {count} stand-ins")
        # Each body page draws its stand-in's running head and page number first: the
        # stand-in's content becomes a form of the body page's, drawn by one shared stream.
        draw = pikepdf.Stream(frame, b"q /GcmFrame Do Q\n")
        moved = {}
        for page, stand_in in zip(placed, stand_ins, strict=True):
            resources = page.Resources
            xobjects = resources.get("/XObject")
            if xobjects is None:
                resources.XObject = xobjects = pikepdf.Dictionary()
            xobjects.GcmFrame = _form(stand_in)
            contents = page.Contents
            page.Contents = pikepdf.Array(
                [draw, *(contents if isinstance(contents, pikepdf.Array) else [contents])]
            )
            moved[stand_in.objgen] = page
        # Front, body, back (the frame's pages after the stand-ins); the stand-ins go.
        order = pages[:before] + placed + pages[before + count :]
        _point_at(frame, order, moved)
        tree.finish()
        parent.Kids = pikepdf.Array(order)
        parent.Count = len(order)
        _neutralise(frame, plan["title"])
        frame.save(
            output,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        if ending:
            _LEFT_OPEN.append(stack.pop_all())


_LEFT_OPEN: list = []  # the files of a join in a child that is about to end


class _Tree:
    """The frame's tree of tags (structure for screen readers), with the body parts' trees
    put in place of the stand-in pages' own (their hidden headings)."""

    def __init__(self, frame, pages: list, before: int, count: int):
        import pikepdf

        self.pikepdf, self.frame = pikepdf, frame
        self.root = frame.Root.StructTreeRoot
        self.document = _document(self.root)
        self.numbers = pikepdf.NumberTree(self.root.ParentTree)
        self.next_key = int(self.root.get("/ParentTreeNextKey", len(self.numbers)))
        numbers = {page.objgen: index for index, page in enumerate(pages)}
        self.front: list = []
        self.back: list = []
        self.body: list = []
        place: list | None = self.front
        for kid in _kids(self.document):
            page = _first_page(kid)
            if page is not None:
                index = numbers.get(page.objgen, 0)
                place = (
                    self.front if index < before else None if index < before + count else self.back
                )
            if place is not None:  # the stand-ins' own (hidden headings) go
                place.append(kid)
        for page in pages[before : before + count]:
            if "/StructParents" in page and int(page.StructParents) in self.numbers:
                del self.numbers[int(page.StructParents)]

    def add(self, source, own: list, pages: list) -> None:
        """A body part's tags for its first pages (`own`, its pages; `pages`, the copies of its
        first ones in the frame), as one grouping element (/Div) of the frame's document."""
        pikepdf = self.pikepdf
        root = source.Root.StructTreeRoot
        document = _document(root)
        if len(pages) < len(own):  # its last pages were left out: so are their tags
            kept = {own[index].objgen for index in range(len(pages))}
            kids = document.K
            while len(kids) and (page := _first_page(kids[len(kids) - 1])) is not None:
                if page.objgen in kept:
                    break
                del kids[len(kids) - 1]
        del document.P  # copy the part's elements, not its whole tree
        document.S = pikepdf.Name.Div
        copied = self.frame.copy_foreign(document)
        copied.P = self.document
        self.body.append(copied)
        numbers = pikepdf.NumberTree(root.ParentTree)
        for index, page in enumerate(pages):
            old = own[index]
            if "/StructParents" in old:
                page.StructParents = self._key(numbers, int(old.StructParents))
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = self._key(numbers, int(annotation.StructParent))
        for role, value in root.get("/RoleMap", {}).items():
            self.root.RoleMap[role] = value

    def _key(self, numbers, old: int) -> int:
        key, self.next_key = self.next_key, self.next_key + 1
        if old in numbers:
            self.numbers[key] = self.frame.copy_foreign(numbers[old])
        return key

    def finish(self) -> None:
        self.document.K = self.pikepdf.Array(self.front + self.body + self.back)
        self.root.ParentTreeNextKey = self.next_key


def _document(root):
    """The tree's one top element (Typst: /Document)."""
    kids = root.K
    return kids[0] if hasattr(kids, "append") and len(kids) == 1 else kids


def _kids(element):
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if hasattr(kids, "append") else [kids]


def _first_page(element):
    """The first page an element's content is on (its own /Pg or its first kid's)."""
    stack = [element]
    while stack:
        node = stack.pop(0)
        if not hasattr(node, "get"):
            continue
        page = node.get("/Pg")
        if page is not None:
            return page
        stack[:0] = _kids(node)
    return None


def _form(page):
    """A page's content as a form XObject (its own content stream, made one in place)."""
    import pikepdf

    contents = page.Contents
    if isinstance(contents, pikepdf.Array):
        return pikepdf.Page(page).as_form_xobject()
    contents.Type = pikepdf.Name.XObject
    contents.Subtype = pikepdf.Name.Form
    contents.BBox = page.MediaBox
    contents.Resources = page.Resources
    return contents


def _point_at(frame, pages: list, moved: dict) -> None:
    """Links and bookmarks that pointed at a stand-in page point at the body page now."""

    def fix(destination):
        if (
            hasattr(destination, "append")
            and len(destination)
            and hasattr(destination[0], "objgen")
        ):
            target = moved.get(destination[0].objgen)
            if target is not None:
                destination[0] = target

    for page in pages:
        for annotation in page.get("/Annots", []):
            fix(annotation.get("/Dest"))
            action = annotation.get("/A")
            if action is not None:
                fix(action.get("/D"))
    outlines = frame.Root.get("/Outlines")
    stack = [outlines.get("/First")] if outlines is not None else []
    while stack:
        item = stack.pop()
        if item is None:
            continue
        fix(item.get("/Dest"))
        action = item.get("/A")
        if action is not None:
            fix(action.get("/D"))
        stack += [item.get("/First"), item.get("/Next")]


def _neutralise(document, title: str) -> None:
    """Neutral properties: the title only; no software, no author, no machine names."""
    for key in list(document.docinfo.keys()):
        del document.docinfo[key]
    document.docinfo["/Title"] = title
    if "/Metadata" in document.Root:
        del document.Root["/Metadata"]


# -- In the app's process --------------------------------------------------------------------


class Typesetting:
    """The editions' PDFs. Add each edition's content as soon as it is made (the larger
    first): with `separate` (large compilations), a typesetting process of its own (this
    file as a script) starts at once, loads Typst and finds the fonts while the caller makes
    the first edition's content, starts on each edition as soon as it is added, and works
    while the caller makes the next one and writes the other formats; otherwise everything
    is laid out in this process when `finish` is called. Use as a context manager: leaving
    it early (an error) stops the process still running."""

    def __init__(self, building: Path, title: str, editions: list[str], separate: bool):
        self.building, self.title, self.editions = building, title, editions
        self.separate = separate
        self.running: subprocess.Popen | None = None
        if separate:
            script = [sys.executable, "-I", __file__, str(self.building), str(os.getpid())]
            self.running = subprocess.Popen(
                [*script, *self.editions], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )

    def add(self, edition: str, content: dict) -> None:
        prepare(content, self.building / f"pdf-{edition}", self.title)

    def finish(self) -> None:
        """Wait for every edition: `<edition>.pdf` in the building folder."""
        if not self.separate:
            typeset(self.building, separate=False, names=self.editions)
            return
        assert self.running is not None  # started by add() when separate
        _, errors = self.running.communicate()
        code, self.running = self.running.returncode, None
        if code != 0:
            lines = errors.decode(errors="replace").strip().splitlines()
            raise RuntimeError((lines[-1:] or ["typesetting failed"])[0])

    def __enter__(self) -> Typesetting:
        return self

    def __exit__(self, *exc) -> None:
        if self.running is not None:
            self.running.kill()
            self.running.wait()


def _die_with_parent(parent: int) -> None:
    """Stop when the process that started us dies (a killed worker leaves no Typst
    running on): Linux's parent-death signal, and a check for a parent already gone.
    (The signal follows the starting thread, which waits for this process.)"""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        sys.exit(1)


def main(building: str, parent: str, *names: str) -> None:
    """`python -I typeset.py BUILDING PARENT_PID [EDITION...]`: the editions (or every one
    prepared) in BUILDING, each as soon as it is prepared."""
    _die_with_parent(int(parent))
    import pikepdf  # noqa: F401 (loaded once here, before the children are forked)

    _fonts()
    try:
        typeset(Path(building), separate=True, names=list(names))
    except TypesettingFailed as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main(*sys.argv[1:])
