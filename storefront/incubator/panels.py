"""The console's extra panels, one line each: an incubator app that ships a staff view (the supply
pool's offers awaiting review, commission totals and the rules' audit trail) adds a ConsolePanel here
with its own template under templates/incubator/panels/ and a function reading its selectors. The
console shows exactly the panels listed: no placeholder for one that is not built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsolePanel:
    template: str  # e.g. "incubator/panels/offers_awaiting_review.html"
    context: Callable[[object], dict]  # request -> the template's context (read through selectors)


CONSOLE_PANELS: list[ConsolePanel] = []


def panels_for(request) -> list[dict]:
    return [{"template": panel.template, **panel.context(request)} for panel in CONSOLE_PANELS]
