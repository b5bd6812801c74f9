from __future__ import annotations

from django.contrib import admin

from citations.models import Citation, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    readonly_fields = ["kind", "amount", "payer", "paid_on", "reference", "recorded_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # money moves only through the payment services


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["number", "agency", "kind", "status", "disposition", "issued_at", "hearing_at", "docketed"]
    list_filter = ["kind", "status", "disposition", "jurisdiction", "docketed", "agency", "issued_at"]
    search_fields = ["number", "docket_number", "offense_code", "case__number"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "issuing_officer"]
    # Lifecycle fields change only through citations.services (no silent state changes).
    readonly_fields = [
        "public_id", "status", "response", "responded_at", "disposition", "decided_on", "closed_on",
        "status_changed_at", "status_changed_by",
    ]  # fmt: skip
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "citation", "kind", "amount", "payer", "paid_on"]
    list_filter = ["kind", "payer", "paid_on"]
    search_fields = ["citation__number", "reference"]
    list_select_related = ["citation"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
