"""The GraphQL view's hook: a query operation may read replicas, a mutation pins its sender.

The view calls ``operation_reads`` just before it executes the operation; what it sets lasts until the
request's read state closes (the middleware's, at the end of the request). A query (read-only by the
GraphQL contract and ours: a resolver that wrote would mark the state and read the primary from then
on) gets the storefront scope; the router still sends only the tables REPLICA_READ_MODELS lists to a
replica. A mutation counts as a write before it runs, so it reads only the primary and the middleware
pins its sender to the primary afterwards (read-your-writes) whatever its resolvers did. Without
replicas there is no read state and this does nothing.
"""

from __future__ import annotations

from graphql import OperationDefinitionNode, OperationType

from meidu.core.replicas.context import Scope, current


def operation_reads(operation: OperationDefinitionNode) -> None:
    state = current()
    if state is None:
        return
    if operation.operation == OperationType.QUERY:
        state.query_operation = True
        state.scope = Scope.STOREFRONT
    else:
        state.note_write()
