"""Read which fields a query selected (through fragments), for batching and validation."""

from __future__ import annotations

from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode


def _children(selection_set, fragments) -> list[FieldNode]:
    fields: list[FieldNode] = []
    if selection_set is None:
        return fields
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            fields.extend(_children(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                fields.extend(_children(fragment.selection_set, fragments))
    return fields


def selected_fields(info, path: tuple[str, ...] = ()) -> set[str]:
    """Field names selected under ``path`` (e.g. ("edges", "node")) of the field being resolved."""
    nodes = list(info.field_nodes)
    for name in path:
        nodes = [
            child
            for node in nodes
            for child in _children(node.selection_set, info.fragments)
            if child.name.value == name
        ]
    return {child.name.value for node in nodes for child in _children(node.selection_set, info.fragments)}
