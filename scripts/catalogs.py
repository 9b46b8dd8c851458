"""Tools for the translation catalogs.

    python -m scripts.catalogs todo LOCALE          untranslated messages, as JSON
    python -m scripts.catalogs fill LOCALE FILE     write translations from a JSON file
    python -m scripts.catalogs english              English catalog: msgstr = msgid
    python -m scripts.catalogs check                what is missing or broken, per locale

The JSON for `fill` is a list of {"id": ..., "str": ...}, or for plural messages
{"id": ..., "plural": ..., "strs": [...]} with as many forms as the language has.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ["en", "id", "fil", "ne", "ar", "bn", "hi", "ur", "si", "ta", "my", "km", "vi", "th"]
LOCALES += ["zh_Hans"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def po_path(locale: str) -> Path:
    return ROOT / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    with po_path(locale).open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            omit_header=False,
            sort_output=True,
            ignore_obsolete=True,
            include_previous=False,
        )


def template(path: Path | None = None) -> Catalog:
    with (path or ROOT / "messages.pot").open("rb") as handle:
        return read_po(handle)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def problems(locale: str, source: Catalog | None = None) -> list[str]:
    """Every message of the template must be translated, not fuzzy, same placeholders."""
    catalog, found = load(locale), []
    for message in source or template():
        if not message.id:
            continue
        translated = catalog.get(_key(message.id), context=message.context)
        label = _ids(message)[0][:60]
        if translated is None or not all(_forms(translated)):
            found.append(f"{locale}: missing: {label}")
            continue
        if translated.fuzzy:
            found.append(f"{locale}: fuzzy: {label}")
        wanted = sorted(PLACEHOLDER.findall(_ids(message)[0]))
        for form in _forms(translated):
            got = sorted(PLACEHOLDER.findall(form))
            if got != wanted and not (message.pluralizable and set(got) <= set(wanted)):
                found.append(f"{locale}: placeholders differ: {label}")
    return found


def todo(locale: str) -> list[dict]:
    catalog, items = load(locale), []
    for message in template():
        if not message.id:
            continue
        existing = catalog.get(_key(message.id), context=message.context)
        if existing is not None and all(_forms(existing)) and not existing.fuzzy:
            continue
        if message.pluralizable:
            item = {"id": message.id[0], "plural": message.id[1], "forms": catalog.num_plurals}
        else:
            item = {"id": message.id}
        if message.context:
            item["context"] = message.context
        items.append(item)
    return items


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _put(catalog: Catalog, message_id, string, context: str | None = None) -> None:
    """Set a translation (babel's Catalog.add keeps an existing entry's old string)."""
    existing = catalog.get(_key(message_id), context=context)
    if existing is None:
        catalog.add(message_id, string, context=context)
    else:
        existing.string = string
        existing.flags.discard("fuzzy")


def fill(locale: str, entries: list[dict]) -> int:
    catalog, count = load(locale), 0
    for entry in entries:
        context = entry.get("context")
        if "strs" in entry:
            _put(catalog, (entry["id"], entry["plural"]), tuple(entry["strs"]), context)
        else:
            _put(catalog, entry["id"], entry["str"], context)
        count += 1
    save(catalog, locale)
    return count


def english() -> None:
    catalog = load("en")
    for message in template():
        if message.id:
            string = tuple(message.id) if message.pluralizable else message.id
            _put(catalog, message.id, string, message.context)
    save(catalog, "en")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "todo":
        print(json.dumps(todo(argv[1]), ensure_ascii=False, indent=1))
    elif command == "fill":
        entries = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        print(f"{fill(argv[1], entries)} messages written to {argv[1]}")
    elif command == "english":
        english()
    elif command == "check":
        found = [p for locale in LOCALES for p in problems(locale)]
        print("\n".join(found) or "all catalogs complete")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
