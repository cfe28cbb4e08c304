"""Names every backend shares: the description of an index, the rank annotation, the outage error."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model

RANK = "search_rank"
# Ranks are integers (relevance in millionths) so that a keyset cursor round-trips them exactly.
RANK_SCALE = 1_000_000
SUGGESTIONS_MAX = 10

# Match levels of a query (see postgres.tsquery_text / elastic.query_body): every term; any word of it
# (fills a short strict result); any word or character (a typo). RANKING is what relaxed levels are
# ordered by, HEAD the last term (ranked up).
STRICT = "strict"
FILL = "fill"
ALL = "all"
RANKING = "ranking"
HEAD = "head"


class SearchUnavailable(RuntimeError):
    """The configured search backend cannot answer (Elasticsearch down); nothing was written."""


@dataclass(frozen=True)
class IndexSpec:
    name: str
    document_model: type[Model]
    suggestion_model: type[Model]
    relation: str  # from the domain model to its document, e.g. "search_document"
    suggestion_object: str  # the suggestion's foreign key to the domain object, e.g. "product"
    # PostgreSQL postings of frequent terms (meidu.core.search.postings), or none for this index.
    posting_model: type[Model] | None = None
    posting_term_model: type[Model] | None = None
    posting_owners: PostingOwners | None = None


@dataclass(frozen=True)
class PostingOwners:
    """Who owns an object, for the postings (meidu.core.search.postings): they hold where the object is
    listed whatever its owner's state, plus its owner, and a query leaves out the owners unavailable
    now (a shop on holiday or suspended), so that an owner closing or reopening writes no posting.

    ``listed``: SQL of a LATERAL subquery over the document row ``d``, one row per channel where the
    object is listed: ``channel``, ``visible_from`` (null: now; else its scheduled time) and ``owner``.
    ``hidden``: SQL selecting the ids of the owners unavailable now (a small set, read by each query).
    ``column``: the posting table's owner column."""

    listed: str
    hidden: str
    column: str = "owner_id"


@dataclass
class SearchPage:
    """A page of a search answered by the index alone: (object id, RANK) in rank order, and how many
    objects match in all (exact: every match, not a capped sample)."""

    hits: list[tuple[int, int]] = field(default_factory=list)
    total: int = 0
