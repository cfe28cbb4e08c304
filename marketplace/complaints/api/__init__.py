"""GraphQL of complaints: types (types.py), reads (queries.py), the handling steps (mutations.py)."""
