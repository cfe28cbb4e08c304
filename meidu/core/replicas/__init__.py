"""Read replicas: storefront and report reads from PostgreSQL streaming standbys (README "Read replicas").

Django's router cannot tell a catalogue page from a checkout, so the decision is made where the request
is understood and carried in a context variable (``context``): the middleware opens a request's read
state (storefront scope for safe-method page requests under REPLICA_PAGE_PREFIXES), the GraphQL view
gives query operations the storefront scope (``graphql``), and report views ask for the report scope
(``decorators``). The router (``router``) answers a replica only inside such a scope, only for the tables
the scope lists, never inside a transaction or after the request wrote, never for a writer still in
their read-your-writes window (``pinning``) and never for a replica too far behind or unreachable
(``health``). Everything else, and everything outside a request (Celery tasks, commands), reads the
primary.
"""
