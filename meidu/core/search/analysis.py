"""Chinese text analysis shared by every index and both backends.

A document's text becomes *lexemes* (plain strings a backend stores as they are, so neither
PostgreSQL's parser nor an Elasticsearch analyzer ever sees Chinese):

* words from jieba's search mode with the project dictionary (库尔勒香梨 → 库尔, 尔勒, 库尔勒, 香梨,
  库尔勒香梨), so a buyer's word finds a longer name;
* every CJK character on its own, so 梨 finds every pear;
* for names only, the pinyin of each word and of the whole name, full (nanguoli) and initials (ngl).

A query is folded the same way and cut in jieba's precise mode; each word becomes a term whose
alternatives are the word, its synonyms, and (for a word of several characters) all of its
characters together. Synonyms are expanded here, at query time, so a new synonym needs no reindex.
The query is capped in length and in terms before anything else is done with it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
from django.conf import settings
from pypinyin import lazy_pinyin

from meidu.core.search.data import SearchData, search_data
from meidu.core.search.normalize import cjk_chars, is_cjk, normalize

jieba.setLogLevel(logging.WARNING)

# Longest lexeme stored (a longer "word" is a run of letters nobody types) and the most text of one
# field that is analysed (a description's first few thousand characters carry what it is about).
MAX_LEXEME = 48
MAX_FIELD_CHARS = 4000
# Latin terms at least this long also match as a prefix (nangu finds nanguoli).
PREFIX_MIN_CHARS = 4

WEIGHTS = ("A", "B", "C", "D")


def max_query_chars() -> int:
    return int(getattr(settings, "SEARCH_MAX_QUERY_CHARS", 64))


def max_query_terms() -> int:
    return int(getattr(settings, "SEARCH_MAX_QUERY_TERMS", 8))


_tokenizer_lock = threading.Lock()
_tokenizer: tuple[tuple, jieba.Tokenizer] | None = None


def _segmenter() -> tuple[jieba.Tokenizer, SearchData]:
    """A jieba tokenizer of its own (the global one is left alone) with the project dictionary,
    rebuilt when the data files change."""
    global _tokenizer
    data = search_data()
    current = _tokenizer
    if current is not None and current[0] == data.stamp:
        return current[1], data
    with _tokenizer_lock:
        if _tokenizer is None or _tokenizer[0] != data.stamp:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word, freq, tag in data.words:
                tokenizer.add_word(word, freq, tag)
            _tokenizer = (data.stamp, tokenizer)
        return _tokenizer[1], data


def _clip(lexemes) -> list[str]:
    seen: dict[str, None] = {}
    for lexeme in lexemes:
        lexeme = lexeme.strip()
        if lexeme and len(lexeme) <= MAX_LEXEME:
            seen.setdefault(lexeme, None)
    return list(seen)


def _runs(text: str) -> list[str]:
    """Maximal runs of CJK characters and of other word characters, in order."""
    runs: list[str] = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if current and is_cjk(ch) != is_cjk(current[-1]):
                runs.append(current)
                current = ""
            current += ch
        if current:
            runs.append(current)
    return runs


def pinyin_keys(word: str) -> list[str]:
    """Full pinyin and initials of a CJK word (玉米 → yumi, ym); the dictionary's reading first."""
    if not is_cjk(word):
        return []
    return list(_pinyin_keys(word, search_data().stamp))


@lru_cache(maxsize=65536)
def _pinyin_keys(word: str, stamp: tuple) -> tuple[str, ...]:
    """Cached per data-files generation (``stamp``): names repeat their words across a catalogue."""
    reading = search_data().readings.get(word)
    syllables = (
        list(reading) if reading else [s for s in lazy_pinyin(word, errors="ignore") if s.isascii() and s.isalpha()]
    )
    if not syllables:
        return ()
    return ("".join(syllables), "".join(s[0] for s in syllables))


def words_of(text: str, *, search_mode: bool = True) -> list[str]:
    """Segmented words of folded ``text`` (search mode: overlapping sub-words too)."""
    tokenizer, _ = _segmenter()
    out: list[str] = []
    for run in _runs(normalize(text)[:MAX_FIELD_CHARS]):
        if not is_cjk(run):
            out.append(run)
            continue
        pieces = tokenizer.cut_for_search(run) if search_mode else tokenizer.cut(run)
        out.extend(p for p in pieces if p.strip())
    return out


