"""Compressed answers (app/compression.py): precompressed static files, compressed pages."""

import gzip
import os
import shutil

import brotli
import pytest

from scripts.precompress import precompress
from tests.factories import make_user

HTMX = "vendor/htmx-2.0.11.min.js"


@pytest.fixture
def built_static(app, tmp_path, monkeypatch):
    """A copy of app/static with its precompressed copies, as `make static` leaves it."""
    folder = tmp_path / "static"
    shutil.copytree(app.static_folder, folder, ignore=shutil.ignore_patterns("*.br", "*.gz"))
    written = precompress(folder)
    assert (folder / (HTMX + ".br")) in written
    monkeypatch.setattr(app, "static_folder", str(folder))
    return folder


def _get(client, path, encoding, **headers):
    response = client.get(path, headers={"Accept-Encoding": encoding, **headers})
    response.direct_passthrough = False
    response.get_data()
    response.close()
    return response


def test_static_files_are_sent_precompressed_when_accepted(client, built_static):
    original = (built_static / HTMX).read_bytes()

    response = _get(client, f"/static/{HTMX}", "gzip, deflate, br")
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == original
    assert len(response.get_data()) < len(original) / 3
    assert response.mimetype == "text/javascript"
    assert "max-age=31536000" in response.headers["Cache-Control"]

    versioned = _get(client, f"/static/{HTMX}?v=1", "br")
    assert "immutable" in versioned.headers["Cache-Control"]

    response = _get(client, f"/static/{HTMX}", "gzip, deflate")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == original

    response = _get(client, f"/static/{HTMX}", "identity")
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == original
    assert response.headers["Vary"] == "Accept-Encoding"


def test_a_stale_precompressed_copy_is_never_served(client, built_static):
    source = built_static / "css" / "app.css"
    source.write_text(source.read_text() + "\n.new-rule { color: red; }\n")
    later = os.stat(source.with_name("app.css.br")).st_mtime + 5
    os.utime(source, (later, later))
    response = _get(client, "/static/css/app.css", "gzip, br")
    assert "Content-Encoding" not in response.headers
    assert ".new-rule" in response.get_data(as_text=True)


def test_static_answers_do_not_vary_on_cookie_even_for_signed_in_people(
    client, signed_in_client, built_static
):
    member = signed_in_client(make_user())
    for who in (client, member):
        response = _get(who, "/static/css/app.css", "gzip")
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers
        assert "no-store" not in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("accepted", "encoding", "decompress"),
    [("gzip, deflate, br", "br", brotli.decompress), ("gzip, deflate", "gzip", gzip.decompress)],
)
def test_pages_for_visitors_are_compressed(client, accepted, encoding, decompress):
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    response = client.get(
        "/", headers={"Accept-Encoding": accepted, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    page = decompress(response.get_data()).decode()
    assert page.startswith("<!doctype html>") and "</html>" in page
    assert len(response.get_data()) < len(plain.get_data()) / 2


def test_private_pages_are_compressed_only_for_requests_from_this_site(signed_in_client):
    """BREACH: another site can make the browser ask for a signed-in page again and again
    (top-level navigations carry the SameSite=Lax cookie); those answers stay uncompressed."""
    member = signed_in_client(make_user())
    same_site = _get(member, "/account", "gzip", **{"Sec-Fetch-Site": "same-origin"})
    assert same_site.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(same_site.get_data()).decode().rstrip().endswith("</html>")
    typed = _get(member, "/account", "gzip", **{"Sec-Fetch-Site": "none"})
    assert typed.headers["Content-Encoding"] == "gzip"
    for site in ("cross-site", "same-site", None):
        headers = {"Sec-Fetch-Site": site} if site else {}
        response = _get(member, "/account", "gzip", **headers)
        assert "Content-Encoding" not in response.headers, site
