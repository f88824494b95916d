"""Check (default) or refresh (--update) the German translation catalogues.

Each ankommen app keeps its own catalogue in ``<app>/locale``; strings of the
project-level templates and settings live in ``ankommen/locale``. The check fails
when a catalogue is stale (strings added or removed in code but not in the
catalogue) or when a German string is missing or fuzzy, so CI catches both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django
import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
os.environ.setdefault("ANKOMMEN_ENV", "test")
django.setup()

from django.core.management import call_command  # noqa: E402

PACKAGE = ROOT / "ankommen"
APPS = sorted(p for p in PACKAGE.iterdir() if (p / "apps.py").exists())


def catalogues() -> list[tuple[Path, list[str]]]:
    """(directory to run makemessages in, ignore patterns)."""
    result = [(app, ["tests/*"]) for app in APPS]
    result.append((PACKAGE, [f"{app.name}/*" for app in APPS] + ["testing/*", "static/*"]))
    return result


def make(directory: Path, ignore: list[str]) -> Path:
    (directory / "locale").mkdir(exist_ok=True)
    cwd = Path.cwd()
    os.chdir(directory)
    try:
        call_command(
            "makemessages", locale=["de"], ignore_patterns=ignore, no_location=True, no_obsolete=True, verbosity=0
        )
    finally:
        os.chdir(cwd)
    return directory / "locale" / "de" / "LC_MESSAGES" / "django.po"


def msgids(po: polib.POFile) -> set[str]:
    return {entry.msgid + "\x04" + (entry.msgctxt or "") for entry in po if not entry.obsolete}


def main() -> int:
    update = "--update" in sys.argv
    problems: list[str] = []
    for directory, ignore in catalogues():
        po_path = directory / "locale" / "de" / "LC_MESSAGES" / "django.po"
        before = po_path.read_text(encoding="utf-8") if po_path.exists() else None
        make(directory, ignore)
        if not po_path.exists():
            continue  # the app has no translatable strings
        fresh = polib.pofile(str(po_path))
        rel = po_path.relative_to(ROOT)
        if not update:
            old = polib.pofile(before) if before is not None else None
            if old is None or msgids(old) != msgids(fresh):
                missing = sorted(msgids(fresh) - (msgids(old) if old else set()))
                extra = sorted((msgids(old) if old else set()) - msgids(fresh))
                problems.append(
                    f"{rel}: stale catalogue (run `make i18n`); new: {[m.split(chr(4))[0] for m in missing][:5]}"
                    f" removed: {[m.split(chr(4))[0] for m in extra][:5]}"
                )
            if before is not None:
                po_path.write_text(before, encoding="utf-8")
            elif po_path.exists():
                po_path.unlink()
            check = old if old is not None else fresh
        else:
            check = fresh
        for entry in check:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{rel}: fuzzy translation for {entry.msgid!r}")
            elif not entry.translated():
                problems.append(f"{rel}: no German translation for {entry.msgid!r}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s).")
        return 1
    print("Translation catalogues are complete and up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
