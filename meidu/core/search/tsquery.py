"""tsquery texts built from parsed queries (each lexeme quoted, so no user syntax reaches ``::tsquery``).

Shared by the PostgreSQL backend (postgres.py: the document way) and the postings of frequent terms
(postings.py: a term is known by its STRICT tsquery text).
"""

from __future__ import annotations

from meidu.core.search.analysis import ParsedQuery, QueryTerm
from meidu.core.search.spec import ALL, FILL, HEAD, RANKING, STRICT


def quote_lexeme(lexeme: str, *, prefix: bool = False, weights: str = "") -> str:
    """A tsquery operand: the lexeme in quotes (quotes and backslashes doubled), ``:*`` for a prefix."""
    quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    suffix = ("*" if prefix else "") + weights
    return quoted + (":" + suffix if suffix else "")


def term_tsquery(term: QueryTerm) -> str:
    """(word | synonym | ... | (char & char)) for one term."""
    parts = [quote_lexeme(alt, prefix=term.prefix and alt == term.text) for alt in term.alternatives]
    if term.chars:
        parts.append("(" + " & ".join(quote_lexeme(c) for c in term.chars) + ")")
    return "(" + " | ".join(parts) + ")" if len(parts) > 1 else parts[0]


def _any(lexemes) -> str:
    return " | ".join(quote_lexeme(lex) for lex in lexemes)


def tsquery_text(query: ParsedQuery, level: str = STRICT) -> str:
    """The tsquery of a level: STRICT every term (AND); FILL any word, synonym or sub-word of the
    query; ALL those or any of its characters (a typo's last resort); RANKING what relaxed levels are
    ordered by; HEAD the last term (a Chinese phrase's head noun: 五常大米 → 大米)."""
    if query.empty:
        return ""
    if level == FILL:  # strict matches stay in (南果 matches 南果梨 by its characters only)
        return f"({tsquery_text(query, STRICT)}) | {_any(query.fill_lexemes())}"
    if level in (ALL, RANKING):
        return _any(query.all_lexemes())
    if level == HEAD:
        return term_tsquery(query.terms[-1])
    return " & ".join(term_tsquery(t) for t in query.terms)
