"""Median latency of the search page over 10,000 published passages, in several scripts.

    PYTHONPATH=. .venv/bin/python bench/search.py                 # SQLite (FTS5 trigram)
    PYTHONPATH=. .venv/bin/python bench/search.py --postgres      # PostgreSQL (pg_trgm)

Fills a fresh database (a temporary SQLite file, or BENCH_SEARCH_DATABASE_URL, default
gcm_search_bench on 127.0.0.1) with 20 published consultations holding N passages
(default 10,000) of 150 to 450 characters in English, Thai, Khmer, Burmese, Nepali,
Chinese, Arabic and Indonesian, then asks for the search page through Flask's test client,
whole pages and htmx fragments, each query `--repeat` times. Prints the median and the 90th
percentile per query, the CPU time this process used per request (what the wall time
comes down to when the machine is not shared: SQLite runs in the process; PostgreSQL's
own work is not counted), and the machine's load average. Target: median under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

# Space-separated vocabularies (split when the module loads).
VOCABULARY = {
    "en": "migrant workers recruitment fees debt wages passport employer contract visa "
    "detention deportation remittance union domestic shelter labour rights",
    "th": "แรงงาน ข้ามชาติ ค่านายหน้า หนี้ ค่าจ้าง หนังสือเดินทาง นายจ้าง สัญญา วีซ่า "
    "การกักตัว ส่งกลับ สหภาพ ที่พักพิง สิทธิ",
    "km": "កម្មករ ចំណាកស្រុក ថ្លៃសេវា បំណុល ប្រាក់ឈ្នួល លិខិតឆ្លងដែន និយោជក កិច្ចសន្យា ទិដ្ឋាការ សហជីព សិទ្ធិ",
    "my": "အလုပ်သမား ရွှေ့ပြောင်း အကျိုးဆောင်ခ ကြွေးမြီ လုပ်ခ နိုင်ငံကူးလက်မှတ် အလုပ်ရှင် စာချုပ် ဗီဇာ သမဂ္ဂ အခွင့်အရေး",
    "ne": "आप्रवासी कामदार भर्ती शुल्क ऋण ज्याला राहदानी रोजगारदाता सम्झौता भिसा हिरासत युनियन अधिकार",
    "zh": "移民 工人 招聘费 债务 工资 护照 雇主 合同 签证 拘留 遣返 工会 庇护所 权利",
    "ar": "العمال المهاجرون رسوم التوظيف الديون الأجور جواز السفر صاحب العمل العقد "
    "التأشيرة الاحتجاز الترحيل النقابة الحقوق",
    "id": "pekerja migran biaya perekrutan utang upah paspor majikan kontrak visa "
    "penahanan deportasi serikat hak",
}
WORDS = {language: words.split(" ") for language, words in VOCABULARY.items()}
# Languages written without spaces are joined without them.
JOIN = {"th": "", "km": "", "my": "", "zh": "", "ne": " ", "en": " ", "ar": " ", "id": " "}
QUERIES = [
    ("English word", "recruitment"),
    ("English, two words", "passport employer"),
    ("Thai, no spaces", "ค่านายหน้า"),
    ("Khmer, no spaces", "ថ្លៃសេវា"),
    ("Burmese", "အကျိုးဆောင်ခ"),
    ("Nepali (Devanagari)", "भर्ती शुल्क"),
    ("Chinese, 3 characters", "招聘费"),
    ("Chinese, 2 characters (LIKE)", "工资"),
    ("Arabic", "التوظيف"),
    ("no match", "zzzqqq"),
]


def _text(rng: random.Random, language: str) -> str:
    words = WORDS[language]
    parts, size = [], rng.randint(150, 450)
    while sum(len(p) for p in parts) < size:
        parts.append(rng.choice(words))
    return JOIN[language].join(parts) + ("។" if language == "km" else ".")


def fill(app, passages: int, seed: int = 7, account: str = "bench") -> None:
    """20 published consultations holding `passages` passages (after any already there)."""
    from app.auth.services import create_account
    from app.compilations.models import Compilation
    from app.consultations import services
    from app.consultations.models import Review
    from app.extensions import db
    from app.reading.models import PassageObjective, PassagePlace, PublishedPassage

    rng = random.Random(seed)
    now = datetime.now(UTC)
    with app.app_context(), app.test_request_context("/"):
        db.create_all()
        user, _codes = create_account(
            username=account, display_name="Bench", password="bench password long", now=now
        )
        first_id = (db.session.scalar(text("SELECT max(id) FROM published_passages")) or 0) + 1
        compilations = []
        for number in range(20):
            review = Review(
                level=["local", "national", "regional", "global"][number % 4],
                area_kind="region",
                area="asia-pacific",
                cycle="2026",
                convening_body="Bench",
                created_at=now,
            )
            consultation = services.create_consultation(
                user,
                now,
                review=review,
                title=f"Bench consultation {number}",
                description="",
                original_language="en",
                accepted_languages=["en"],
                objectives=[6, 7],
                principles=["a"],
                timezone="UTC",
                opens_at=now - timedelta(days=60),
                deadline_at=now - timedelta(days=30),
                review_meeting_at=None,
                invitation_only=False,
            )
            consultation.published, consultation.compiled_at = True, now
            db.session.flush()
            compilation = Compilation(
                consultation_id=consultation.id,
                number=1,
                grouping="question",
                language="en",
                created_at=now,
                published_at=now - timedelta(days=number),
                contents={},
            )
            db.session.add(compilation)
            db.session.flush()
            compilations.append(compilation)
        languages = list(WORDS)
        rows = []
        for index in range(passages):
            compilation = compilations[index % len(compilations)]
            language = languages[index % len(languages)]
            rows.append(
                {
                    "id": first_id + index,
                    "compilation_id": compilation.id,
                    "consultation_id": compilation.consultation_id,
                    "reference": f"S-{index // 5 + 1:03} ¶{index % 5 + 1}",
                    "submission_ref": f"S-{index // 5 + 1:03}",
                    "version": 1,
                    "paragraph": index // len(compilations) + 1,
                    "section": "q1",
                    "question": "What happens to migrant workers?",
                    "credit": "a trade union in South-Eastern Asia",
                    "language": language,
                    "direction": "rtl" if language == "ar" else "ltr",
                    "text": _text(rng, language),
                    "published_at": compilation.published_at,
                }
            )
        db.session.execute(insert(PublishedPassage), rows)
        db.session.execute(
            insert(PassageObjective),
            [{"passage_id": r["id"], "number": rng.randint(1, 23)} for r in rows],
        )
        db.session.execute(
            insert(PassagePlace),
            [{"passage_id": r["id"], "code": rng.choice(["PH", "TH", "NP", "035"])} for r in rows],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load (it is off on the bench machine):
            # statistics for the planner, and the trigram index's pending list of new
            # entries merged into the index (each search reads that list through).
            autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")
            with autocommit.connect() as connection:
                connection.execute(text("VACUUM ANALYZE published_passages"))
                connection.execute(text("ANALYZE"))


def measure(app, repeat: int) -> list[tuple[str, float, float, int]]:
    client = app.test_client()
    results = []
    cases = [(f"{label}: page", {"q": q}, {}) for label, q in QUERIES]
    cases += [(f"{label}: htmx", {"q": q}, {"HX-Request": "true"}) for label, q in QUERIES[:4]]
    cases.append(("objective 6, no words: page", {"objective": "6"}, {}))
    cases.append(
        (
            "Thai + language + level filters: htmx",
            {"q": "ค่านายหน้า", "language": "th", "level": "regional"},
            {"HX-Request": "true"},
        )
    )
    for label, query, headers in cases:
        client.get("/search", query_string=query, headers=headers)  # warm
        timings, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/search", query_string=query, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        found = response.get_data(as_text=True).count('class="card passage"')
        timings.sort()
        p90 = timings[int(len(timings) * 0.9)]
        results.append((label, statistics.median(timings), p90, statistics.median(cpu), found))
    return results


def _postgres_url() -> str:
    url = make_url(
        os.environ.get(
            "BENCH_SEARCH_DATABASE_URL",
            "postgresql+psycopg://postgres@127.0.0.1:5432/gcm_search_bench",
        )
    )
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    from app import create_app
    from app.config import TestConfig

    folder = tempfile.mkdtemp(prefix="gcm-search-bench-")
    url = _postgres_url() if options.postgres else f"sqlite:///{folder}/bench.sqlite"
    # As shipped: the lists of the search form are kept (app/reading/queries.py); the
    # results are never kept, each query is run every time.
    app = create_app(TestConfig(SQLALCHEMY_DATABASE_URI=url, PAGE_CACHE_SECONDS=30))
    started = time.perf_counter()
    fill(app, options.passages)
    backend = "PostgreSQL pg_trgm" if options.postgres else "SQLite FTS5 trigram"
    print(f"{backend}: {options.passages} passages loaded in {time.perf_counter() - started:.1f} s")
    print(f"{'query':45} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>7} {'shown':>6}")
    load = os.getloadavg()
    medians, cpus = [], []
    for label, median, p90, cpu, found in measure(app, options.repeat):
        medians.append(median)
        cpus.append(cpu)
        print(f"{label:45} {median:10.1f} {p90:8.1f} {cpu:7.1f} {found:6d}")
    print(f"median of the medians: {statistics.median(medians):.1f} ms (target < 50 ms)")
    print(f"median CPU time of this process per request: {statistics.median(cpus):.1f} ms")
    print("load average before / after:", load, os.getloadavg())


if __name__ == "__main__":
    main()
