"""The right-to-stay pathways engine: a pure module (no Django), plain data in and out.

    from ankommen.pathways.engine import evaluate, parse_facts
    result = evaluate(parse_facts(json.load(fh)), datetime.date(2026, 7, 1))
    print(json.dumps(result.to_json()))

``rules.py`` loads the versioned rule files, ``input.py`` parses the facts, ``timeline.py``
does the time arithmetic over the status history, ``criteria.py`` checks one criterion,
``evaluate.py`` combines them into outcomes and deadlines, ``messages.py`` holds the texts.
"""

from ankommen.pathways.engine.evaluate import (
    MET,
    NOT_MET,
    NOT_YET,
    OUTCOMES,
    UNKNOWN,
    Evaluation,
    PathwayResult,
    evaluate,
)
from ankommen.pathways.engine.input import Facts, FactsError, parse_facts
from ankommen.pathways.engine.rules import RuleFileError, RuleSet, default_rules, load_rules

__all__ = [
    "MET",
    "NOT_MET",
    "NOT_YET",
    "OUTCOMES",
    "UNKNOWN",
    "Evaluation",
    "Facts",
    "FactsError",
    "PathwayResult",
    "RuleFileError",
    "RuleSet",
    "default_rules",
    "evaluate",
    "load_rules",
    "parse_facts",
]
