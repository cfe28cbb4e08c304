"""Demo data: the county's towns and villages and one demo user per role (idempotent).

Each later domain appends its own step to DEMO_STEPS; `meidu seed` and `meidu demo`
run them in order behind one progress bar.
"""

from __future__ import annotations

from incubator.commission.demo_data import COMMISSION_DEMO_STEPS
from incubator.demo_data import INCUBATOR_DEMO_STEPS
from incubator.demo_farm import FARM_DEMO_STEPS
from incubator.training.demo_data import TRAINING_DEMO_STEPS
from logistics.geography.services import geography_load_county
from logistics.routing.demo_data import ROUTING_DEMO_STEPS
from magnesium_exchange.demo_data import EXCHANGE_DEMO_LOGINS, EXCHANGE_DEMO_STEPS
from magnesium_exchange.demo_financing import FINANCING_DEMO_LOGINS, FINANCING_DEMO_STEPS
from magnesium_exchange.demo_freight import FREIGHT_DEMO_STEPS
from marketplace.demo_data import MARKETPLACE_DEMO_STEPS
from marketplace.demo_orders import ORDER_DEMO_STEPS
from meidu.accounts.demo_data import seed_demo_users

# More logins printed by `meidu demo` after the one per role: (label, phone), same password.
DEMO_MORE_LOGINS = [*EXCHANGE_DEMO_LOGINS, *FINANCING_DEMO_LOGINS]


def seed_geography() -> int:
    return geography_load_county()[1]


DEMO_STEPS = [
    ("county towns and villages", seed_geography),
    ("demo users, one per role", seed_demo_users),
]
DEMO_STEPS += MARKETPLACE_DEMO_STEPS
DEMO_STEPS += ORDER_DEMO_STEPS
DEMO_STEPS += INCUBATOR_DEMO_STEPS
DEMO_STEPS += EXCHANGE_DEMO_STEPS
DEMO_STEPS += FINANCING_DEMO_STEPS
DEMO_STEPS += FREIGHT_DEMO_STEPS
DEMO_STEPS += ROUTING_DEMO_STEPS
# after the incubator's pool and distribution demo (INCUBATOR_DEMO_STEPS), which it builds on
DEMO_STEPS += COMMISSION_DEMO_STEPS
# Training reads the marketplace's shops, sales and payouts to place demo shop owners in the funnel: last.
DEMO_STEPS += TRAINING_DEMO_STEPS
DEMO_STEPS += FARM_DEMO_STEPS
