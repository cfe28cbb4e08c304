from django.conf import settings

from meidu.accounts.models import Address, SmsOutboxMessage, User
from meidu.accounts.phone import InvalidPhone, looks_like_email, normalize_cn_mobile
from meidu.accounts.roles import primary_role


def user_get_by_identifier(identifier: str) -> User | None:
    """The user whose e-mail or mobile number is ``identifier`` (in any usual spelling)."""
    identifier = (identifier or "").strip()
    if looks_like_email(identifier):
        return User.objects.filter(email=identifier.lower()).first()
    try:
        phone = normalize_cn_mobile(identifier)
    except InvalidPhone:
        return None
    return User.objects.filter(phone=phone).first()


def user_role_names(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = sorted(group.name for group in user.groups.all())
        user._role_names = cached
    return cached


def user_primary_role(user) -> str | None:
    return primary_role(user_role_names(user))


def user_default_shipping_address(user) -> Address | None:
    """The address the user last saved for a delivery: offered again at their next checkout."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Address.objects.filter(user=user).select_related("village__town").order_by("-pk").first()


def sms_outbox_shown() -> bool:
    """Whether pages may show the console backend's texts: demo, DEBUG or test only, and only with
    the console backend (production refuses it: meidu.runtime.safety)."""
    return settings.SMS_BACKEND == "console" and (settings.DEBUG or settings.DEMO_MODE or settings.TEST_MODE)


def sms_outbox_latest(phone: str) -> SmsOutboxMessage | None:
    """The newest text the console backend kept for ``phone`` (E.164), when pages may show it."""
    if not phone or not sms_outbox_shown():
        return None
    return SmsOutboxMessage.objects.filter(phone=phone).order_by("-created_at", "-id").first()
