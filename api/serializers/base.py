"""Shared serializer pieces: strict input, bounded values, scoped relations, encrypted fields.

- Input serializers reject unknown fields (400) and silently ignore the server-controlled names
  that appear in the output (id, created_at, reporter, lawyers, ...), so a client that sends
  back what it received cannot set them (mass assignment is ignored, not honoured).
- Every text has a maximum length; every date and time a sane range (1900 to 2200).
- Relations are written as UUIDs and resolved only inside the caller's scope, with one
  message for missing and out of scope alike.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

TEXT_MAX = 20_000
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2200, 12, 31)
UNKNOWN_FIELDS_SHOWN = 10


class BoundedDateTimeField(serializers.DateTimeField):
    default_error_messages = {"range": _("Must be between 1900 and 2200.")}

    def to_internal_value(self, value: Any) -> datetime.datetime:
        result = super().to_internal_value(value)
        if not (EARLIEST <= result.date() <= LATEST):
            self.fail("range")
        return result


class BoundedDateField(serializers.DateField):
    default_error_messages = {"range": _("Must be between 1900 and 2200.")}

    def to_internal_value(self, value: Any) -> datetime.date:
        result = super().to_internal_value(value)
        if not (EARLIEST <= result <= LATEST):
            self.fail("range")
        return result


class ScopedRelatedField(serializers.SlugRelatedField):
    """A related object written as its UUID and looked up in `scope(user=...)` only."""

    default_error_messages = {"does_not_exist": _("Not found."), "invalid": _("Must be a UUID.")}

    def __init__(self, *, model: type[models.Model], scope: Callable[..., Any], **kwargs: Any) -> None:
        self.scope = scope
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.scope(user=getattr(request, "user", None))

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str | uuid.UUID):
            self.fail("invalid")
        try:
            value = uuid.UUID(str(data))
        except (ValueError, AttributeError):
            self.fail("invalid")
        try:
            return self.get_queryset().get(public_id=value)
        except ObjectDoesNotExist:
            self.fail("does_not_exist")


# The mixin goes before a Serializer class; the checker reads it as one.
if TYPE_CHECKING:
    _SerializerBase = serializers.Serializer
else:
    _SerializerBase = object


class StrictInputMixin(_SerializerBase):
    """Reject unknown fields; ignore server-controlled ones listed in `ignored_fields`."""

    ignored_fields: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = set(self.fields)
            unknown = sorted(str(name)[:100] for name in data if name not in known and name not in self.ignored_fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field.")] for name in unknown[:UNKNOWN_FIELDS_SHOWN]}
                )
            data = {name: value for name, value in data.items() if name in known}
        return super().to_internal_value(data)


class BoundedModelSerializer(serializers.ModelSerializer):
    """ModelSerializer with lengths on every text, bounded dates, and encrypted fields typed right."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
        models.DateField: BoundedDateField,
    }

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        if isinstance(model_field, EncryptedDateField):
            kwargs: dict[str, Any] = {"required": False, "allow_null": True}
            return BoundedDateField, kwargs
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, EncryptedCharField):
            kwargs["max_length"] = model_field.plain_max_length
        if issubclass(field_class, serializers.CharField) and not kwargs.get("read_only"):
            kwargs.setdefault("max_length", TEXT_MAX)
        if isinstance(model_field, EncryptedTextField):
            kwargs.pop("allow_null", None)
        return field_class, kwargs


class InputSerializer(StrictInputMixin, BoundedModelSerializer):
    """Base for every create/update body."""


class PlainInputSerializer(StrictInputMixin, serializers.Serializer):
    """Base for action bodies that are not a model."""


@functools.cache
def empty_text_fields(serializer_class: type) -> tuple[str, ...]:
    """The encrypted text fields (dates aside) an output serializer shows: the API answers "" for
    them where the value is None (an object just created)."""
    meta = getattr(serializer_class, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return ()
    wanted = set(getattr(meta, "fields", ()))
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField) and not isinstance(f, EncryptedDateField) and f.name in wanted
    )


class OutputSerializer(BoundedModelSerializer):
    """Base for every response body. `Meta.personal_fields` names what the read audit records."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        # An encrypted text left empty is "" once read back from the database, but None on an
        # object just created: answer "" either way (the schema says string).
        for name in empty_text_fields(type(self)):
            if name in data and data[name] is None:
                data[name] = ""
        return data

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        # DRF drops allow_blank from read-only fields; keep it so the schema says "" may come back.
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank:
            kwargs["allow_blank"] = True
        return kwargs
