"""Order use cases, one module per stage: creation, lifecycle, pickup, money."""
