"""Write a `.br` and a `.gz` copy beside every compressible static file (see app/compression.py).

    python -m scripts.precompress            # app/static
    python -m scripts.precompress FOLDER

Copies are rewritten only when older than their file; they are build products (gitignored).
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import brotli

from app.compression import COMPRESSIBLE_SUFFIXES

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"


def precompress(folder: Path) -> list[Path]:
    written = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or not path.name.endswith(COMPRESSIBLE_SUFFIXES):
            continue
        data = path.read_bytes()
        for suffix, compress in (
            (".br", lambda raw: brotli.compress(raw, quality=11)),
            (".gz", lambda raw: gzip.compress(raw, compresslevel=9, mtime=0)),
        ):
            copy = path.with_name(path.name + suffix)
            if copy.exists() and copy.stat().st_mtime >= path.stat().st_mtime:
                continue
            copy.write_bytes(compress(data))
            # The copy is as new as its file at least, so the app serves it.
            stat = path.stat()
            os.utime(copy, ns=(stat.st_atime_ns, max(stat.st_mtime_ns, copy.stat().st_mtime_ns)))
            written.append(copy)
    return written


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else STATIC
    for copy in precompress(folder):
        print(f"{copy.relative_to(folder)}: {copy.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
