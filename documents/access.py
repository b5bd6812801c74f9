"""Who may fetch a stored packet or a batch. Built on cases.access: a packet is visible only
while every case whose data it holds is visible to the caller; a batch only to the person who
asked for it (or a coordinator), and again only while its cases are visible."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.access import case_list_visible_to
from cases.models import Case
from cases.permissions import may
from cases.roles import sees_everything
from cases.types import AnyUser
from documents.models import PacketBatch, StoredPacket


def _hidden_cases(user: AnyUser) -> QuerySet[Case]:
    return Case.objects.exclude(pk__in=case_list_visible_to(user=user).values("pk"))


def packet_list_visible_to(*, user: AnyUser) -> QuerySet[StoredPacket]:
    if not may(user, "packets.download"):
        return StoredPacket.objects.none()
    qs = StoredPacket.objects.select_related("case")
    if sees_everything(user):
        return qs
    hidden = _hidden_cases(user).values("pk")
    holds_cases = Exists(StoredPacket.cases.through.objects.filter(storedpacket_id=OuterRef("pk")))
    # A packet holding no case at all (an empty docket) belongs to whoever made it.
    return qs.exclude(case__in=hidden).exclude(cases__in=hidden).filter(holds_cases | Q(created_by=user))


def batch_list_visible_to(*, user: AnyUser) -> QuerySet[PacketBatch]:
    if not may(user, "packets.read"):
        return PacketBatch.objects.none()
    qs = PacketBatch.objects.select_related("requested_by", "event")
    if sees_everything(user):
        return qs
    if not user.is_authenticated:  # (may() has already refused an anonymous visitor)
        return PacketBatch.objects.none()
    return qs.filter(requested_by=user).exclude(cases__in=_hidden_cases(user).values("pk"))
