"""Domain errors: services raise them, the API maps them to `errors { field message code }`."""

from __future__ import annotations

from enum import Enum


class DomainError(Exception):
    """A refusal with a machine-readable code from a domain's ErrorCode enum."""

    def __init__(self, message: str, code: Enum | str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code.value if isinstance(code, Enum) else code
        self.field = field

    def as_list(self) -> list[DomainError]:
        return [self]


class DomainErrors(DomainError):
    """Several refusals found together (form-style validation)."""

    def __init__(self, errors: list[DomainError]):
        if not errors:
            raise ValueError("DomainErrors needs at least one error")
        super().__init__(errors[0].message, errors[0].code, errors[0].field)
        self.errors = errors

    def as_list(self) -> list[DomainError]:
        return list(self.errors)


class PermissionDenied(Exception):
    """The caller lacks a permission; surfaces as a top-level GraphQL error naming it."""

    def __init__(self, permissions=None, message: str | None = None):
        self.permissions = [getattr(p, "name", str(p)) for p in (permissions or [])]
        if message is None:
            if self.permissions:
                message = "You need one of the following permissions: " + ", ".join(self.permissions)
            else:
                message = "You do not have permission to perform this action"
        super().__init__(message)
        self.message = message
