"""The user: logs in by mainland mobile number or by e-mail."""

import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    # Rotated on password change or deactivation: every refresh token issued before dies.
    jwt_token_key = models.CharField(max_length=32, default=new_jwt_token_key)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False), name="user_has_phone_or_email"
            ),
            models.CheckConstraint(condition=Q(email__isnull=True) | Q(email__exact=models.functions.Lower("email")), name="user_email_lowercase"),
        ]
        permissions = [
            ("manage_users", "Manage customers and their accounts"),
            ("manage_staff", "Manage staff and grant roles"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        # Chinese order: family name first, no space.
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.phone or self.email or f"user {self.pk}"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:6]}****{self.phone[-4:]}" if self.phone else ""
