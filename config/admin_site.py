"""The admin site: who gets in, and what its change log (django.contrib.admin's LogEntry) keeps.

Django writes `str(obj)` of every object added, changed or deleted (and of each inline row) into
the log table, where it stays: a name in a `__str__` would be kept in clear outside the encrypted
fields. Every ModelAdmin registered here (ours and third-party ones alike) logs a non-personal
label instead: the model and the row's key (`log_label`)."""

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.contrib.admin.utils import construct_change_message
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from cases.audit import audit_record
from cases.permissions import may
from cases.services import account_change_own_password, account_check_fresh_second_factor
from cases.types import User, signed_in


def log_label(obj: models.Model) -> str:
    """What the admin log keeps of an object: its model and key, never its `__str__`."""
    return f"{obj._meta.model_name} {obj.pk}"


class NonPersonalLogMixin:
    """Admin log entries (and their change messages) name objects by `log_label` only."""

    def _log(self, request: HttpRequest, objects: Any, flag: int, message: Any = "") -> list[LogEntry]:
        if isinstance(message, list):
            message = json.dumps(message)
        entries = [
            LogEntry(
                user_id=signed_in(request.user).pk,
                content_type_id=get_content_type_for_model(obj).pk,
                object_id=str(obj.pk),
                object_repr=log_label(obj),
                action_flag=flag,
                change_message=message,
            )
            for obj in objects
        ]
        return LogEntry.objects.bulk_create(entries)

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        return self._log(request, [obj], ADDITION, message)[0]

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        return self._log(request, [obj], CHANGE, message)[0]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        return self._log(request, list(queryset), DELETION)

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        """Django's message (which fields changed, which inline rows were added, changed or
        deleted), each inline row named by `log_label` instead of its `__str__`."""
        # (The stubs type every value as a list of strings; an inline row's "name" and "object" are strings.)
        message: list[dict[str, Any]] = construct_change_message(form, formsets, add)
        rows = iter(
            [
                obj
                for formset in formsets or []
                for obj in [
                    *formset.new_objects,
                    *(changed for changed, _fields in formset.changed_objects),
                    *formset.deleted_objects,
                ]
            ]
        )
        for entry in message:
            for kind in ("added", "changed", "deleted"):
                if "object" in entry.get(kind, {}):
                    entry[kind]["object"] = log_label(next(rows))
        return message


class AuditedWritesMixin:
    """Every add, change and delete made in the admin (each object of a bulk delete too) is an
    audit entry, `admin.add`/`admin.change`/`admin.delete` with the object, in the write's
    transaction: the admin's own change log is no audit trail (unchained, editable)."""

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        audit_record(actor=request.user, action="admin.add", target=obj, request=request)
        return super().log_addition(request, obj, message)  # type: ignore[misc]  # a mixin: ModelAdmin's, in the class it joins

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        audit_record(actor=request.user, action="admin.change", target=obj, request=request)
        return super().log_change(request, obj, message)  # type: ignore[misc]  # likewise

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        objects = list(queryset)
        for obj in objects:
            audit_record(actor=request.user, action="admin.delete", target=obj, request=request)
        return super().log_deletions(request, objects)  # type: ignore[misc]  # likewise


class OwnPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" (one's own, with the current one): saved through the account
    service, which needs a fresh second factor, audits it and ends the account's other sessions
    and its tokens."""

    def __init__(self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean(self) -> Any:
        data = super().clean()
        account_check_fresh_second_factor(by=self.user, request=self.request)
        return data

    def save(self, commit: bool = True) -> Any:
        return account_change_own_password(
            user=self.user, password=self.cleaned_data["new_password1"], request=self.request
        )


class TrackerAdminSite(admin.AdminSite):
    """Only administrators get in (the `admin.site` row), whatever `is_staff` says: coordinators
    run intake, assignment, bulk actions, events and accounts from their own pages."""

    site_header = "Legal-support tracker administration"
    site_title = "Tracker admin"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin, whoever registers it, logs no personal text (`NonPersonalLogMixin`)
        and audits every write (`AuditedWritesMixin`)."""
        base = admin_class or admin.ModelAdmin
        mixins = tuple(mixin for mixin in (AuditedWritesMixin, NonPersonalLogMixin) if not issubclass(base, mixin))
        if mixins:
            base = type(base.__name__, (*mixins, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """One's own password, through the account service (`OwnPasswordChangeForm`)."""

        class View(PasswordChangeView):
            def get_form_kwargs(self) -> dict[str, Any]:
                form = super().get_form_kwargs()
                form["request"] = self.request
                return form

        request.current_app = self.name
        return View.as_view(
            form_class=OwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and may(request.user, "admin.site")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One sign-in page for everything (lockout, audit and the second factor live there)."""
        return redirect_to_login(request.GET.get("next") or self.index_url())

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)