def text_lexemes(text: str) -> list[str]:
    """Lexemes of one field: words (search mode) and single characters."""
    words = words_of(text)
    return _clip([*words, *cjk_chars(" ".join(words))])


def word_pinyin(word: str) -> list[str]:
    """Pinyin and initials of a word; a one-character word's lone initial would match nearly everything."""
    return pinyin_keys(word)[: 1 if len(word) == 1 else 2]


def name_lexemes(text: str) -> tuple[list[str], list[str]]:
    """A name's lexemes in two ranks: (the words of the precise cut, each character, and the pinyin
    of words, of the whole name and of each character), then the overlapping sub-words that only the
    search mode yields (笨鸡 inside 笨鸡蛋), which match but rank below a whole word."""
    precise = words_of(text, search_mode=False)
    primary = [*precise, *cjk_chars(" ".join(precise))]
    for word in precise:
        primary.extend(word_pinyin(word))
    for run in _runs(normalize(text)):
        primary.extend(word_pinyin(run))
    # Each character's syllable (li finds 梨); a lone initial would match nearly everything.
    for ch in cjk_chars(" ".join(precise)):
        keys = pinyin_keys(ch)
        if keys:
            primary.append(keys[0])
    primary = _clip(primary)
    taken = set(primary)
    subwords = [w for w in _clip(words_of(text)) if w not in taken]
    for word in subwords:
        subwords_pinyin = [k for k in word_pinyin(word) if k not in taken]
        primary.extend(subwords_pinyin)
        taken.update(subwords_pinyin)
    return primary, subwords


def suggestion_keys(name: str) -> list[str]:
    """Keys a suggestion is found by as a prefix: the name, its words, and their pinyin and initials."""
    folded = normalize(name)
    keys = [folded.replace(" ", "")]
    for run in _runs(folded):
        keys.extend(pinyin_keys(run))
    for word in words_of(name):
        keys.append(word)
        keys.extend(pinyin_keys(word))
    return _clip(k[:MAX_LEXEME] for k in keys)


@dataclass
class SearchDocument:
    """What a domain hands to the index: an id, weighted texts, and plain values to filter on.

    ``name`` is weighted A (and gets pinyin), ``secondary`` B (shop, category, origin), ``body`` C
    (description, variant names). ``filters`` are keyword or number values that a backend may filter
    on (e.g. ``category_ids``); ``label`` is the text a suggestion shows. ``channels`` and ``scheduled``
    say where the object is public (now; from a time, per channel: see models.ChannelVisibilityBase):
    PostgreSQL keeps them in its own columns, Elasticsearch in the document it indexes."""

    id: int
    name: str
    secondary: list[str] = field(default_factory=list)
    body: str = ""
    filters: dict[str, object] = field(default_factory=dict)
    label: str = ""
    channels: list[int] = field(default_factory=list)
    scheduled: list[tuple[int, str]] = field(default_factory=list)  # (channel, ISO 8601 time)


@dataclass(frozen=True)
class AnalyzedDocument:
    id: int
    lexemes: dict[str, list[str]]  # weight letter -> lexemes
    suggest_keys: list[str]
    label: str
    filters: dict[str, object]
    channels: list[int] = field(default_factory=list)
    scheduled: list[tuple[int, str]] = field(default_factory=list)


def analyze_document(doc: SearchDocument) -> AnalyzedDocument:
    name, subwords = name_lexemes(doc.name)
    secondary = _clip([*subwords, *(lex for text in doc.secondary for lex in text_lexemes(text))])
    body = text_lexemes(doc.body)
    return AnalyzedDocument(
        id=doc.id,
        lexemes={"A": name, "B": secondary, "C": body},
        suggest_keys=suggestion_keys(doc.name),
        label=doc.label or doc.name,
        filters=dict(doc.filters),
        channels=list(doc.channels),
        scheduled=list(doc.scheduled),
    )


@dataclass(frozen=True)
class QueryTerm:
    """One word of a query: matches a document holding any alternative (a prefix when ``prefix``),
    or all of ``chars`` (the word's characters, for a word the document was cut differently)."""

    text: str
    alternatives: tuple[str, ...]
    prefix: bool = False
    chars: tuple[str, ...] = ()
    subwords: tuple[str, ...] = ()  # shorter words inside it (鲜玉米 → 玉米) and their synonyms


