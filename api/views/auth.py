"""POST /api/v1/auth/token/: username, password (and a one-time code when the account has an
authenticator) -> a bearer token. DELETE on the same route revokes the token in use.

Failures all look alike (401, one message), whether the name is unknown, the password wrong,
the code wrong or missing, or the account locked out (django-axes counts every failure).
Accounts whose role requires a second factor (settings.MFA_REQUIRED_ROLES) get a token only with
a confirmed authenticator and its code."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import ApiToken
from api.serializers.auth import TokenRequest, TokenResponse
from api.throttling import AuthThrottle, WriteThrottle
from api.tokens import token_issue, token_revoke
from cases.audit import audit_record
from cases.mfa import mfa_check, mfa_required_for
from cases.roles import role_of
from cases.types import User, signed_in
from core.authn import API_SIGN_IN_FAILED

FAILED = API_SIGN_IN_FAILED
NEEDS_MFA = _("This account must set up a second factor in the web app before it can get a token.")


def _otp_ok(user: User, token: str | None) -> bool:
    if not user_has_device(user, confirmed=True):
        return True
    if not token:
        return False
    return mfa_check(user=user, token=token) is not None


class TokenView(APIView):
    throttle_classes = [AuthThrottle, WriteThrottle]

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        summary="Get a token",
        request=TokenRequest,
        responses={201: TokenResponse},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise exceptions.AuthenticationFailed(FAILED)
        if not _otp_ok(user, data.get("otp_token")):
            user_login_failed.send(
                sender=__name__, credentials={"username": data["username"]}, request=request._request
            )
            audit_record(actor=user, action="api.token.otp_failed", request=request)
            raise exceptions.AuthenticationFailed(FAILED)
        if role_of(user) is None:
            raise exceptions.AuthenticationFailed(FAILED)
        if mfa_required_for(user) and not user_has_device(user, confirmed=True):
            raise exceptions.PermissionDenied(NEEDS_MFA)
        raw, token = token_issue(user=user, by=user, label=data.get("label", ""))
        return Response(
            TokenResponse(
                {
                    "token": raw,
                    "token_id": token.public_id,
                    "expires_at": token.expires_at,
                    "username": user.get_username(),
                    "role": role_of(user),
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Revoke the token in use",
        request=None,
        responses={204: OpenApiResponse(description="Revoked.")},
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError({"Authorization": [_("Send the token to revoke as a Bearer token.")]})
        token_revoke(token=request.auth, by=signed_in(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
