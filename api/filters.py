"""Filters for every list. They narrow what the caller may already see (the queryset is scoped
first), reference other objects by UUID (an unknown or out-of-scope id simply matches nothing),
order only by allow-listed, non-personal fields, and search only non-personal text.

`FilterBackend` is django-filter's backend for every API view: a request that names no filter
(a plain page: `?limit=`, `offset=`, `count=` at most) skips building the FilterSet and its
form, which with every filter empty narrows nothing (tests/api/test_filter_backend.py holds
every FilterSet to that) and cost a list page more than writing its 50 rows."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend

from cases.access import case_list_visible_to
from cases.models import (
    Arrest,
    BadgeStatus,
    Case,
    CaseStatus,
    ComplaintForum,
    ComplaintOutcome,
    ComplaintStatus,
    CustodyStatus,
    Demonstrator,
    Event,
    Evidence,
    EvidenceKind,
    ExcessiveForceComplaint,
    Incident,
    Jurisdiction,
    Officer,
    WitnessStatement,
    YesNoUnknown,
)
from cases.selectors import incident_ids_concerning
from citations.models import Citation, CitationKind, CitationStatus, Deadline, DeadlineKind, DeadlineStatus, Disposition

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2200, 12, 31)
SEARCH_MAX = 100


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        if not self.names_a_filter(request, view):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def names_a_filter(request: Any, view: Any) -> bool:
        """Whether the query string holds anything besides the paginator's own parameters (page
        size, offset, `count=exact`)."""
        paginator = getattr(view, "paginator", None)
        paging = {
            getattr(paginator, name, None) for name in ("limit_query_param", "offset_query_param", "count_query_param")
        }
        return any(name not in paging for name in request.query_params)


def _in_range(value: Any) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not (EARLIEST <= day <= LATEST):
        raise ValidationError(_("Must be between 1900 and 2200."), code="range")


class BoundedDateTimeFormField(forms.DateTimeField):
    default_validators = [_in_range]

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):
            raise ValidationError(_("Enter a valid date/time."), code="invalid") from None


class BoundedDateFormField(forms.DateField):
    default_validators = [_in_range]


class DateTimeFilter(df.DateTimeFilter):
    field_class = BoundedDateTimeFormField


class DateFilter(df.DateFilter):
    field_class = BoundedDateFormField


class SearchMixin(df.FilterSet):
    """`q`: case-insensitive substring over `search_fields` (non-personal text only)."""

    search_fields: tuple[str, ...] = ()
    q = df.CharFilter(method="search", max_length=SEARCH_MAX, help_text="Search non-personal text.")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class EventFilter(SearchMixin):
    search_fields = ("name", "place", "description")
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")
    jurisdiction = df.ChoiceFilter(choices=Jurisdiction.choices)
    ordering = df.OrderingFilter(fields=("starts_at", "name", "created_at"))

    class Meta:
        model = Event
        fields: list[str] = []


class DemonstratorFilter(df.FilterSet):
    """No text search and no ordering by name: names are encrypted (use POST .../search/)."""

    event = df.UUIDFilter(field_name="cases__event__public_id", distinct=True)
    case_status = df.ChoiceFilter(field_name="cases__status", choices=CaseStatus.choices, distinct=True)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = df.OrderingFilter(fields=("created_at",))

    class Meta:
        model = Demonstrator
        fields: list[str] = []


class CaseFilter(SearchMixin):
    search_fields = ("number",)
    status = df.ChoiceFilter(choices=CaseStatus.choices)
    event = df.UUIDFilter(field_name="event__public_id")
    lawyer = df.CharFilter(method="by_lawyer", max_length=150, help_text="A lawyer's username, or 'me'.")
    unassigned = df.BooleanFilter(field_name="lawyers", lookup_expr="isnull", distinct=True)
    opened_after = DateFilter(field_name="opened_on", lookup_expr="gte")
    opened_before = DateFilter(field_name="opened_on", lookup_expr="lte")
    ordering = df.OrderingFilter(fields=("opened_on", "number", "status", "created_at"))

    class Meta:
        model = Case
        fields: list[str] = []

    def by_lawyer(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == "me":
            user = self.request.user if self.request else None
            return queryset.filter(lawyers=user) if user is not None and user.is_authenticated else queryset.none()
        return queryset.filter(lawyers__username=value)


class ArrestFilter(df.FilterSet):
    case = df.UUIDFilter(field_name="case__public_id")
    event = df.UUIDFilter(field_name="case__event__public_id")
    custody_status = df.ChoiceFilter(choices=CustodyStatus.choices)
    injured = df.BooleanFilter()
    arrested_after = DateTimeFilter(field_name="arrested_at", lookup_expr="gte")
    arrested_before = DateTimeFilter(field_name="arrested_at", lookup_expr="lt")
    ordering = df.OrderingFilter(fields=("arrested_at", "created_at"))

    class Meta:
        model = Arrest
        fields: list[str] = []


class OfficerFilter(SearchMixin):
    search_fields = ("name", "badge_number", "unit", "agency", "helmet_number", "description")
    agency = df.CharFilter(max_length=120)
    badge = df.CharFilter(field_name="badge_number", max_length=20)
    unit = df.CharFilter(max_length=120)
    badge_status = df.ChoiceFilter(choices=BadgeStatus.choices)
    merged = df.BooleanFilter(field_name="merged_into", lookup_expr="isnull", exclude=True)
    ordering = df.OrderingFilter(fields=("badge_number", "name", "agency", "unit", "created_at"))

    class Meta:
        model = Officer
        fields: list[str] = []


class IncidentFilter(SearchMixin):
    search_fields = ("place", "agencies_present", "commander_present")
    event = df.UUIDFilter(field_name="event__public_id")
    case = df.UUIDFilter(
        method="concerning_case",
        help_text="The incidents concerning this case: a person affected, an arrest seen, or cited by a complaint.",
    )
    occurred_after = DateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = DateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    occurred_on = DateFilter(field_name="occurred_on")
    force_type = df.CharFilter(field_name="force_types__code", max_length=40, distinct=True)
    officer_badge = df.CharFilter(field_name="officers__badge_number", max_length=20, distinct=True)
    dispersal_warning = df.ChoiceFilter(choices=YesNoUnknown.choices)
    ordering = df.OrderingFilter(fields=("occurred_at", "created_at"))

    class Meta:
        model = Incident
        fields: list[str] = []

    def concerning_case(self, queryset: QuerySet[Incident], name: str, value: Any) -> QuerySet[Incident]:
        """The same rule as the desk and the packets (`cases.selectors`), for a case the caller may
        see: a case outside their scope matches nothing, as any filter naming one does."""
        if self.request is None:
            return queryset.none()
        cases = case_list_visible_to(user=self.request.user).filter(public_id=value).values("pk")
        return queryset.filter(pk__in=incident_ids_concerning(cases))


class ComplaintFilter(SearchMixin):
    search_fields = ("reference_number",)
    case = df.UUIDFilter(field_name="case__public_id")
    event = df.UUIDFilter(field_name="case__event__public_id")
    status = df.ChoiceFilter(choices=ComplaintStatus.choices)
    outcome = df.ChoiceFilter(choices=ComplaintOutcome.choices)
    forum = df.ChoiceFilter(choices=ComplaintForum.choices)
    officer_badge = df.CharFilter(field_name="officers__badge_number", max_length=20, distinct=True)
    force_type = df.CharFilter(field_name="force_types__code", max_length=40, distinct=True)
    filed_after = DateFilter(field_name="filed_on", lookup_expr="gte")
    filed_before = DateFilter(field_name="filed_on", lookup_expr="lte")
    ordering = df.OrderingFilter(fields=("created_at", "filed_on", "status"))

    class Meta:
        model = ExcessiveForceComplaint
        fields: list[str] = []


class StatementFilter(df.FilterSet):
    case = df.UUIDFilter(field_name="case__public_id")
    incident = df.UUIDFilter(field_name="incident__public_id")
    complaint = df.UUIDFilter(field_name="complaint__public_id")
    anonymous = df.BooleanFilter()
    taken_after = DateTimeFilter(field_name="taken_at", lookup_expr="gte")
    taken_before = DateTimeFilter(field_name="taken_at", lookup_expr="lt")
    ordering = df.OrderingFilter(fields=("taken_at", "created_at"))

    class Meta:
        model = WitnessStatement
        fields: list[str] = []


class EvidenceFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=EvidenceKind.choices)
    case = df.UUIDFilter(field_name="case__public_id")
    incident = df.UUIDFilter(field_name="incident__public_id")
    complaint = df.UUIDFilter(field_name="complaint__public_id")
    uploaded_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    uploaded_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = df.OrderingFilter(fields=("created_at", "captured_at", "size"))

    class Meta:
        model = Evidence
        fields: list[str] = []


class CitationFilter(SearchMixin):
    search_fields = ("number", "offense_code", "offense_description", "docket_number")
    status = df.ChoiceFilter(choices=CitationStatus.choices)
    kind = df.ChoiceFilter(choices=CitationKind.choices)
    disposition = df.ChoiceFilter(choices=Disposition.choices)
    jurisdiction = df.ChoiceFilter(choices=Jurisdiction.choices)
    docketed = df.BooleanFilter()
    case = df.UUIDFilter(field_name="case__public_id")
    event = df.UUIDFilter(field_name="case__event__public_id")
    lawyer = df.CharFilter(method="by_lawyer", max_length=150, help_text="A lawyer's username, or 'me'.")
    officer_badge = df.CharFilter(method="by_badge", max_length=20, help_text="The issuing officer's badge number.")
    issued_after = DateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = DateTimeFilter(field_name="issued_at", lookup_expr="lt")
    hearing_after = DateTimeFilter(field_name="hearing_at", lookup_expr="gte")
    hearing_before = DateTimeFilter(field_name="hearing_at", lookup_expr="lt")
    due_after = DateFilter(method="due_from", help_text="Has an open deadline due on or after this date.")
    due_before = DateFilter(method="due_to", help_text="Has an open deadline due on or before this date.")
    ordering = df.OrderingFilter(fields=("issued_at", "hearing_at", "status", "number", "created_at"))

    class Meta:
        model = Citation
        fields: list[str] = []

    def by_lawyer(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "me":
            return queryset.filter(case__lawyers=self.request.user) if self.request else queryset.none()
        return queryset.filter(case__lawyers__username=value)

    def by_badge(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(issuing_officer__badge_number=value) | Q(officer_badge_as_written=value))

    def _open_deadline(self, queryset: QuerySet[Any], condition: Q) -> QuerySet[Any]:
        due = Deadline.objects.filter(condition, citation=OuterRef("pk"), status=DeadlineStatus.OPEN)
        return queryset.filter(Exists(due))

    def due_from(self, queryset: QuerySet[Any], name: str, value: datetime.date) -> QuerySet[Any]:
        return self._open_deadline(queryset, Q(due_on__gte=value))

    def due_to(self, queryset: QuerySet[Any], name: str, value: datetime.date) -> QuerySet[Any]:
        return self._open_deadline(queryset, Q(due_on__lte=value))

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # due_after and due_before together mean one deadline inside the window, not two different ones
        data = self.form.cleaned_data
        if data.get("due_after") and data.get("due_before"):
            window = Q(due_on__gte=data["due_after"], due_on__lte=data["due_before"])
            queryset = self._open_deadline(queryset, window)
            skipped = {"due_after", "due_before"}
            for name, value in data.items():
                if name not in skipped:
                    queryset = self.filters[name].filter(queryset, value)
            return queryset
        return super().filter_queryset(queryset)


class DeadlineFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=DeadlineStatus.choices)
    kind = df.ChoiceFilter(choices=DeadlineKind.choices)
    warrant_risk = df.BooleanFilter()
    case = df.UUIDFilter(field_name="case__public_id")
    citation = df.UUIDFilter(field_name="citation__public_id")
    complaint = df.UUIDFilter(field_name="complaint__public_id")
    event = df.UUIDFilter(field_name="case__event__public_id")
    lawyer = df.CharFilter(method="by_lawyer", max_length=150, help_text="A lawyer's username, or 'me'.")
    due_after = DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = DateFilter(field_name="due_on", lookup_expr="lte")
    overdue = df.BooleanFilter(method="by_overdue", help_text="Past its last day with nothing recorded.")
    ordering = df.OrderingFilter(fields=("due_at", "due_on", "kind", "status"))

    class Meta:
        model = Deadline
        fields: list[str] = []

    def by_lawyer(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "me":
            return queryset.filter(case__lawyers=self.request.user) if self.request else queryset.none()
        return queryset.filter(case__lawyers__username=value).distinct()

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        past = Q(status__in=[DeadlineStatus.OPEN, DeadlineStatus.MISSED], due_on__lt=timezone.localdate())
        return queryset.filter(past) if value else queryset.exclude(past)
