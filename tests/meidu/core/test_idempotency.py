import pytest

from meidu.core.errors import DomainError
from meidu.core.idempotency.models import IdempotencyRecord
from meidu.core.idempotency.services import idempotent_call
from tests.support.races import race


@pytest.mark.django_db
def test_same_key_same_request_runs_once():
    calls = []

    def perform():
        calls.append(1)
        return {"n": len(calls)}

    first = idempotent_call(scope="t", actor_key="u1", key="k", request={"a": 1}, perform=perform)
    second = idempotent_call(scope="t", actor_key="u1", key="k", request={"a": 1}, perform=perform)
    assert first == second == {"n": 1}
    assert len(calls) == 1


@pytest.mark.django_db
def test_key_is_scoped_per_actor_and_refused_for_another_request():
    idempotent_call(scope="t", actor_key="u1", key="k", request={"a": 1}, perform=lambda: {"ok": 1})
    assert idempotent_call(scope="t", actor_key="u2", key="k", request={"a": 2}, perform=lambda: {"ok": 2}) == {"ok": 2}
    with pytest.raises(DomainError) as exc:
        idempotent_call(scope="t", actor_key="u1", key="k", request={"a": 2}, perform=lambda: {"ok": 3})
    assert exc.value.code == "idempotency_key_reused"


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256], ids=["empty_case", "too_long_case"])
def test_bad_keys_are_refused(key):
    with pytest.raises(DomainError) as exc:
        idempotent_call(scope="t", actor_key="u", key=key, request={}, perform=lambda: {})
    assert exc.value.code == "invalid"
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_first_call_leaves_no_record():
    def failing():
        raise DomainError("nope", "invalid")

    with pytest.raises(DomainError):
        idempotent_call(scope="t", actor_key="u", key="k", request={}, perform=failing)
    assert idempotent_call(scope="t", actor_key="u", key="k", request={}, perform=lambda: {"ok": True}) == {"ok": True}


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_perform_once():
    calls = []

    def perform():
        calls.append(1)
        return {"value": 42}

    def call():
        return idempotent_call(scope="race", actor_key="u", key="k", request={}, perform=perform)

    results = [outcome.value for outcome in race(*[call] * 4)]
    assert results == [{"value": 42}] * 4
    assert len(calls) == 1
