"""Document limits checked before execution: query cost, depth, aliases, mutations per document.

Cost: every field costs 1; a field with ``first``/``last`` multiplies the cost of what
it selects by that number (variables resolved). Introspection is free. The result is
reported in ``extensions.cost`` of every response.

Depth: the longest chain of nested fields (introspection fields not counted).

Both are measured in time linear in the document: each fragment is measured once and
remembered, however many times it is spread (fragments that each spread the next one twice
would otherwise double the work with every level), and the walk stops as soon as the cost
passes its limit.
"""

from __future__ import annotations

from dataclasses import dataclass

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
            value = (
                variables.get(node.name.value)
                if isinstance(node, VariableNode)
                else value_from_ast_untyped(node, variables)
            )
            if isinstance(value, int) and value > 0:
                return value
    return 1


@dataclass(frozen=True)
class Measure:
    """Cost and depth of an operation. ``cost`` is exact when within ``max_cost``; past it the
    walk stopped, and ``cost`` is the first running total found over the limit."""

    cost: int
    depth: int
    over_cost: bool


class _CostExceeded(Exception):
    def __init__(self, cost: int):
        self.cost = cost


class _Walk:
    def __init__(self, fragments: dict, variables: dict, max_cost: int | None):
        self.fragments = fragments
        self.variables = variables
        self.max_cost = max_cost
        self.memo: dict[str, tuple[int, int]] = {}
        self.in_progress: set[str] = set()

    def _check(self, cost: int) -> int:
        if self.max_cost is not None and cost > self.max_cost:
            raise _CostExceeded(cost)
        return cost

    def selection_set(self, selection_set) -> tuple[int, int]:
        """(cost, depth) of a selection set."""
        if selection_set is None:
            return 0, 0
        cost = depth = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                inner_cost, inner_depth = self.selection_set(selection.selection_set)
                cost = self._check(cost + 1 + _multiplier(selection, self.variables) * inner_cost)
                depth = max(depth, 1 + inner_depth)
            else:
                if isinstance(selection, InlineFragmentNode):
                    inner_cost, inner_depth = self.selection_set(selection.selection_set)
                else:
                    inner_cost, inner_depth = self.fragment(selection.name.value)
                cost = self._check(cost + inner_cost)
                depth = max(depth, inner_depth)
        return cost, depth

    def fragment(self, name: str) -> tuple[int, int]:
        # A cycle is refused by validation before any limit is checked; here it just counts nothing.
        if name not in self.fragments or name in self.in_progress:
            return 0, 0
        if name not in self.memo:
            self.in_progress.add(name)
            try:
                self.memo[name] = self.selection_set(self.fragments[name].selection_set)
            finally:
                self.in_progress.discard(name)
        return self.memo[name]


def measure(
    document: DocumentNode, operation: OperationDefinitionNode, variables: dict, max_cost: int | None = None
) -> Measure:
    """Cost and depth of ``operation``, stopping as soon as the cost passes ``max_cost``."""
    walk = _Walk(_fragments(document), variables or {}, max_cost)
    try:
        cost, depth = walk.selection_set(operation.selection_set)
    except _CostExceeded as exceeded:
        return Measure(cost=exceeded.cost, depth=0, over_cost=True)
    return Measure(cost=cost, depth=depth, over_cost=False)


def query_cost(document: DocumentNode, operation: OperationDefinitionNode, variables: dict) -> int:
    return measure(document, operation, variables).cost


def alias_count(document: DocumentNode) -> int:
    """Aliases written in the document (each written once, however often its fragment is spread)."""
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
    """Top-level mutation fields that will run: one per response key, each fragment visited once
    (as execution collects them), so repeated spreads cost neither time nor count."""
    if operation.operation != OperationType.MUTATION:
        return 0
    fragments = _fragments(document)
    keys: set[str] = set()
    visited: set[str] = set()
    pending = [operation.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    keys.add((selection.alias or selection.name).value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in visited:
                    visited.add(name)
                    pending.append(fragments[name].selection_set)
    return len(keys)
