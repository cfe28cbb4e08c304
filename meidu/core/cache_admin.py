"""Admin screens whose saves change what cached answers show bump those domains' versions.

Staff edit some reference data in Django admin with no service behind it (the price board's markets
and produce items, the exchange's commodities and grades). Such a screen declares the domains it
feeds in ``cache_domains``; every save or delete bumps them once the admin's transaction commits
(meidu.core.cache_versions), so the next read of a cached page shows the edit.
"""

from __future__ import annotations

from meidu.core.cache_versions import bump


class CacheVersionAdminMixin:
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
