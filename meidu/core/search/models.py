"""Abstract tables a domain's PostgreSQL index is made of (no table here: the kernel owns no domain).

A domain declares ``XxxSearchDocument(SearchDocumentBase)`` with a one-to-one primary key onto its
object (``related_name="search_document"``) and ``XxxSuggestion(SuggestionBase)`` with a foreign key
onto it, then hands both to the backends in an ``IndexSpec``. Only core PostgreSQL is used: a
tsvector column with a GIN index, and a b-tree on a collation-C key for prefix ranges.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
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
