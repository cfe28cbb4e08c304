"""Demo data: the county's towns and villages and one demo user per role (idempotent).

Each later domain appends its own step to DEMO_STEPS; `meidu seed` and `meidu demo`
run them in order behind one progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from logistics.geography.services import geography_load_county
from magnesium_exchange.demo_data import EXCHANGE_DEMO_LOGINS, EXCHANGE_DEMO_STEPS
from magnesium_exchange.financing.demo_data import FINANCING_DEMO_LOGINS, FINANCING_DEMO_STEPS
from marketplace.demo_data import MARKETPLACE_DEMO_STEPS
from marketplace.demo_orders import ORDER_DEMO_STEPS
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set

DEMO_PASSWORD = "meidu-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    role: Role
    phone: str
    last_name: str
    first_name: str


DEMO_USERS = [
    DemoUser(Role.BUYER, "+8613800000001", "王", "秀兰"),
    DemoUser(Role.SELLER, "+8613800000002", "李", "建国"),
    DemoUser(Role.DISTRIBUTOR, "+8613800000003", "张", "丽"),
    DemoUser(Role.SUPPLIER, "+8613800000004", "刘", "春生"),
    DemoUser(Role.STATION_AGENT, "+8613800000005", "陈", "桂芳"),
    DemoUser(Role.DRIVER, "+8613800000006", "杨", "强"),
    DemoUser(Role.TRADER, "+8613800000007", "赵", "明"),
    DemoUser(Role.WAREHOUSE_OPERATOR, "+8613800000008", "黄", "志刚"),
    DemoUser(Role.BANK_OFFICER, "+8613800000009", "周", "敏"),
    DemoUser(Role.OPERATOR, "+8613800000010", "吴", "平"),
]


# More logins printed by `meidu demo` after the one per role: (label, phone), same password.
DEMO_MORE_LOGINS = [*EXCHANGE_DEMO_LOGINS, *FINANCING_DEMO_LOGINS]


def seed_demo_users() -> int:
    created = 0
    for demo in DEMO_USERS:
        user = User.objects.filter(phone=demo.phone).first()
        if user is None:
            user = account_register(
                phone=demo.phone, password=DEMO_PASSWORD, last_name=demo.last_name, first_name=demo.first_name, roles=()
            )
            created += 1
        roles = [demo.role.value] if demo.role == Role.BUYER else [demo.role.value, Role.BUYER.value]
        user_roles_set(user, roles)
    return created


def seed_geography() -> int:
    return geography_load_county()[1]


DEMO_STEPS = [
    ("county towns and villages", seed_geography),
    ("demo users, one per role", seed_demo_users),
]
DEMO_STEPS += MARKETPLACE_DEMO_STEPS
DEMO_STEPS += ORDER_DEMO_STEPS
DEMO_STEPS += EXCHANGE_DEMO_STEPS
DEMO_STEPS += FINANCING_DEMO_STEPS
