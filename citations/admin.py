from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.types import signed_in
from citations import services
from citations.models import CalendarFeedToken, Citation, ClerkOfficeHours, Deadline, DeadlineRule, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    readonly_fields = ["kind", "amount", "payer", "paid_on", "reference", "recorded_by"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # money moves only through the payment services


class DeadlineInline(admin.TabularInline):
    model = Deadline
    fk_name = "citation"
    extra = 0
    fields = readonly_fields = ("kind", "due_on", "due_at", "status", "warrant_risk", "rule")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deadlines are computed from the rules


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["number", "agency", "kind", "status", "disposition", "issued_at", "hearing_at", "docketed"]
    list_filter = ["kind", "status", "disposition", "jurisdiction", "docketed", "agency", "issued_at"]
    search_fields = ["number", "docket_number", "offense_code", "case__number"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "issuing_officer"]
    # Lifecycle fields change only through citations.services (no silent state changes).
    readonly_fields = [
        "public_id", "status", "response", "responded_at", "hearing_at", "courtroom", "docket_number", "docketed",
        "disposition", "decided_on", "appealed_on", "closed_on", "status_changed_at", "status_changed_by",
    ]  # fmt: skip
    inlines = [PaymentInline, DeadlineInline]

    def save_model(self, request: HttpRequest, obj: Citation, form: Any, change: bool) -> None:
        """Through the services, so deadlines follow and the change is audited."""
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        if change:
            services.citation_update(citation=obj, by=signed_in(request.user), **fields)
        else:
            data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
            created = services.citation_create(case=form.cleaned_data["case"], by=signed_in(request.user), **data)
            obj.pk = created.pk


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "citation", "kind", "amount", "payer", "paid_on"]
    list_filter = ["kind", "payer", "paid_on"]
    search_fields = ["citation__number", "reference"]
    list_select_related = ["citation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """Coordinators edit rules here without a deploy; saving recomputes the deadlines the rule
    makes (or made). Rules are deactivated, never deleted, since deadlines remember them."""

    list_display = ["code", "description", "jurisdiction", "citation_kind", "complaint_forum", "kind", "trigger",
                    "offset", "offset_unit", "roll", "warrant_risk", "verified", "active"]  # fmt: skip
    list_filter = ["active", "verified", "jurisdiction", "citation_kind", "complaint_forum", "kind", "trigger"]
    search_fields = ["code", "description", "source"]
    readonly_fields = ["verified", "verified_at"]  # only a review (the rules page) verifies a rule

    def save_model(self, request: HttpRequest, obj: DeadlineRule, form: Any, change: bool) -> None:
        services.deadline_rule_save(rule=obj, by=signed_in(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "due_on", "status", "warrant_risk", "rule"]
    list_filter = ["status", "kind", "warrant_risk", "due_on", "rule"]
    search_fields = ["case__number", "citation__number"]
    list_select_related = ["case", "rule"]
    date_hierarchy = "due_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Who has a live calendar link (the token itself is never stored, only its hash)."""

    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = readonly_fields = ("user", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClerkOfficeHours)
class ClerkOfficeHoursAdmin(admin.ModelAdmin):
    """The clerk's office hours a filing's "due" shows, with their source (administrators)."""

    list_display = ["court", "office", "weekdays", "opens", "closes", "uncertain", "entered_by", "updated_at"]
    list_filter = ["court", "uncertain"]
    readonly_fields = ["entered_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: ClerkOfficeHours, form: Any, change: bool) -> None:
        services.clerk_hours_save(hours=obj, by=signed_in(request.user))
