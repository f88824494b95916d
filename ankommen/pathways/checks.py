"""System check: the rule files load (``manage.py check`` reports a bad file with its field)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from ankommen.pathways.engine.rules import RuleFileError, load_rules


@register()
def rule_files_load(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load_rules()
    except RuleFileError as exc:
        return [Error(f"A right-to-stay rule file cannot be used: {exc}", id="pathways.E001")]
    return []
