"""Mutation base: permission check first, then one service call, domain errors into ``errors``."""

from __future__ import annotations

from enum import Enum

import graphene
from django.core.exceptions import ValidationError
from graphene.types.mutation import MutationOptions

from meidu.core.errors import DomainError
from meidu.core.graphql.permissions import check_permissions

_enum_cache: dict[type, type] = {}
_error_types: dict[str, type] = {}


def graphene_enum(python_enum: type[Enum], name: str | None = None, description: str | None = None):
    """One graphene Enum per Python enum, reused wherever it appears."""
    if python_enum not in _enum_cache:
        _enum_cache[python_enum] = graphene.Enum.from_enum(python_enum, name=name, description=description)
    return _enum_cache[python_enum]


def error_type(name: str, code_enum: type[Enum]) -> type:
    """``XxxError { field message code: XxxErrorCode! }`` as Saleor shapes it."""
    if name not in _error_types:
        _error_types[name] = type(
            name,
            (graphene.ObjectType,),
            {
                "field": graphene.String(description="Name of the input field that caused the error, in camelCase."),
                "message": graphene.String(description="The error message."),
                "code": graphene.Field(graphene_enum(code_enum), required=True, description="The error code."),
            },
        )
    return _error_types[name]


class MeiduMutationOptions(MutationOptions):
    permissions = ()
    error_code_enum = None
    error_type_name = None


class BaseMutation(graphene.Mutation):
    """Subclasses set Meta.error_code_enum and Meta.error_type_name (and Meta.permissions), and
    implement ``perform_mutation(cls, root, info, **data)`` returning the payload instance.
    A domain's abstract base may set ``default_error_code_enum`` / ``default_error_type_name``
    as class attributes instead, so its mutations need not repeat them."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls, permissions=(), error_code_enum=None, error_type_name=None, _meta=None, **options
    ):
        if _meta is None:
            _meta = MeiduMutationOptions(cls)
        _meta.permissions = tuple(permissions)
        _meta.error_code_enum = error_code_enum or getattr(cls, "default_error_code_enum", None)
        _meta.error_type_name = error_type_name or getattr(cls, "default_error_type_name", None)
        error_code_enum, error_type_name = _meta.error_code_enum, _meta.error_type_name
        if error_code_enum is not None:
            cls.errors = graphene.List(graphene.NonNull(error_type(error_type_name, error_code_enum)), required=True)
        super().__init_subclass_with_meta__(_meta=_meta, **options)

    @classmethod
    def mutate(cls, root, info, **data):
        check_permissions(info, list(cls._meta.permissions))
        try:
            return cls.perform_mutation(root, info, **data)
        except DomainError as exc:
            return cls(errors=[cls._error(err) for err in exc.as_list()])
        except ValidationError as exc:
            return cls(errors=[cls._validation_error(field, err) for field, errs in _error_items(exc) for err in errs])

    @classmethod
    def perform_mutation(cls, root, info, **data):
        raise NotImplementedError

    @classmethod
    def _code(cls, value: str):
        enum = cls._meta.error_code_enum
        try:
            return enum(value)
        except ValueError:
            return enum("graphql_error") if "graphql_error" in {m.value for m in enum} else enum("invalid")

    @classmethod
    def _error(cls, err: DomainError):
        return error_type(cls._meta.error_type_name, cls._meta.error_code_enum)(
            field=err.field, message=err.message, code=cls._code(err.code)
        )

    @classmethod
    def _validation_error(cls, field, err):
        return error_type(cls._meta.error_type_name, cls._meta.error_code_enum)(
            field=field, message=" ".join(err.messages), code=cls._code(err.code or "invalid")
        )


def _error_items(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [(field, errs) for field, errs in exc.error_dict.items()]
    return [(None, exc.error_list)]


def ip_address(info) -> str | None:
    return info.context.META.get("REMOTE_ADDR")
