"""The REST API under /api/v1/. Each area registers its routes here, one block per area.

Keep one block per area so branches merge cleanly; every route under /api/v1/ must have rows in
tests/api/test_role_matrix.py (the test fails for a route without one).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api.views import (
    auth,
    bulk,
    citations,
    claims,
    complaints,
    custody,
    dashboard,
    events,
    evidence,
    incidents,
    intake,
    officers,
    packets,
    people,
    transfers,
)
from api.views.docs import SwaggerDocsView
from api.views.errors import not_found

app_name = "api"
router = SimpleRouter()

# --- events
router.register("events", events.EventViewSet, basename="event")

# --- people: demonstrators, cases, arrests
router.register("demonstrators", people.DemonstratorViewSet, basename="demonstrator")
router.register("cases", people.CaseViewSet, basename="case")
router.register("arrests", people.ArrestViewSet, basename="arrest")

# --- officers
router.register("officers", officers.OfficerViewSet, basename="officer")

# --- incidents
router.register("incidents", incidents.IncidentViewSet, basename="incident")

# --- complaints and witness statements
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
router.register("witness-statements", complaints.StatementViewSet, basename="statement")

# --- claims: allegations of complaints and their findings
router.register("allegations", claims.AllegationViewSet, basename="allegation")

# --- citations and deadlines
router.register("citations", citations.CitationViewSet, basename="citation")
router.register("deadlines", citations.DeadlineViewSet, basename="deadline")

# --- evidence
router.register("evidence", evidence.EvidenceViewSet, basename="evidence")

# --- packets (documents app): one case's packet, the docket, batches and downloads
packet_patterns: list = [
    path("cases/<uuid:id>/packet/", packets.CasePacketApi.as_view(), name="case-packet"),
    path("packets/", packets.BatchListApi.as_view(), name="packet-batch-list"),
    path("packets/docket/", packets.DocketPacketApi.as_view(), name="packet-docket"),
    path("packets/files/<uuid:id>/", packets.StoredPacketDownloadApi.as_view(), name="packet-file"),
    path("packets/<uuid:id>/", packets.BatchDetailApi.as_view(), name="packet-batch-detail"),
    path("packets/<uuid:id>/download/", packets.BatchDownloadApi.as_view(), name="packet-batch-download"),
]

# --- the intake desk (custody app): one-step intake, a release into the case, person merge
intake_patterns: list = [
    path("intake/", intake.IntakeApi.as_view(), name="intake"),
    path("custody/<uuid:id>/release/", intake.ReleaseApi.as_view(), name="custody-release"),
    path("people/merges/", intake.PersonMergeApi.as_view(), name="people-merge"),
    path("people/merges/<uuid:id>/undo/", intake.PersonMergeUndoApi.as_view(), name="people-merge-undo"),
    path("people/merges/dismissals/", intake.DuplicateDismissalApi.as_view(), name="people-duplicate-dismiss"),
    path(
        "people/merges/dismissals/<uuid:id>/undo/",
        intake.DuplicateDismissalUndoApi.as_view(),
        name="people-duplicate-dismiss-undo",
    ),
]

# --- the night (custody app): the hotline log, an event's custody board, a move to another stage,
# the places of custody (routed here, not by the router: its lists are the desk's, read by lawyers)
places = custody.CustodyPlaceViewSet
custody_patterns: list = [
    path("custody/places/", places.as_view({"get": "list", "post": "create"}), name="custody-place-list"),
    path(
        "custody/places/<uuid:id>/",
        places.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="custody-place-detail",
    ),
    path("hotline/", custody.HotlineListApi.as_view(), name="hotline-list"),
    path("hotline/<uuid:id>/link/", custody.HotlineLinkApi.as_view(), name="hotline-link"),
    path("custody/events/<uuid:id>/board/", custody.BoardApi.as_view(), name="custody-board"),
    path("custody/arrests/<uuid:id>/stage/", custody.ArrestStageApi.as_view(), name="custody-stage"),
]

# --- claims: a photo's blur regions, face proposals and blurred copy; an incident's preservation
#     plans, letters (PDF) and the record of their sending
claims_patterns: list = [
    path("evidence/<uuid:id>/blur/", claims.BlurApi.as_view(), name="evidence-blur"),
    path("evidence/<uuid:id>/blur/proposals/", claims.FaceProposalsApi.as_view(), name="evidence-blur-proposals"),
    path("evidence/<uuid:id>/blur/blurred.jpg", claims.BlurredCopyApi.as_view(), name="evidence-blurred"),
    path("incidents/<uuid:id>/preservation/", claims.PreservationPlansApi.as_view(), name="preservation-plans"),
    path(
        "incidents/<uuid:id>/preservation/letters/",
        claims.PreservationLettersApi.as_view(),
        name="preservation-letters",
    ),
    path(
        "incidents/<uuid:id>/preservation/<slug:recipient>.pdf",
        claims.PreservationLetterPdfApi.as_view(),
        name="preservation-letter-pdf",
    ),
]

# --- bulk actions: a preview unless the body confirms (api/views/bulk.py)
bulk_patterns: list = [
    path("bulk/mass-disposition/", bulk.MassDispositionApi.as_view(), name="bulk-mass-disposition"),
    path("bulk/mass-disposition/<uuid:id>/", bulk.MassDispositionRunApi.as_view(), name="bulk-mass-disposition-run"),
    path("bulk/assign/", bulk.BulkAssignApi.as_view(), name="bulk-assign"),
    path("bulk/assign/<uuid:id>/", bulk.AssignRunApi.as_view(), name="bulk-assign-run"),
    path("bulk/hearing-outcomes/", bulk.HearingOutcomesApi.as_view(), name="bulk-hearing-outcomes"),
    path("bulk/hearing-outcomes/<uuid:id>/", bulk.HearingOutcomesRunApi.as_view(), name="bulk-hearing-outcomes-run"),
]

v1_patterns: list = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("imports/citations/", transfers.CitationImportView.as_view(), name="import-citations"),
    path("exports/citations.csv", transfers.CitationExportView.as_view(), name="export-citations"),
    *packet_patterns,
    *intake_patterns,
    *custody_patterns,
    *claims_patterns,
    *bulk_patterns,
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found),
]
