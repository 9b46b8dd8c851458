"""Screen readers hear what changed, in the reader's language."""

import re
from pathlib import Path

from tests.factories import make_consultation, make_org

APP_JS = Path(__file__).resolve().parents[2] / "app" / "static" / "js" / "app.js"


def test_swapped_results_carry_their_count_for_the_page_region(client):
    make_consultation(title="Decent work abroad")
    make_org(name="Open Hands")
    for path in ("/consultations", "/organizations"):
        page = client.get(path).get_data(as_text=True)
        results = page[page.index('id="results"') :]
        # The swapped section is no live region (replaced whole, it would never speak)...
        assert "aria-live" not in results.split(">", 1)[0]
        # ...its count is marked for the page's own region, which stays.
        assert re.search(r"<p[^>]*data-announce[^>]*>\s*\d+ ", results)
        assert 'id="live-status"' in page and 'aria-live="polite"' in page


def test_the_script_takes_its_words_and_addresses_from_the_page(client):
    script = APP_JS.read_text(encoding="utf-8")
    assert "/csrf-token" not in script
    # No English fallback sentence: every text comes from a translated data attribute.
    assert re.findall(r'\|\|\s*"[A-Z][a-z]+[^"]*\.', script) == []
    page = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert 'data-csrf-url="/csrf-token"' in page
    assert "data-offline-text=" in page and "No connection" not in page
