"""Typesetting a compiled input as PDF with Typst.

Imports nothing from the app, so it can run in a fresh process next to the other edition.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

TEMPLATE = Path(__file__).with_name("typst") / "compilation.typ"
FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]


def typeset_pdf(data: dict, folder: str, output: str, title: str) -> str:
    """Write data.json next to the template in `folder`, compile, neutralise the metadata."""
    import pikepdf
    import typst

    work = Path(folder)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE, work / "compilation.typ")
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
    pdf = typst.compile(
        str(work / "compilation.typ"),
        root=str(work),
        font_paths=fonts,
        ignore_system_fonts=bool(fonts),
    )
    with pikepdf.open(io.BytesIO(pdf)) as document:
        # Neutral properties: the title only; no software, no author, no machine names.
        for key in list(document.docinfo.keys()):
            del document.docinfo[key]
        document.docinfo["/Title"] = title
        if "/Metadata" in document.Root:
            del document.Root["/Metadata"]
        document.save(output, deterministic_id=True)
    return output
