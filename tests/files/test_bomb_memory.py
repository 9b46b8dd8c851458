"""Bombs cost little memory: measured in a process of its own, by its peak resident size.

The peak resident size also counts what zlib, Pillow and qpdf allocate outside Python, which
tracemalloc would not see. The process first cleans one file of each kind, so that the
libraries are loaded, and makes the bombs; then it resets its peak and cleans them. The
peak is Linux's VmHWM, reset through /proc/self/clear_refs: getrusage's ru_maxrss cannot be
reset, and a new process starts with its parent's (here pytest's) peak, carried over exec.
"""

import json
import subprocess
import sys
from pathlib import Path

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import io, json, re
from werkzeug.datastructures import FileStorage
from app import create_app
from app.config import TestConfig
from app.files.services import UploadRefused, store_upload
from app.timeutil import utcnow
from tests.files import corpus

def memory(field):
    status = open("/proc/self/status").read()
    return int(re.search(field + r":\\s+(\\d+) kB", status).group(1)) * 1024

def store(data, name):
    try:
        store_upload(FileStorage(io.BytesIO(data), name), None, utcnow())
        return "stored"
    except UploadRefused as refused:
        return refused.reason

app = create_app(TestConfig(UPLOAD_DIR={folder!r}))
with app.app_context():
    for make in (corpus.photo_jpeg, corpus.photo_png, corpus.docx_full, corpus.odt_full,
                 corpus.pdf_full):
        assert store(make(), "warm-up") == "stored"
    bombs = {{name: make() for name, make in corpus.BOMBS.items()}}
    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")  # the peak becomes the present size
    baseline = memory("VmRSS")
    outcomes = {{name: store(data, "bomb") for name, data in bombs.items()}}
    print(json.dumps({{"extra": memory("VmHWM") - baseline, "outcomes": outcomes}}))
"""


def test_bombs_are_refused_within_200_mb_of_memory(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(folder=str(tmp_path))],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["extra"] < 200 * MB, f"{measured['extra'] / MB:.0f} MB"
    assert measured["outcomes"] == {
        "zip bomb DOCX (1.5 GB entry)": "bomb",
        "zip bomb DOCX, lying sizes": "unclean",
        "DOCX of 20,000 entries": "bomb",
        "pixel bomb PNG 12000x12000": "pixels",
        "pixel bomb PNG 8000x8000": "pixels",
        "pixel bomb PNG inside a DOCX": "pixels",
        "PDF, Flate stream of 1 GB": "stored",  # copied without being decoded
        "PDF, object stream of 1 GB": "bomb",
        "PDF, image of 20000x20000": "pixels",
        "pixel bomb WebP 5000x5000": "pixels",
    }
