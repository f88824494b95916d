"""Reading people and writing pairs as CSV files (for the command line and the benchmark)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .dates import parse_birth_date
from .model import PersonRecord

COLUMNS = ("id", "given_name", "family_name", "date_of_birth", "sex", "nationality", "place_of_birth")
PAIR_COLUMNS = ("id_a", "id_b", "score")


_Reader = Any  # csv's reader type is not public


class InputError(ValueError):
    """Malformed input; ``line`` is the 1-based line number in the file (0: whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


def read_people(path: str | os.PathLike[str]) -> list[PersonRecord]:
    """All records of a people file; raises ``InputError`` naming the first bad line."""
    return list(iter_people(path))


def iter_people(path: str | os.PathLike[str]) -> Iterator[PersonRecord]:
    """The records of a people file one by one (for files too large to hold twice).

    Raises ``InputError`` naming the first bad line when it is reached.
    """
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(0, f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        try:
            yield from _parse(csv.reader(handle))
        except UnicodeDecodeError as exc:
            raise InputError(0, f"{path} is not UTF-8 text") from exc
        except csv.Error as exc:
            raise InputError(0, f"not a valid CSV file: {exc}") from exc


def _parse(reader: _Reader) -> Iterator[PersonRecord]:
    header = next(reader, None)
    if header is None:
        raise InputError(1, "the file is empty; expected a header line: " + ",".join(COLUMNS))
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(1, f"header lacks column(s) {', '.join(missing)}; expected: {','.join(COLUMNS)}")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError(1, f"header repeats column(s) {', '.join(duplicated)}")
    position = {name: header.index(name) for name in COLUMNS}
    width = len(header)
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not row:
            continue  # blank line
        if len(row) != width:
            raise InputError(line, f"expected {width} columns, found {len(row)}")
        values = {name: row[i].strip() for name, i in position.items()}
        record_id = values["id"]
        if not record_id:
            raise InputError(line, "empty id")
        if record_id in seen:
            raise InputError(line, f"duplicate id {record_id!r} (first on line {seen[record_id]})")
        seen[record_id] = line
        try:
            dob = parse_birth_date(values["date_of_birth"])
        except ValueError as exc:
            raise InputError(line, f"bad date_of_birth: {exc}") from exc
        yield PersonRecord(
            id=record_id,
            given_name=values["given_name"],
            family_name=values["family_name"],
            date_of_birth=dob,
            sex=values["sex"],
            nationality=values["nationality"],
            place_of_birth=values["place_of_birth"],
        )


def write_pairs(path: str | os.PathLike[str], pairs: Iterable[tuple[str, str, float]]) -> None:
    """Write ``id_a,id_b,score`` atomically: a temporary file renamed only when complete."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(PAIR_COLUMNS)
            for id_a, id_b, score in pairs:
                writer.writerow((id_a, id_b, f"{score:.4f}"))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
