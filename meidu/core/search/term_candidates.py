"""Which one-word queries are worth postings: the frequent lexemes and what a buyer types for them.

Why: a posting key is the STRICT tsquery text of a one-term query (postings.term_key), and only a query
whose own text parses to a key is answered from the postings. The frequent lexemes (ts_stat) alone miss
what buyers type for those very words and that also match thousands: the pinyin of a word (zhurou for
猪肉: its query is a prefix query, its tsquery not the lexeme's), a word typed halfway (南果 while typing
南果梨: cut to its characters) and their synonyms. Each of those went the document way, ranking every
match (45–80 ms at 100,000 products) where a key is a b-tree read.

The forms of a frequent word, derived from the word alone (never from a list of known queries): the
word, its pinyin (full and initials, as analysis.word_pinyin gives a name's lexemes), for a CJK word its
prefixes of at least PREFIX_MIN_CJK characters and their pinyin, and the synonyms of all of these. The
caller keeps a form only when its own query matches at least the threshold of documents, so a form
nobody's query can reach, or one that matches few, costs one count and no row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from meidu.core.search.analysis import word_pinyin
from meidu.core.search.data import search_data
from meidu.core.search.normalize import is_cjk

# A one-character prefix is a single character: already a lexeme of its own (ts_stat finds it).
PREFIX_MIN_CJK = 2


def max_candidates() -> int:
    """The most candidate words a term rebuild counts (each costs a count over the documents)."""
    return int(getattr(settings, "SEARCH_POSTINGS_MAX_CANDIDATES", 3000))


def typed_forms(word: str) -> list[str]:
    """What a buyer may type for ``word`` besides the word itself: its pinyin, its prefixes (CJK) and
    their pinyin, in that order."""
    forms: dict[str, None] = dict.fromkeys(word_pinyin(word))
    if is_cjk(word):
        for end in range(PREFIX_MIN_CJK, len(word)):
            prefix = word[:end]
            if is_cjk(prefix):
                forms.setdefault(prefix, None)
                forms.update(dict.fromkeys(word_pinyin(prefix)))
    forms.pop(word, None)
    return list(forms)


def term_candidates(words: Iterable[str], limit: int | None = None) -> list[str]:
    """Candidate words, most useful first, at most ``limit``: the frequent words (most documents first)
    and their synonyms, as before, then each word's typed forms and their synonyms."""
    limit = max_candidates() if limit is None else limit
    words = list(words)
    synonyms = search_data().synonyms
    forms = [form for word in words for form in typed_forms(word)]
    out: dict[str, None] = {}
    # The words before their synonyms (a key is named after the frequent word), then the typed forms.
    for group in (words, _with_synonyms(words, synonyms), _with_synonyms(forms, synonyms)):
        for word in group:
            if len(out) >= limit:
                return list(out)
            out.setdefault(word, None)
    return list(out)


def _with_synonyms(words: list[str], synonyms) -> Iterable[str]:
    for word in words:
        yield word
        yield from sorted(synonyms.get(word, frozenset()))
