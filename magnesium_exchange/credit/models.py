"""A member's consent for a bank to read its credit report, and the audit of every read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CreditConsent(models.Model):
    """Recorded and revocable: a bank reads a member's report only while a consent is in force."""

    member = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="credit_consents")
    bank = models.ForeignKey("exchange_financing.Bank", on_delete=models.PROTECT, related_name="credit_consents")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credit report consent")
        verbose_name_plural = _("credit report consents")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "bank"], condition=Q(revoked_at__isnull=True), name="one_credit_consent_in_force"
            )
        ]


class CreditReportRead(models.Model):
    """Who read which member's report, for which bank, under which consent, and what they were given."""

    consent = models.ForeignKey(CreditConsent, on_delete=models.PROTECT, related_name="reads")
    member = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey("exchange_financing.Bank", on_delete=models.PROTECT, related_name="+")
    reader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reader_app = models.ForeignKey(
        "integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_sha256 = models.CharField(max_length=64)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("credit report read")
        verbose_name_plural = _("credit report reads")
        ordering = ["-id"]
