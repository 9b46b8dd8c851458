"""Typesetting a compiled input as PDF with Typst.

Imports nothing from the app: large compilations run this file as a script in a fresh
Python process per edition (`python -I typeset.py FOLDER PARENT_PID`), which loads only
Typst, lays the edition out, writes `raw.pdf` and exits, giving its memory back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("typst") / "compilation.typ"
FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]


def prepare(data: dict, folder: Path) -> Path:
    """The template and its data (data.json) side by side in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE, folder / "compilation.typ")
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def compile_pdf(folder: Path) -> bytes:
    import typst

    fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
    return typst.compile(
        str(folder / "compilation.typ"),
        root=str(folder),
        font_paths=fonts,
        ignore_system_fonts=bool(fonts),
    )


def neutralise(pdf: bytes, output: Path, title: str) -> None:
    """Neutral properties: the title only; no software, no author, no machine names."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for key in list(document.docinfo.keys()):
            del document.docinfo[key]
        document.docinfo["/Title"] = title
        if "/Metadata" in document.Root:
            del document.Root["/Metadata"]
        document.save(output, deterministic_id=True)


class Typesetting:
    """Both editions, each laid out by Typst in its own process, one after the other.

    The first starts at once, while the caller writes the other formats; while Typst lays
    out the second, this process cleans the first one's properties. Typst uses every core
    already, so two layouts at once would only double the memory. Use as a context manager:
    leaving it early (an error) stops the process still running.
    """

    def __init__(self, data: dict[str, dict], building: Path, title: str, separate: bool = True):
        self.building, self.title, self.separate = building, title, separate
        # The restricted edition (the larger) first: only the last clean-up is not overlapped.
        self.order = sorted(data, key=lambda edition: edition != "restricted")
        self.folders = {e: prepare(data[e], building / f"pdf-{e}") for e in self.order}
        self.running: subprocess.Popen | None = None
        if separate:
            self.running = self._launch(self.order[0])

    def _launch(self, edition: str) -> subprocess.Popen:
        script = [sys.executable, "-I", __file__, str(self.folders[edition]), str(os.getpid())]
        return subprocess.Popen(script, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def finish(self) -> None:
        """Wait for both editions and write `<edition>.pdf` into the building folder."""
        for index, edition in enumerate(self.order):
            if not self.separate:  # small: in this process, no start-up cost
                pdf = compile_pdf(self.folders[edition])
                neutralise(pdf, self.building / f"{edition}.pdf", self.title)
                continue
            self._wait(edition)
            if index + 1 < len(self.order):
                self.running = self._launch(self.order[index + 1])
            raw = self.folders[edition] / "raw.pdf"
            neutralise(raw.read_bytes(), self.building / f"{edition}.pdf", self.title)

    def _wait(self, edition: str) -> None:
        assert self.running is not None  # launched before: by __init__, or for the one before
        _, errors = self.running.communicate()
        code, self.running = self.running.returncode, None
        if code != 0:
            message = errors.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
            raise RuntimeError(f"typesetting the {edition} edition failed: {message[0]}")

    def __enter__(self) -> Typesetting:
        return self

    def __exit__(self, *exc) -> None:  # an error goes on up
        if self.running is not None:
            self.running.kill()
            self.running.wait()


def _die_with_parent(parent: int) -> None:
    """Stop when the process that started us dies (a killed worker leaves no Typst
    running on): Linux's parent-death signal, and a check for a parent already gone.
    (The signal follows the starting thread; `Typesetting.finish` waits in that thread.)"""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        sys.exit(1)


if __name__ == "__main__":
    _die_with_parent(int(sys.argv[2]))
    folder = Path(sys.argv[1])
    (folder / "raw.pdf").write_bytes(compile_pdf(folder))
