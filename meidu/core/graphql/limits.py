"""Document limits checked before execution: query cost, aliases, mutations per document.

Cost: every field costs 1; a field with ``first``/``last`` multiplies the cost of what
it selects by that number (variables resolved). Introspection is free. The result is
reported in ``extensions.cost`` of every response.
"""

from __future__ import annotations

from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
)
from graphql.utilities import value_from_ast_untyped


def _fragments(document: DocumentNode) -> dict:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def pick_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        return next((op for op in operations if op.name and op.name.value == operation_name), None)
    return operations[0] if len(operations) == 1 else None


def _multiplier(field: FieldNode, variables: dict) -> int:
    for argument in field.arguments or []:
        if argument.name.value in ("first", "last"):
            node = argument.value
            value = variables.get(node.name.value) if isinstance(node, VariableNode) else value_from_ast_untyped(node, variables)
            if isinstance(value, int) and value > 0:
                return value
    return 1


def _cost(selection_set, fragments: dict, variables: dict, visiting: frozenset) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            total += 1 + _multiplier(selection, variables) * _cost(selection.selection_set, fragments, variables, visiting)
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in visiting:
                total += _cost(fragments[name].selection_set, fragments, variables, visiting | {name})
    return total


def query_cost(document: DocumentNode, operation: OperationDefinitionNode, variables: dict) -> int:
    return _cost(operation.selection_set, _fragments(document), variables or {}, frozenset())


def alias_count(document: DocumentNode) -> int:
    count = 0

    def walk(selection_set):
        nonlocal count
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            if getattr(selection, "selection_set", None) is not None:
                walk(selection.selection_set)

    for definition in document.definitions:
        walk(getattr(definition, "selection_set", None))
    return count


def mutation_count(document: DocumentNode, operation: OperationDefinitionNode) -> int:
    if operation.operation != OperationType.MUTATION:
        return 0
    fragments = _fragments(document)

    def top_fields(selection_set, visiting=frozenset()):
        n = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                n += 0 if selection.name.value.startswith("__") else 1
            elif isinstance(selection, InlineFragmentNode):
                n += top_fields(selection.selection_set, visiting)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments and selection.name.value not in visiting:
                n += top_fields(fragments[selection.name.value].selection_set, visiting | {selection.name.value})
        return n

    return top_fields(operation.selection_set)
