"""Django admin screens that write data shown by cached answers bump those domains' versions.

The admin saves models itself, past the services that bump (meidu.core.cache_versions); its views
run in a transaction, so the bump lands after the commit like a service's.
"""

from __future__ import annotations

from meidu.core.cache_versions import bump


class BumpsCacheVersionsAdminMixin:
    """Set ``cache_domains`` to the domains the model's rows (and its inlines' rows) show in."""

    cache_domains: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        bump(*self.cache_domains)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        bump(*self.cache_domains)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # type: ignore[misc]
        bump(*self.cache_domains)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        bump(*self.cache_domains)
