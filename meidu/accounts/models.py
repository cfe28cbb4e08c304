"""The user: logs in by mainland mobile number or by e-mail."""

import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def new_jwt_token_key() -> str:
    return secrets.token_urlsafe(16)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone=None, password=None, email=None, **extra):
        user = self.model(phone=phone or None, email=(email or "").lower() or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone=None, password=None, email=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(phone=phone, password=password, email=email, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(max_length=16, unique=True, null=True, blank=True, help_text="E.164, e.g. +8613800138000")
    email = models.EmailField(unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    language_code = models.CharField(max_length=10, default="zh-hans")
    # Rotated by set_password (every path that changes a password: services, admin, shell) and
    # by tokens_revoke_all: every access and refresh token issued before dies, and so does every
    # web session (the session hash covers it). Deactivated users' tokens die by is_active.
    jwt_token_key = models.CharField(max_length=32, default=new_jwt_token_key)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False), name="user_has_phone_or_email"
            ),
            models.CheckConstraint(
                condition=Q(email__isnull=True) | Q(email__exact=models.functions.Lower("email")),
                name="user_email_lowercase",
            ),
        ]
        permissions = [
            ("manage_users", "Manage customers and their accounts"),
            ("manage_staff", "Manage staff and grant roles"),
        ]

    def __str__(self):
        return self.display_name

    def set_password(self, raw_password):
        """A new password signs the user out everywhere, whoever sets it (a service, the admin, ``changepassword``)."""
        super().set_password(raw_password)
        if not getattr(self, "_rehashing", False):
            self.jwt_token_key = new_jwt_token_key()

    def set_unusable_password(self):
        super().set_unusable_password()
        self.jwt_token_key = new_jwt_token_key()

    def check_password(self, raw_password):
        # A hasher upgrade re-hashes the same password and saves only ``password``: not a change.
        self._rehashing = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing = False

    async def acheck_password(self, raw_password):
        self._rehashing = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._rehashing = False

    def _get_session_auth_hash(self, secret=None):
        """Django ends a web session whose hash no longer matches: covering the token key makes
        "sign out everywhere" end web sessions as well as JWTs."""
        key_salt = "meidu.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.jwt_token_key}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        # Chinese order: family name first, no space.
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.phone or self.email or f"user {self.pk}"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:6]}****{self.phone[-4:]}" if self.phone else ""


class Address(models.Model):
    """A Chinese postal address in Saleor's field names.

    country_area is the province, city the prefecture city, city_area the county or
    district, street_address_1 the town, village and house. ``village`` is set when the
    address lies in our county, so centralised village delivery can price it.
    """

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(max_length=64)
    last_name = models.CharField(max_length=64, blank=True)
    company_name = models.CharField(max_length=128, blank=True)
    street_address_1 = models.CharField(max_length=255)
    street_address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=64)
    city_area = models.CharField(max_length=64)
    postal_code = models.CharField(max_length=6, blank=True)
    country = models.CharField(max_length=2, default="CN")
    country_area = models.CharField(max_length=32)
    phone = models.CharField(max_length=16)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.country_area}{self.city}{self.city_area}{self.street_address_1}"

    @property
    def recipient(self) -> str:
        return f"{self.last_name}{self.first_name}"

    def as_data(self) -> dict:
        """The fields that copy an address (orders keep their own copy)."""
        return {field: getattr(self, field) for field in ADDRESS_FIELDS} | {"village_id": self.village_id}


ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "street_address_1",
    "street_address_2",
    "city",
    "city_area",
    "postal_code",
    "country",
    "country_area",
    "phone",
)


class ThrottleCounter(models.Model):
    """Failed attempts counted under a key (a login identifier's digest, a client address) until
    ``expires_at``. In the database when no shared cache (Redis) is configured, so that every
    worker process of `meidu serve` counts the same failures; changed only by one atomic upsert
    (meidu.accounts.throttle)."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"


class PhoneCodePurpose(models.TextChoices):
    """What a six-digit code proves: a code sent for one purpose confirms nothing else."""

    SIGN_IN = "sign_in", _("sign in")
    REGISTER = "register", _("registration")
    PASSWORD_RESET = "password_reset", _("password reset")
    WITHDRAWAL = "withdrawal", _("withdrawal")
    ASSISTED_ORDER = "assisted_order", _("assisted order")


class PhoneCode(models.Model):
    """A verification code sent by SMS: only its HMAC is kept (bound to the phone and the purpose),
    it lives PHONE_CODE_TTL_SECONDS, serves once and dies after PHONE_CODE_MAX_ATTEMPTS wrong tries.
    Written and read only by meidu.accounts.services.phone_codes; the newest code of a phone and
    purpose is the only one that counts."""

    phone = models.CharField(max_length=16)
    purpose = models.CharField(max_length=20, choices=PhoneCodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # False when nothing was sent (sign-in or reset for a number nobody registered): the row keeps
    # cool-downs identical so the answer says nothing about who is registered.
    sent = models.BooleanField(default=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="phone_code_latest_idx")]

    def __str__(self):
        return f"{self.phone[:6]}****{self.phone[-4:]} {self.purpose} {self.created_at:%Y-%m-%d %H:%M:%S}"


class SmsOutboxMessage(models.Model):
    """A text the console SMS backend "sent": kept only in demo and test (production refuses that
    backend), so the demo page can show the latest code to the visitor."""

    phone = models.CharField(max_length=16, db_index=True)
    body = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.phone}: {self.body}"
