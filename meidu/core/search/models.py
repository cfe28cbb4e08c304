"""Abstract tables a domain's PostgreSQL index is made of (no table here: the kernel owns no domain).

A domain declares ``XxxSearchDocument(SearchDocumentBase)`` with a one-to-one primary key onto its
object (``related_name="search_document"``) and ``XxxSuggestion(SuggestionBase)`` with a foreign key
onto it, then hands both to the backends in an ``IndexSpec``. Only core PostgreSQL is used: a
tsvector column with a GIN index, and a b-tree on a collation-C key for prefix ranges.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import models


class SearchDocumentBase(models.Model):
    """One object's lexemes, weighted (A name, B shop/category/origin, C description), and its state:
    ``dirty`` is set in the transaction that changed the object (with ``version`` bumped), and cleared
    by the rebuild only if nobody bumped ``version`` since it read the object."""

    vector = SearchVectorField(null=True, editable=False)
    dirty = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def document_indexes(prefix: str) -> list[models.Index]:
    """The GIN index on the vector and a partial index on the waiting documents (``prefix``: ≤ 20 chars)."""
    return [
        GinIndex(fields=["vector"], name=f"{prefix}_vec"),
        models.Index(fields=["dirty"], name=f"{prefix}_dirty", condition=models.Q(dirty=True)),
    ]


class ChannelVisibilityBase(models.Model):
    """Where an object is public, held by its document so that a search filters, counts and pages from
    the document table alone (no join per match). ``channels``: public there now. A publication set for
    later is kept per channel (``scheduled_channels[i]`` from ``scheduled_at[i]``) with the earliest of
    them in ``publish_due``: queries (postgres.visible_in / elastic.visible_in) count a scheduled channel
    from its time on, so it shows up on time without any write; the domain rewrites the columns in the
    transaction of every change to what makes the object public."""

    # Database defaults too: documents are upserted by SQL that writes other columns (marks, lexemes).
    channels = ArrayField(models.IntegerField(), default=list, db_default=models.Value([]), blank=True)
    scheduled_channels = ArrayField(models.IntegerField(), default=list, db_default=models.Value([]), blank=True)
    scheduled_at = ArrayField(models.DateTimeField(), default=list, db_default=models.Value([]), blank=True)
    publish_due = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def visibility_indexes(prefix: str) -> list[models.Index]:
    """A partial b-tree on the scheduled publications (queries and the rebuild task find those that
    have come). No index on ``channels``: a search reads its matches' rows anyway (to rank them), and
    a GIN on channels held by most documents made the planner AND a bitmap of nearly every row
    (17 ms at 100,000 documents) for nothing."""
    return [
        models.Index(fields=["publish_due"], name=f"{prefix}_due", condition=models.Q(publish_due__isnull=False)),
    ]


class SuggestionBase(models.Model):
    """One prefix key of an object's name (the name, a word, pinyin, initials) and the label shown."""

    # Collation "C": byte order, so a prefix is a plain range (key >= 'ngl' AND key < 'ngm') that a b-tree
    # answers whatever the database's collation, with bound parameters too.
    key = models.CharField(max_length=64, db_collation="C")
    label = models.CharField(max_length=200)

    class Meta:
        abstract = True


def suggestion_indexes(prefix: str) -> list[models.Index]:
    """A b-tree on the key (collation C) for prefix ranges."""
    return [models.Index(fields=["key"], name=f"{prefix}_key")]


class PostingTermBase(models.Model):
    """A frequent term (meidu.core.search.postings): the word it was chosen for, its STRICT tsquery text
    (``key``, what a query is matched to), that tsquery parsed, and how many documents it matched."""

    word = models.CharField(max_length=64)
    key = models.TextField(unique=True, db_collation="C")
    query = SearchQueryField()
    matches = models.IntegerField(default=0)

    class Meta:
        abstract = True


def posting_indexes(prefix: str, object_field: str, owner_field: str) -> list[models.Index]:
    """One b-tree answers both statements of a frequent term's search: the exact count (an index-only
    scan of (term, channel) with ``visible_from`` and the owner from the index) and the first page (its
    first entries, already in rank order, then id). The composite primary key (object, term, channel)
    serves the rewrite of one object's postings."""
    return [
        models.Index(
            fields=["term", "channel", "-rank", object_field],
            include=["visible_from", owner_field],
            name=f"{prefix}_rank",
        )
    ]
