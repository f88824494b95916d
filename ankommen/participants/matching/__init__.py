"""Duplicate detection for participant records: a pure module, no Django (STYLE rule 2).

Plain dataclasses in, plain results out. The Django service layer, the batch scan job,
the ``find_duplicates`` command and ``bench/duplicates.py`` all call this API:

- ``name_keys(given, family)``: transliteration-aware blocking keys of a name.
- ``record_keys(record)``: the keys a record is indexed under (names with birth year/date).
- ``score_pair(a, b)``: probability-like score with human-readable reasons.
- ``find_pairs(records, threshold)``: all pairs judged to be the same person.
- ``MatchIndex`` and ``candidates_for(record, index)``: the registration-time check.

See docs/adr/0007-duplicate-matching.md for the approach and its measurements.
"""

from .batch import find_pairs
from .blocking import DEFAULT_THRESHOLD, MatchIndex, candidates_for, record_keys
from .dates import BirthDate, DateAgreement, compare_dates, parse_birth_date
from .model import Candidate, PersonRecord, Reason, Score
from .normalise import fold, name_keys, name_tokens
from .scoring import Stats, score_pair

__all__ = [
    "DEFAULT_THRESHOLD",
    "BirthDate",
    "Candidate",
    "DateAgreement",
    "MatchIndex",
    "PersonRecord",
    "Reason",
    "Score",
    "Stats",
    "candidates_for",
    "compare_dates",
    "find_pairs",
    "fold",
    "name_keys",
    "name_tokens",
    "parse_birth_date",
    "record_keys",
    "score_pair",
]
