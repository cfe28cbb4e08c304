"""The exchange's grade index as the search backends see it (listings are found through their grade)."""

from __future__ import annotations

from magnesium_exchange.commodities.models import GradeSearchDocument, GradeSuggestion
from meidu.core.search.spec import IndexSpec

GRADES = IndexSpec(
    name="exchange-grades",
    document_model=GradeSearchDocument,
    suggestion_model=GradeSuggestion,
    relation="search_document",
    suggestion_object="grade",
)
