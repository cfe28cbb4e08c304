"""Relay global IDs: base64("TypeName:pk"), decoded with the expected type checked."""

from __future__ import annotations

import binascii

from django.utils.translation import gettext as _
from graphql_relay import from_global_id, to_global_id

from meidu.core.error_codes import CoreErrorCode
from meidu.core.errors import DomainError
from meidu.core.queries import one_or_none

__all__ = ["to_global_id", "from_global_id_or_error", "pks_from_global_ids"]


def from_global_id_or_error(global_id: str, only_type: str | None = None, field: str = "id") -> str:
    """The pk inside ``global_id``; a malformed ID or one of another type is a GRAPHQL_ERROR refusal."""
    try:
        type_name, pk = from_global_id(global_id or "")
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        type_name, pk = "", ""
    if not type_name or not pk:
        raise DomainError(
            _("Couldn't resolve id: %(id)s.") % {"id": global_id}, CoreErrorCode.GRAPHQL_ERROR, field=field
        )
    if only_type and type_name != only_type:
        raise DomainError(
            _("Must receive a %(type)s id.") % {"type": only_type}, CoreErrorCode.GRAPHQL_ERROR, field=field
        )
    if not pk.isdigit():
        raise DomainError(
            _("Couldn't resolve id: %(id)s.") % {"id": global_id}, CoreErrorCode.GRAPHQL_ERROR, field=field
        )
    return pk


def pks_from_global_ids(global_ids: list[str], only_type: str, field: str = "ids") -> list[str]:
    return [from_global_id_or_error(value, only_type, field) for value in global_ids]


def get_node_or_error(model, global_id: str | None, type_name: str, field: str = "id", required: bool = True):
    """The ``model`` row behind a global ID of ``type_name``; NOT_FOUND or REQUIRED refusals name ``field``
    (the codes exist in every domain's ErrorCode enum, so mutations report them in their own)."""
    if not global_id:
        if required:
            raise DomainError(_("%(field)s is required") % {"field": field}, CoreErrorCode.REQUIRED, field=field)
        return None
    obj = one_or_none(model.objects.filter(pk=from_global_id_or_error(global_id, type_name, field)))
    if obj is None:
        raise DomainError(_("%(type)s not found") % {"type": type_name}, CoreErrorCode.NOT_FOUND, field=field)
    return obj
