"""Packets: input for generating one packet or a batch; output for stored packets and batches."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from documents.batches import batch_is_stalled
from documents.models import BatchKind, BatchOutput, PacketBatch, PacketKind, StoredPacket

DELIVERY = [("file", "The PDF itself"), ("reference", "JSON with a download link")]


class CasePacketInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PacketKind.choices, default=PacketKind.CASE)
    complaint = serializers.UUIDField(
        required=False, help_text="Complaint packet: which complaint (default the latest)."
    )
    citation = serializers.UUIDField(
        required=False, help_text="Plea letter: which citation (default the first unanswered)."
    )
    confirm = serializers.BooleanField(
        default=False,
        help_text="Complaint packet for a client with an open citation or case: the lawyer confirms (audited).",
    )
    deliver = serializers.ChoiceField(choices=DELIVERY, default="file")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {"": [_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown)[:10])}]}
            )
        if attrs["kind"] == PacketKind.DOCKET:
            raise serializers.ValidationError(
                {"kind": [_("A hearing docket covers a date: POST /api/v1/packets/docket/.")]}
            )
        return attrs


class DocketPacketInput(serializers.Serializer):
    date = serializers.DateField()
    courtroom = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    deliver = serializers.ChoiceField(choices=DELIVERY, default="file")


class StoredPacketOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    cached = serializers.SerializerMethodField()

    class Meta:
        model = StoredPacket
        fields = ["id", "kind", "case", "sha256", "size", "pages", "created_at", "cached", "download_url"]
        read_only_fields = fields

    def get_case(self, obj: StoredPacket) -> str | None:
        case = obj.case
        return str(case.public_id) if case is not None else None

    def get_cached(self, obj: StoredPacket) -> bool:
        return bool(self.context.get("cached", False))

    def get_download_url(self, obj: StoredPacket) -> str:
        return reverse("api:packet-file", kwargs={"id": obj.public_id})


class BatchInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BatchKind.choices)
    hearing_date = serializers.DateField(required=False)
    courtroom = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    event = serializers.UUIDField(required=False)
    output = serializers.ChoiceField(choices=BatchOutput.choices, default=BatchOutput.ZIP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == BatchKind.HEARING_DATE and not attrs.get("hearing_date"):
            raise serializers.ValidationError({"hearing_date": [_("Required for a hearing-date batch.")]})
        if attrs["kind"] == BatchKind.EVENT and not attrs.get("event"):
            raise serializers.ValidationError({"event": [_("Required for an event batch.")]})
        return attrs


class BatchOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    event = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    stalled = serializers.SerializerMethodField(
        help_text="Unfinished with no progress for the stall timeout: a worker died; recovery takes it up."
    )

    class Meta:
        model = PacketBatch
        fields = [
            "id", "kind", "hearing_date", "courtroom", "event", "output", "status", "stalled", "done", "total",
            "failed", "errors", "created_at", "started_at", "last_progress_at", "finished_at", "result_sha256",
            "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_event(self, obj: PacketBatch) -> str | None:
        event = obj.event
        return str(event.public_id) if event is not None else None

    def get_stalled(self, obj: PacketBatch) -> bool:
        return batch_is_stalled(obj)

    def get_download_url(self, obj: PacketBatch) -> str | None:
        if not obj.result_sha256:
            return None
        return reverse("api:packet-batch-download", kwargs={"id": obj.public_id})