@dataclass(frozen=True)
class ParsedQuery:
    raw_length: int
    text: str
    terms: tuple[QueryTerm, ...]
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.terms

    def fill_lexemes(self) -> tuple[str, ...]:
        """Any word of the query, its synonyms and sub-words: what fills a short strict result."""
        out: dict[str, None] = {}
        for term in self.terms:
            for lexeme in (*term.alternatives, *term.subwords):
                out.setdefault(lexeme, None)
        return tuple(out)

    def char_lexemes(self) -> tuple[str, ...]:
        """Every character of the query's words: the last resort for a typo."""
        out: dict[str, None] = {}
        for term in self.terms:
            for lexeme in term.chars:
                out.setdefault(lexeme, None)
        return tuple(out)

    def all_lexemes(self) -> tuple[str, ...]:
        """What a relaxed result is ranked by: the more of these a document holds, the higher."""
        return tuple(dict.fromkeys((*self.fill_lexemes(), *self.char_lexemes())))


_pinyin_cache: tuple[tuple, dict[str, tuple[str, ...]]] | None = None


def _pinyin_synonyms(data: SearchData) -> dict[str, tuple[str, ...]]:
    """{full pinyin: synonym-group words spelled so}, rebuilt with the data files."""
    global _pinyin_cache
    if _pinyin_cache is None or _pinyin_cache[0] != data.stamp:
        table: dict[str, set[str]] = {}
        for word in data.synonyms:
            keys = pinyin_keys(word)
            if keys and len(word) > 1:
                table.setdefault(keys[0], set()).add(word)
        _pinyin_cache = (data.stamp, {k: tuple(sorted(v)) for k, v in table.items()})
    return _pinyin_cache[1]


def parse_query(text: str | None) -> ParsedQuery:
    """Fold, cap, segment and expand a buyer's query. Never raises: hostile input gives no terms."""
    raw = text or ""
    limit = max_query_chars()
    folded = normalize(raw[: limit * 4])
    truncated = len(folded) > limit or len(raw) > limit * 4
    folded = folded[:limit].strip()
    tokenizer, data = _segmenter()
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for run in _runs(folded):
        pieces = tokenizer.cut(run) if is_cjk(run) else [run]
        for piece in pieces:
            piece = piece.strip()
            if not piece or piece in seen or len(piece) > MAX_LEXEME:
                continue
            seen.add(piece)
            synonyms = set(data.synonyms.get(piece, frozenset()))
            if not is_cjk(piece):  # pinyin of a word with synonyms (tudou → 土豆, 马铃薯, 地豆)
                for word in _pinyin_synonyms(data).get(piece, ()):
                    synonyms |= {word, *data.synonyms.get(word, frozenset())}
            alternatives = (piece, *sorted(synonyms - {piece}))
            chars = tuple(cjk_chars(piece)) if len(piece) > 1 and is_cjk(piece) else ()
            prefix = not is_cjk(piece) and piece.isalpha() and len(piece) >= PREFIX_MIN_CHARS
            subwords: dict[str, None] = {}
            if is_cjk(piece) and len(piece) > 2:
                for sub in tokenizer.cut_for_search(piece):
                    if 1 < len(sub) < len(piece):
                        for word in (sub, *sorted(data.synonyms.get(sub, frozenset()))):
                            subwords.setdefault(word, None)
            terms.append(
                QueryTerm(
                    text=piece,
                    alternatives=alternatives,
                    prefix=prefix,
                    chars=chars,
                    subwords=tuple(w for w in subwords if w not in alternatives),
                )
            )
    max_terms = max_query_terms()
    if len(terms) > max_terms:
        truncated = True
        terms = terms[:max_terms]
    return ParsedQuery(raw_length=len(raw), text=folded, terms=tuple(terms), truncated=truncated)


def suggestion_prefixes(text: str | None) -> list[str]:
    """The keys a suggestion query looks up as prefixes: the folded input without spaces, and its
    synonyms when it is a whole word (苞米 → 玉米)."""
    folded = normalize((text or "")[: max_query_chars() * 4])[: max_query_chars()].replace(" ", "")
    if not folded:
        return []
    _, data = _segmenter()
    return [folded, *sorted(data.synonyms.get(folded, frozenset()) - {folded})][:8]
