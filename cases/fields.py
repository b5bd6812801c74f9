"""Model fields for personal data: encrypted at rest (`core.crypto`), unsearchable except through
blind indexes.

They stay in `cases` although they need no domain model: migrations name them by this dotted path
(`cases.fields.EncryptedTextField`...), and a field whose path changes is a changed field to
`makemigrations`, so moving them would rewrite every encrypted column's migration state."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models import Lookup, Transform
from django.utils.translation import gettext as _

from core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as an AES-GCM token. Empty values are stored as NULL.

    Only `isnull` lookups work: filtering, ordering or searching on ciphertext is meaningless
    and would hint at the plaintext, so every other lookup raises FieldError.
    """

    encrypted = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("null") is True:
            del kwargs["null"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name != "isnull":
            raise FieldError(f"{self.crypto_context} is encrypted: only isnull lookups are allowed")
        return super().get_lookup(lookup_name)

    def get_transform(self, name: str) -> type[Transform] | None:
        raise FieldError(f"{self.crypto_context} is encrypted: transforms are not allowed")

    def serialise(self, value: Any) -> str:
        return str(value)

    def deserialise(self, value: str) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "":
            return None
        return crypto.encrypt(self.serialise(value), context=self.crypto_context)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return self.empty_python_value()
        return self.deserialise(crypto.decrypt(value, context=self.crypto_context))

    def empty_python_value(self) -> Any:
        return ""

    def to_python(self, value: Any) -> Any:
        if value is None or value == "":
            return self.empty_python_value()
        return value

    def value_to_string(self, obj: Any) -> str:
        # Serialisation (dumpdata) writes ciphertext, never plaintext.
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""


class EncryptedCharField(EncryptedTextField):
    """Encrypted short text: a single-line input, length checked before encryption."""

    def __init__(self, *args: Any, max_length: int = 200, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value and len(str(value)) > self.plain_max_length:
            raise ValidationError(_("At most %(n)s characters.") % {"n": self.plain_max_length}, code="max_length")

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.CharField(max_length=self.plain_max_length, required=not self.blank, **kwargs)


class EncryptedDateField(EncryptedTextField):
    """A date (e.g. date of birth) stored encrypted as ISO text."""

    # What the type checker's Django plugin reads as the attribute's type (set, and read back): a
    # date, where the text field it extends says str.
    _pyi_private_set_type: datetime.date | str | None  # type: ignore[assignment]  # a date, not text
    _pyi_private_get_type: datetime.date | None  # type: ignore[assignment]  # a date, not text

    def empty_python_value(self) -> None:
        return None

    def serialise(self, value: Any) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            value = self.to_python(value)
        return value.isoformat()

    def deserialise(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("Enter a valid date (YYYY-MM-DD)."), code="invalid") from None

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.DateField(required=not self.blank, **kwargs)


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised value, kept in step on every save."""

    def __init__(self, *args: Any, source: str | tuple[str, ...] = "", kind: str = "text", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        indexed = kwargs.pop("db_index", False)
        for key in ("max_length", "editable", "blank", "default"):
            kwargs.pop(key, None)
        if not indexed:  # indexed by default: only the exception is written down
            kwargs["db_index"] = False
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def compute(self, instance: Any) -> str:
        sources = (self.source,) if isinstance(self.source, str) else self.source
        parts = [getattr(instance, name) for name in sources]
        if any(part in (None, "") for part in parts):
            return ""
        joined = "\x1f".join(p.isoformat() if hasattr(p, "isoformat") else str(p) for p in parts)
        return crypto.blind_index(joined, purpose=self.purpose, kind=self.kind)

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def index_for(self, *values: Any) -> str:
        """The index value to look up, e.g. `Demonstrator.phone_index_for('215-555-0101')`."""
        if any(v in (None, "") for v in values):
            return ""
        joined = "\x1f".join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values)
        return crypto.blind_index(joined, purpose=self.purpose, kind=self.kind)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
