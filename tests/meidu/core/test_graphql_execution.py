"""FastExecutionContext answers exactly as graphql-core's own execution: data, errors, paths, nulls.

A small graphene schema of its own (no database): repeated objects, lists, aliases, fragments,
arguments from variables, errors in nullable and non-null fields, and a mutation that changes an
object between two root fields (where completed objects must not be reused).
"""

import graphene
import pytest
from graphql import ExecutionContext, execute, parse

from meidu.core.graphql.execution import FastExecutionContext


class Shop:
    def __init__(self, name):
        self.name = name


class Item:
    def __init__(self, pk, name, shop, price=None):
        self.pk, self.name, self.shop, self.price = pk, name, shop, price


class ShopType(graphene.ObjectType):
    name = graphene.String(required=True)
    shouting = graphene.String()
    broken = graphene.String()
    broken_required = graphene.String(required=True)

    class Meta:
        name = "Shop"

    @staticmethod
    def resolve_shouting(root, info):
        return f"{root.name.upper()} at {info.path.prev.key}"

    @staticmethod
    def resolve_broken(root, info):
        raise ValueError(f"no {root.name}")

    @staticmethod
    def resolve_broken_required(root, info):
        return None


class ItemType(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    label = graphene.String(prefix=graphene.String(default_value="#"))
    price = graphene.Float()
    shop = graphene.Field(ShopType, required=True)
    tags = graphene.List(graphene.NonNull(graphene.String))

    class Meta:
        name = "Item"

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_label(root, info, prefix):
        return f"{prefix}{root.pk}"

    @staticmethod
    def resolve_tags(root, info):
        return ["a", "b"] if root.pk % 2 else []


class Odd:
    """Leaves read by attribute that the inline path must hand to graphql-core's own handling:
    a null in a non-null field, a value the scalar refuses, an attribute that raises."""

    def __init__(self, name, count, price):
        self.name, self.count, self.price = name, count, price

    @property
    def loud(self):
        raise ValueError(f"no loud {self.name}")


class OddType(graphene.ObjectType):
    name = graphene.String(required=True)
    count = graphene.Int()
    price = graphene.Float()
    loud = graphene.String()

    class Meta:
        name = "Odd"


ODDS = [Odd("fine", 3, 1.5), Odd(None, 2**40, "not a number"), Odd("last", "7", float("nan"))]

SHOP = Shop("corner")
OTHER = Shop("market")
ITEMS = [Item(1, "pear", SHOP, 2.5), Item(2, "corn", SHOP), Item(3, "pork", OTHER, 30.0)]


class Query(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(ItemType), first=graphene.Int())
    item = graphene.Field(ItemType, pk=graphene.Int(required=True))
    mapping = graphene.Field(ShopType)
    odds = graphene.List(OddType)
    odd = graphene.Field(graphene.NonNull(OddType), index=graphene.Int(required=True))

    @staticmethod
    def resolve_odds(root, info):
        return ODDS

    @staticmethod
    def resolve_odd(root, info, index):
        return ODDS[index]

    @staticmethod
    def resolve_items(root, info, first=None):
        return ITEMS[:first]

    @staticmethod
    def resolve_item(root, info, pk):
        return next((item for item in ITEMS if item.pk == pk), None)

    @staticmethod
    def resolve_mapping(root, info):
        return {"name": "from a dict"}


class Rename(graphene.Mutation):
    class Arguments:
        name = graphene.String(required=True)

    shop = graphene.Field(ShopType)

    @staticmethod
    def mutate(root, info, name):
        SHOP.name = name
        return Rename(shop=SHOP)


class Mutation(graphene.ObjectType):
    rename = Rename.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)


def _both(document: str, variables=None):
    results = []
    for context_class in (ExecutionContext, FastExecutionContext):
        SHOP.name = "corner"
        result = execute(
            schema.graphql_schema,
            parse(document),
            variable_values=variables or {},
            execution_context_class=context_class,
        )
        results.append((result.data, [e.formatted for e in result.errors or ()]))
    return results


@pytest.mark.parametrize(
    "document, variables",
    [
        ("{ items { id name price tags shop { name shouting } } }", None),
        ("query($n: Int, $p: String) { items(first: $n) { label(prefix: $p) other: label } }", {"n": 2, "p": "P"}),
        (
            "{ items { ...F } one: item(pk: 3) { ...F } none: item(pk: 9) { id } }"
            " fragment F on Item { name shop { name } }",
            None,
        ),
        ("{ __typename items { __typename shop { __typename } } mapping { name } }", None),
        ("{ items { name shop { broken } } }", None),  # an error on each repeated shop, each with its path
        ("{ items { name shop { brokenRequired } } }", None),  # non-null null: the shop, then the item list, null
        ("{ item(pk: 1) { shop { name brokenRequired } } }", None),
        ("{ odds { count price loud } }", None),  # refused values and a raising attribute, each with its path
        ("{ odds { name count } }", None),  # a null name: that odd is null
        ("{ first: odd(index: 0) { name } second: odd(index: 1) { name count } }", None),  # non-null up the tree
    ],
)
def test_the_fast_execution_answers_as_graphql_core(document, variables):
    standard, fast = _both(document, variables)
    assert fast == standard
    assert fast[0] is not None or fast[1]


def test_errors_of_a_repeated_object_keep_each_path():
    _standard, (data, errors) = _both("{ items { shop { broken } } }")
    assert data == {"items": [{"shop": {"broken": None}}] * 3}
    assert [error["path"] for error in errors] == [["items", n, "shop", "broken"] for n in range(3)]


def test_a_mutation_reads_an_object_again_after_a_later_change():
    # The fragment's `shop` field node is the same under both root fields, and so is the object.
    document = (
        'mutation { a: rename(name: "first") { ...R } b: rename(name: "second") { ...R } }'
        " fragment R on Rename { shop { name } }"
    )

    standard, fast = _both(document)
    assert fast == standard
    assert fast[0] == {"a": {"shop": {"name": "first"}}, "b": {"shop": {"name": "second"}}}
