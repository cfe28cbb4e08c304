"""Django admin screens guarded by our permission enums instead of Django's per-model ones,
so that a role's permissions (meidu.accounts.roles) are all an operator needs."""

from meidu.core.permissions import BasePermissionEnum


class EnumPermissionAdminMixin:
    admin_permission: BasePermissionEnum | None = None
    allow_add = False
    allow_delete = False

    def _allowed(self, request) -> bool:
        user = request.user
        permission = self.admin_permission
        return permission is not None and user.is_active and user.is_staff and user.has_perm(permission.value)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self.allow_add and self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self._allowed(request)
