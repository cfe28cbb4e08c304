"""The SQL toolkit: the few places where the project goes below the ORM for speed.

Each module here leans on Django internals that are not public API (they may change in any feature
release) and says in its docstring which ones and why; nothing else in the project does. The speed
they buy is measured in benchmarks/RESULTS.md (checkout completion, exchange bids).

* `compiled` — `CompiledQuery`: a queryset compiled to SQL once per process, run with new values,
  its rows turned into model instances as Django would.
* `bulk` — `bulk_insert`, `InsertPart`, `StatementPart`, `insert_together`: inserts whose SQL text
  is built once per model (`INSERT ... SELECT FROM UNNEST`), alone or several in one statement.
* `batch` — `Batch`: several statements in one round trip (client-side binding, simple protocol).
* `locks` — `lock_row_with`: a row locked FOR UPDATE with other statements after it in one round
  trip, returned as a model instance; `instance_from_row`.

These modules were read against the Django release in `DJANGO_CHECKED` (tests/meidu/core/sql
holds a test that fails when the installed Django is another feature release: whoever upgrades
re-reads the internals each module lists, runs tests/meidu/core/sql, then moves the pin).

Domains own the SQL against their own tables; when one statement must touch several domains'
tables (a checkout's stock take reads the checkout's reservations), each domain contributes the
fragment on its own tables and the owner of the written table composes the statement.
"""

DJANGO_CHECKED = (5, 2)
