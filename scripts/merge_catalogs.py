"""Resolve a git merge conflict in the translation catalogs.

    python -m scripts.merge_catalogs

Two branches that both add strings conflict in every `.po` file, though neither loses a
translation. This takes the union of both sides' translations for each locale (ours wins
where both translated the same message), then extracts the template afresh, so the catalogs
hold exactly the strings the merged code uses. Run `python -m scripts.catalogs check` after.
"""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

from babel.messages.pofile import read_po

from scripts.catalogs import LOCALES, ROOT, _put, load, po_path, save


def _side(stage: int, locale: str):
    """The catalog as one side of the merge has it (stage 2 = ours, 3 = theirs)."""
    path = po_path(locale).relative_to(ROOT.parent)
    shown = subprocess.run(
        ["git", "show", f":{stage}:{path}"], capture_output=True, cwd=ROOT.parent
    )
    if shown.returncode != 0:
        return None  # no conflict in this file: the working copy is already right
    return read_po(BytesIO(shown.stdout), locale=locale)


def _extract() -> None:
    babel = [sys.executable, "-m", "babel.messages.frontend", "-q"]
    subprocess.run(
        [*babel, "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "_n:1,2"]
        + ["-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output", "-w", "100"]
        + ["-o", "translations/messages.pot", "."],
        cwd=ROOT.parent,
        check=True,
    )


def merge_locale(locale: str) -> bool:
    ours, theirs = _side(2, locale), _side(3, locale)
    if ours is None or theirs is None:
        return False
    for message in list(theirs) + list(ours):  # ours last, so ours wins
        if message.id and all(
            message.string if isinstance(message.string, tuple) else [message.string]
        ):
            _put(ours, message.id, message.string, message.context)
    save(ours, locale)
    return True


def main() -> int:
    merged = [locale for locale in LOCALES if merge_locale(locale)]
    _extract()
    update = [sys.executable, "-m", "babel.messages.frontend", "-q", "update"]
    subprocess.run(
        [*update, "-i", "translations/messages.pot", "-d", "translations"]
        + ["--no-fuzzy-matching", "--ignore-obsolete", "-w", "100"],
        cwd=ROOT.parent,
        check=True,
    )
    for locale in LOCALES:
        save(load(locale), locale)  # the project's own sorting and width
    print(f"merged: {', '.join(merged) or 'nothing in conflict'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
