from django.contrib import admin

from logistics.geography.models import Town, Village


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "county"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "town"]
    list_filter = ["town"]
    search_fields = ["name", "code"]
