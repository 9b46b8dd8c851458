"""How long each crafted bomb of the upload corpus takes to be refused, and what it costs.

    .venv/bin/python bench/uploads.py [--repeat 3]

Each file is made here (tests/files/corpus.py), then cleaned by `app.files.cleaning.clean`
(what an upload runs between reading the request and writing the file) in a fresh process
of its own, so that the peak memory it reports is that file's alone. "Extra" is the peak
resident size (Linux's VmHWM, reset through /proc/self/clear_refs once one small file of
each kind has loaded the libraries) minus the size just before the call; getrusage's
ru_maxrss would start at this script's own peak, which Linux carries over exec. Time is the
best of --repeat runs in that process. Target: every bomb refused in under 2 s, within
200 MB. Legitimate files of the corpus and the largest pictures, for comparison.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus lives with the tests

ONE_FILE = """
import json, re, sys, time
from pathlib import Path
from app.files.cleaning import FileRefused, clean
from tests.files import corpus

for make in (corpus.photo_jpeg, corpus.photo_png, corpus.docx_full, corpus.odt_full,
             corpus.pdf_full):
    clean(make())  # the libraries loaded, as in a worker that has served uploads
data = Path(sys.argv[1]).read_bytes()

def memory(field):
    status = open("/proc/self/status").read()
    return int(re.search(field + r":\\s+(\\d+) kB", status).group(1))

with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # the peak becomes the present size
before = memory("VmRSS")
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    try:
        outcome = "kept, %d KB" % (len(clean(data).data) // 1024)
    except FileRefused as refused:
        outcome = "refused: " + refused.reason
    times.append(time.perf_counter() - start)
extra = memory("VmHWM") - before
print(json.dumps({"seconds": min(times), "extra_kb": extra, "outcome": outcome}))
"""


def photo(side: int, kind: str) -> bytes:
    """A square photo-like picture (blurred noise over a gradient) of side x side pixels."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((side, side), 60).filter(ImageFilter.GaussianBlur(2))
    gradient = Image.linear_gradient("L").resize((side, side))
    picture = Image.merge("RGB", (noise, gradient, noise.transpose(Image.Transpose.ROTATE_90)))
    out = io.BytesIO()
    picture.save(out, kind, quality=85)
    return out.getvalue()


def files() -> dict:
    from tests.files import corpus

    made = dict(corpus.BOMBS)
    made.update(
        {
            "corpus DOCX": corpus.docx_full,
            "corpus ODT": corpus.odt_full,
            "corpus PDF": corpus.pdf_full,
            "corpus JPEG": corpus.photo_jpeg,
            "40 MP PNG of one colour (accepted)": lambda: corpus.png_bomb(6324, 6324),
            "12 MP WebP of one colour (accepted)": lambda: corpus.webp_bomb(4000, 3000),
            "40 MP photo (JPEG), the largest accepted": lambda: photo(6324, "JPEG"),
            "12 MP photo (PNG)": lambda: photo(3464, "PNG"),
            "12 MP photo (WebP)": lambda: photo(3464, "WEBP"),
        }
    )
    return made


def measure(data: bytes, repeat: int, folder: Path) -> dict:
    path = folder / "upload"
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", ONE_FILE, str(path), str(repeat)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| file | size | outcome | time | extra memory |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in files().items():
            data = make()
            figures = measure(data, args.repeat, Path(folder))
            print(
                f"| {name} | {len(data) / 1024:,.0f} KB | {figures['outcome']} "
                f"| {figures['seconds'] * 1000:,.1f} ms | {figures['extra_kb'] / 1024:,.0f} MB |"
            )


if __name__ == "__main__":
    main()
