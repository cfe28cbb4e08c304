"""The lawful commission rules (《禁止传销条例》 art. 7): safe defaults; a third level, a second level
without a recorded reason, a joining fee, a reward per recruit and any base other than the
distributor's own delivered, unrefunded sales are refused with their codes, writing nothing; the
table refuses them again; every change is audited and shown in the trail."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from incubator.commission.models import CommissionSettings
from incubator.commission.selectors import commission_rule_changes, commission_settings_current
from incubator.commission.services.settings import commission_settings_change
from meidu.core.audit.models import AuditEvent
from tests.refusals import assert_refused

pytestmark = pytest.mark.django_db


def snapshot():
    return (CommissionSettings.objects.count(), AuditEvent.objects.filter(action__startswith="commission.").count())


def test_defaults_are_one_level_and_no_self_purchase():
    rules = commission_settings_current()
    assert rules.levels == 1 and rules.self_purchase_commission is False
    assert rules.joining_fee == 0 and rules.recruit_reward == 0 and rules.base == "delivered_unrefunded"


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"levels": 3, "reason": "more"}, "level_limit", "levels"),
        ({"levels": 9}, "level_limit", "levels"),
        ({"levels": 2}, "reason_required", "reason"),
        ({"levels": 2, "reason": "   "}, "reason_required", "reason"),
        ({"joining_fee": "99"}, "joining_fee_forbidden", "joiningFee"),
        ({"joining_fee": "0.01"}, "joining_fee_forbidden", "joiningFee"),
        ({"recruit_reward": "5"}, "recruit_reward_forbidden", "recruitReward"),
        ({"base": "paid"}, "base_forbidden", "base"),
        ({"base": "team_sales"}, "base_forbidden", "base"),
        ({"levels": 0}, "invalid", "levels"),
        ({"levels": "1.5"}, "invalid", "levels"),
        ({"levels": "NaN"}, "invalid", "levels"),
        ({"levels": "Infinity"}, "invalid", "levels"),
        ({"levels": "1e30"}, "invalid", "levels"),
        ({"joining_fee": "NaN"}, "invalid", "joiningFee"),
        ({"levels": 2, "reason": "ok", "second_level_rate_percent": "-1"}, "invalid", "secondLevelRatePercent"),
        ({"levels": 2, "reason": "ok", "second_level_rate_percent": "1e30"}, "invalid", "secondLevelRatePercent"),
        ({"levels": 2, "reason": "bad\x00"}, "invalid", "reason"),
        ({"levels": 2, "reason": "x" * 2001}, "invalid", "reason"),
        ({"note": "\x07bell"}, "invalid", "note"),
    ],
)
def test_unlawful_or_hostile_rules_are_refused_writing_nothing(operator, changes, code, field):
    error = assert_refused(snapshot, code, commission_settings_change, actor=operator, **changes)
    assert error.field == field


def test_a_third_level_is_refused_in_chinese_and_english(operator):
    with translation.override("zh-hans"):
        zh = assert_refused(snapshot, "level_limit", commission_settings_change, actor=operator, levels=3)
    with translation.override("en"):
        en = assert_refused(snapshot, "level_limit", commission_settings_change, actor=operator, levels=3)
    assert "third level" in en.message and zh.message != en.message


def test_second_level_with_reason_is_recorded_and_audited(operator):
    row = commission_settings_change(
        actor=operator, levels=2, second_level_rate_percent="2.5", reason="法务审查 2026-12 通过"
    )
    assert (row.levels, row.second_level_rate_percent, row.created_by) == (2, Decimal("2.50"), operator)
    back = commission_settings_change(actor=operator, levels=1, self_purchase_commission=True, note="回到一级")
    assert commission_settings_current() == back and back.second_level_rate_percent == 0
    trail = list(commission_rule_changes())
    assert [event.data["levels"] for event in trail] == [1, 2]
    assert trail[1].data["reason"] == "法务审查 2026-12 通过" and trail[0].actor_user == operator
    assert trail[0].data["previous_levels"] == 2 and trail[0].data["self_purchase_commission"] is True


@pytest.mark.parametrize(
    "fields",
    [
        {"levels": 3},
        {"levels": 2, "second_level_reason": ""},
        {"joining_fee": Decimal("10")},
        {"recruit_reward": Decimal("1")},
        {"base": "paid"},
        {"levels": 1, "second_level_rate_percent": Decimal("3")},
    ],
)
def test_the_table_refuses_unlawful_rows_too(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionSettings.objects.create(**fields)
