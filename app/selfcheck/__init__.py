"""Self-checks an operator (and the test suite) runs against the platform.

`canaries` seeds data with unmistakable names ("canaries") in every place where attribution
protects someone: unlisted organizations, anonymous and confidential leads, co-authors,
endorsers, the people who write and comment, a safety report. `crawl` then signs in as each
kind of person, walks every page, fragment and file they can reach, and reports each canary
found where that person must not see it. The test suite runs both in-process
(tests/test_canary_crawl.py); `scripts/canary_crawl.py` runs the crawl over HTTP against a
running instance.
"""
