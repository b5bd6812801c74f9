"""Admin for administrators (inspection; coordinators work in their own pages).

Change lists show no personal data (only public ids, numbers and statuses), search only
non-personal columns, and every change form that shows personal data is audited as a read.
Accounts, roles and the audit trail are read-only here for every role; every write that remains
is audited (config.admin_site).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import audit_record
from cases.fields import encrypted_fields
from cases.models import (
    Arrest,
    AuditEntry,
    Case,
    CustodyEvent,
    Demonstrator,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    ForceType,
    Incident,
    Officer,
    User,
    WitnessStatement,
)

# The mixin goes before ModelAdmin in an admin's bases; the checker reads it as one.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class AuditedReadMixin(_AdminBase):
    """Records a read when a change form reveals encrypted (personal) fields."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 500) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(
                    actor=request.user,
                    action="admin.read",
                    target=obj,
                    fields=[f.name for f in encrypted_fields(type(obj))],
                    request=request,
                )
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """For inspection only: no add, change or delete for anyone, superusers included (a superuser
    passes every model permission, so the refusal has to be here)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Accounts, read-only. Every account change goes through the account services (the
    coordination pages, `manage.py mfa_reset`), which check who may, need a fresh second factor
    and audit it: Django's stock user admin did none of that, and coordinators made themselves
    administrators with it. No password hash, no personal names, no per-user permissions."""

    list_display = ["username", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username"]
    fields = readonly_fields = (
        "username",
        "groups",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    )


# Roles are groups; what each may do is decided in cases.permissions, and the groups' model
# permissions are kept by cases.receivers.sync_role_permissions: read-only here. django-otp's device
# admins are gone: they showed authenticator seeds and added or removed devices outside the account
# services (a second-factor reset is `account_reset_mfa`).
admin.site.unregister(Group)
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    fields = readonly_fields = ("name", "permissions")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_at", "jurisdiction", "place"]
    list_filter = ["jurisdiction", "starts_at"]
    search_fields = ["name", "place"]
    readonly_fields = ["public_id"]


@admin.register(Demonstrator)
class DemonstratorAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["public_id", "conceal_legal_name", "created_at"]
    list_filter = ["conceal_legal_name", "consent_share_with_lawyers", "created_at"]
    readonly_fields = ["public_id"]
    exclude = ["legal_name_index", "preferred_name_index", "phone_index", "email_index", "name_dob_index"]


class ArrestInline(admin.TabularInline):
    model = Arrest
    extra = 0
    fields = ["arrested_at", "place", "custody_status", "bail_amount", "bail_paid_by"]


@admin.register(Case)
class CaseAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["number", "event", "status", "opened_on", "closed_on", "retention_until"]
    list_filter = ["status", "event", "opened_on", "lawyers"]
    search_fields = ["number"]
    readonly_fields = ["number", "public_id"]
    raw_id_fields = ["demonstrator"]
    filter_horizontal = ["lawyers"]
    list_select_related = ["event"]
    inlines = [ArrestInline]


@admin.register(Arrest)
class ArrestAdmin(admin.ModelAdmin):
    list_display = ["public_id", "case", "arrested_at", "custody_status", "bail_paid_by"]
    list_filter = ["custody_status", "bail_paid_by", "arrested_at", "injured"]
    search_fields = ["case__number", "police_report_number"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "badge_status", "unit", "agency", "merged_into"]
    list_filter = ["agency", "badge_status", "unit"]
    search_fields = ["name", "badge_number", "payroll_number", "helmet_number", "vehicle_number", "unit"]
    raw_id_fields = ["merged_into"]


@admin.register(ForceType)
class ForceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label"]
    search_fields = ["code", "label"]


@admin.register(Incident)
class IncidentAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["public_id", "event", "occurred_at", "reporter", "dispersal_warning"]
    list_filter = ["event", "dispersal_warning", "dispersal_warning_audible", "force_types", "occurred_at"]
    search_fields = ["place", "agencies_present", "commander_present"]
    list_select_related = ["event", "reporter"]
    raw_id_fields = ["people_affected", "reporter"]
    filter_horizontal = ["force_types"]


@admin.register(ExcessiveForceComplaint)
class ComplaintAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["public_id", "case", "forum", "status", "outcome", "filed_on"]
    list_filter = ["forum", "status", "outcome", "filed_on"]
    search_fields = ["reference_number", "case__number"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "incidents", "officers"]


@admin.register(WitnessStatement)
class WitnessStatementAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["public_id", "anonymous", "taken_at"]
    list_filter = ["anonymous", "taken_at"]
    raw_id_fields = ["incident", "complaint", "case", "taken_by"]


class CustodyInline(admin.TabularInline):
    model = CustodyEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["public_id", "kind", "content_type", "size", "captured_at", "created_at"]
    list_filter = ["kind", "content_type", "created_at"]
    search_fields = ["sha256"]
    readonly_fields = ["sha256", "size", "content_type", "public_id"]
    # The stored files are sealed blobs with no URL: a file widget asked for one and the change
    # page answered 500. They are reached through the download page, which logs custody.
    exclude = ["file", "served_file"]
    raw_id_fields = ["incident", "complaint", "case", "uploaded_by"]
    inlines = [CustodyInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["actor_label", "action", "target_id"]
