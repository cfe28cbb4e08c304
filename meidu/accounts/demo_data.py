"""The demo's people: one login per role, all with the same password (`meidu demo` prints them).

Here, in accounts, so that every domain's demo data can create or find them without importing the
composer above it (meidu.demo_data, which runs every domain's demo steps).
"""

from __future__ import annotations

from dataclasses import dataclass

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
