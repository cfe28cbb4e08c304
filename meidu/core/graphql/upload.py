"""File uploads over GraphQL, as the graphql-multipart-request-spec (and Saleor) define them.

A multipart request carries an ``operations`` field (the usual JSON body, with ``null`` where
each file goes), a ``map`` field (``{"0": ["variables.image"]}``) and the files themselves; the
files are put into the variables before the operation runs, so a resolver receives Django's
``UploadedFile`` as the value of an ``Upload`` argument.
"""

from __future__ import annotations

import copy
import json

import graphene
from django.core.files.uploadedfile import UploadedFile
from django.http.multipartparser import MultiPartParserError
from graphql import Undefined


class Upload(graphene.Scalar):
    """Variables of this type are set to null and replaced by a file of the multipart request."""

    @staticmethod
    def parse_value(value):
        if not isinstance(value, UploadedFile):
            raise ValueError("An Upload variable takes a file sent in a multipart request")
        return value

    @staticmethod
    def parse_literal(node, _variables=None):
        """A file cannot be written inline in a document: only variables carry files."""
        return Undefined


def operations_from_multipart(request):
    """The operations of a multipart request with its files in place; ValueError when malformed.

    Anything but a single operation object is returned as it is, for the caller's usual checks.
    """
    try:
        fields, files = request.POST, request.FILES
    except MultiPartParserError:
        raise ValueError("The multipart body is malformed") from None
    operations = _json_field(fields, "operations")
    file_map = _json_field(fields, "map")
    if not isinstance(operations, dict):
        return operations
    return place_files(operations, file_map, files)


def _json_field(fields, name: str):
    if name not in fields:
        raise ValueError(f"A multipart request needs the `{name}` field")
    try:
        return json.loads(fields[name])
    except json.JSONDecodeError:
        raise ValueError(f"The `{name}` field is not valid JSON") from None


def place_files(operations: dict, file_map, files) -> dict:
    """A copy of ``operations`` with each file of ``files`` set at the paths ``file_map`` gives it."""
    if not isinstance(file_map, dict):
        raise ValueError("`map` must be an object of file keys to lists of paths")
    placed = copy.deepcopy(operations)
    for key, paths in file_map.items():
        if key not in files:
            raise ValueError(f"The file {key!r} named in `map` was not sent")
        if not isinstance(paths, list) or not paths or not all(isinstance(path, str) for path in paths):
            raise ValueError(f"`map` must give file {key!r} a non-empty list of paths")
        for path in paths:
            _set_at_path(placed, path, files[key])
    return placed


def _set_at_path(operations: dict, path: str, file) -> None:
    """Walk ``variables.input.images.1`` through objects and lists that exist, and set the last step."""
    *parents, last = path.split(".")
    if parents[:1] != ["variables"]:
        raise ValueError(f"The `map` path {path!r} must lead into `variables`")
    container = operations
    try:
        for step in parents:
            container = container[_index(container, step)]
        last_index = _index(container, last)
        if isinstance(container, list) and last_index >= len(container):
            raise IndexError(last_index)  # a list is only written where it already has a slot
        container[last_index] = file
    except (KeyError, IndexError, TypeError, ValueError):
        raise ValueError(f"The `map` path {path!r} does not match the variables") from None


def _index(container, step: str):
    """A list is indexed by a non-negative number, an object by its key."""
    if isinstance(container, list):
        if not step.isdigit():
            raise ValueError(step)
        return int(step)
    if not isinstance(container, dict):
        raise TypeError(step)
    return step
