"""Problems and allocations as JSON files (for the command line and the benchmark).

Input: ``{"participants": [{"id": "p1"}], "offers": [{"id": "o1", "capacity": 12}],
"candidates": [{"participant": "p1", "offer": "o1", "score": 0.8}]}``; further keys are ignored.
Numbers are read as exact decimals (``0.1`` is one tenth: a fraction is kept as the text written,
``NumberText``, and converted exactly); ``NaN`` and ``Infinity`` are read but refused as scores.

Output: ``{"assignments": [{"participant": "p1", "offer": "o1"}, ...], "placed": 1,
"total_score": 0.8}``, the assignments ordered by participant id, the total written as the
exact decimal (``0.3`` for 0.1 + 0.2). The file is written to a temporary name and renamed
when complete, so a failure never leaves a partial or empty output file.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from .problem import NumberText, Problem, ProblemError, parse_problem
from .solver import Result


def _constant(name: str) -> float:
    return float(name)  # NaN, Infinity, -Infinity: refused with their place by the score check


def read_problem(path: str | os.PathLike[str]) -> Problem:
    """The checked problem in a JSON file; raises ``ProblemError`` for unreadable or bad input."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ProblemError("unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError("not_utf8", path=str(path)) from exc
    del raw
    # Millions of new container objects, none of them in a cycle: the cyclic garbage collector
    # would only walk them again and again (it tripled the time of reading 2M candidates).
    with _collector_paused():
        try:
            data: Any = json.loads(text, parse_float=NumberText, parse_constant=_constant)
        except json.JSONDecodeError as exc:
            raise ProblemError("not_json", path=str(path), line=exc.lineno, column=exc.colno, reason=exc.msg) from exc
        except RecursionError as exc:
            raise ProblemError("not_json", path=str(path), line=1, column=1, reason="nested too deeply") from exc
        del text
        return parse_problem(data)


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decimal_text(value: Decimal) -> str:
    """A decimal as a JSON number, exactly and without exponent (``0.3``, ``12``)."""
    return format(value, "f")


def result_document(result: Result) -> dict[str, Any]:
    """The output as Python data (``total_score`` as ``Decimal``)."""
    return {
        "assignments": [{"participant": p, "offer": o} for p, o in result.pairs()],
        "placed": result.placed,
        "total_score": result.total_score,
    }


def write_result(path: str | os.PathLike[str], result: Result) -> None:
    """Write the allocation as JSON, atomically (a temporary file renamed when complete)."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write('{"assignments": [')
            first = True
            for participant, offer in result.pairs():
                pair = json.dumps({"participant": participant, "offer": offer}, ensure_ascii=False)
                handle.write(("\n  " if first else ",\n  ") + pair)
                first = False
            handle.write("\n],\n" if not first else "],\n")
            handle.write(f'"placed": {result.placed},\n"total_score": {decimal_text(result.total_score)}}}\n')
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
