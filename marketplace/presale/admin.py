from django.contrib import admin

from marketplace.presale.models import PresaleCampaign


@admin.register(PresaleCampaign)
class PresaleCampaignAdmin(admin.ModelAdmin):
    list_display = ("variant", "channel", "deposit_percent", "expected_quantity", "harvest_expected_on", "status", "harvested_quantity")
    list_filter = ("status", "channel")
    raw_id_fields = ("variant",)
    readonly_fields = ("status", "harvested_quantity", "harvested_at", "opened_by")
