"""Fill German msgstr entries in every catalogue from a JSON file {msgid: German text}.

Usage: python tools/fill_translations.py pairs.json
Only untranslated (or fuzzy) entries are filled; existing translations stay.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    pairs: dict[str, str] = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    remaining = 0
    for path in sorted(ROOT.glob("ankommen/**/locale/de/LC_MESSAGES/django.po")):
        po = polib.pofile(str(path))
        changed = False
        for entry in po:
            if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
                continue
            if entry.msgid in pairs:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: pairs[entry.msgid], 1: pairs.get(entry.msgid_plural, pairs[entry.msgid])}
                else:
                    entry.msgstr = pairs[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed = True
            else:
                remaining += 1
                print(f"{path.relative_to(ROOT)}: still untranslated: {entry.msgid!r}")
        if changed:
            po.save()
    return 1 if remaining else 0


if __name__ == "__main__":
    sys.exit(main())
