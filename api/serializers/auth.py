"""Token sign-in bodies."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import PlainInputSerializer


class TokenRequest(PlainInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.RegexField(
        r"^[0-9a-zA-Z]{6,16}$",
        required=False,
        help_text="The current code of the account's authenticator (or a recovery code), when it has one.",
    )
    # A field named like Field.label (DRF's metaclass moves declared fields off the class).
    label = serializers.CharField(  # type: ignore[assignment]  # the stubs see Field.label overridden
        required=False, allow_blank=True, max_length=100, help_text="e.g. 'Olive's phone'"
    )


class TokenResponse(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once. Send as `Authorization: Bearer <token>`.")
    token_id = serializers.UUIDField()
    expires_at = serializers.DateTimeField()
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
