"""Every page of the site, by area. Paths and names are what people and integrations already
use (bookmarks, calendar apps holding a feed URL, links in sent messages): keep them.

A new page names its operation of the permission table (`web.permissions.page_for`) and gets a
row per method in tests/security/test_route_matrix.py: the suite fails for a route without one."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from web.views import (
    account,
    bulk,
    citations,
    claims,
    coordinate,
    custody,
    dashboard,
    desk,
    downloads,
    events,
    home,
    intake,
    observe,
    packets,
    reminders,
)

# Home, sign-in with its second factor, one's account, the administrators' lockdown.
account_patterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("login/", account.TrackerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", account.mfa_verify_view, name="mfa_verify"),
    path("login/enrol/", account.mfa_enrol_view, name="mfa_enrol"),
    path("account/security/", account.account_security_view, name="account_security"),
    path("account/language/", account.account_language_view, name="account_language"),
    path("account/recovery-codes/", account.recovery_codes_view, name="mfa_recovery_codes"),
    path("account/logout-everywhere/", account.logout_everywhere_view, name="logout_everywhere"),
    path("security/lockdown/", account.lockdown_view, name="lockdown"),
]

# Observer: the incident form (and the offline queue's endpoint) and one's own reports.
observe_patterns = [
    path("", observe.incident_new, name="observe-new"),
    path("reports/", observe.my_reports, name="observe-reports"),
    path("sw.js", observe.service_worker, name="observe-sw"),
]

# Coordinator: assignment, accounts and roles, the audit trail, jail support and places of custody.
coordinate_patterns = [
    path("", coordinate.coordination_home, name="coord-home"),
    path("cases/<uuid:case_id>/assign/", coordinate.assign, name="coord-assign"),
    path("accounts/", coordinate.accounts, name="coord-accounts"),
    path("accounts/<int:user_id>/role/", coordinate.account_role, name="coord-account-role"),
    path("accounts/<int:user_id>/active/", coordinate.account_active, name="coord-account-active"),
    path("audit/", coordinate.audit_trail, name="coord-audit"),
    path("custody/jail-support/", custody.jail_support_assignments, name="custody-jail-support"),
    path("custody/places/", custody.custody_places_page, name="custody-places"),
    path("custody/places/<uuid:place_id>/", custody.custody_place_page, name="custody-place"),
    path("court-calendar/", coordinate.court_calendar, name="coord-court-calendar"),
    path("clerk-hours/", coordinate.clerk_hours, name="coord-clerk-hours"),
    # Bulk actions: preview, then confirm (web/views/bulk.py).
    path("bulk/disposition/", bulk.mass_disposition, name="coord-bulk-disposition"),
    path("bulk/disposition/<uuid:run_id>/", bulk.disposition_run, name="coord-bulk-disposition-run"),
    path("bulk/disposition/<uuid:run_id>/status/", bulk.disposition_run_status, name="coord-bulk-disposition-status"),
    path("bulk/refunds/", bulk.refunds, name="coord-bulk-refunds"),
    path("bulk/refunds/record/", bulk.refund_record, name="coord-bulk-refund-record"),
    path("bulk/assign/", bulk.bulk_assign, name="coord-bulk-assign"),
    path("bulk/assign/<uuid:run_id>/", bulk.assign_run, name="coord-bulk-assign-run"),
    path("bulk/assign/<uuid:run_id>/status/", bulk.assign_run_status, name="coord-bulk-assign-status"),
    path("events/", events.events, name="coord-events"),
    path("events/<uuid:event_id>/", events.event_edit, name="coord-event"),
]

# The night of a mass arrest: custody boards and the hotline log (jail support: its events).
custody_patterns = [
    path("", custody.custody_home, name="custody-home"),
    path("events/<uuid:event_id>/", custody.board, name="custody-board"),
    path("events/<uuid:event_id>/board/", custody.board_partial, name="custody-board-partial"),
    path("events/<uuid:event_id>/hotline/", custody.hotline_log, name="custody-hotline"),
    path("events/<uuid:event_id>/hotline/new/", custody.hotline_new, name="custody-hotline-new"),
    path("events/<uuid:event_id>/hotline/sw.js", custody.hotline_service_worker, name="custody-hotline-sw"),
    path("arrests/<uuid:arrest_id>/stage/", custody.arrest_stage, name="custody-stage"),
    path("hotline/<uuid:entry_id>/link/", custody.hotline_link, name="custody-hotline-link"),
]

# The intake desk: one-step intake, duplicate suggestions while typing, a release recorded into
# the case (linked from the custody board), merging two records of one person.
intake_patterns = [
    path("intake/", intake.intake_page, name="intake"),
    path("intake/duplicates/", intake.intake_duplicates, name="intake-duplicates"),
    path("custody/<uuid:arrest_id>/release/", intake.release_page, name="custody-release"),
    path("people/duplicates/", intake.merge_queue, name="people-merge-queue"),
    path("people/merge/<uuid:first_id>/<uuid:second_id>/", intake.merge_pair, name="people-merge"),
    path("people/merges/<uuid:merge_id>/undo/", intake.merge_undo, name="people-merge-undo"),
    path(
        "people/not-duplicates/<uuid:first_id>/<uuid:second_id>/",
        intake.duplicate_dismiss_pair,
        name="people-duplicate-dismiss",
    ),
    path(
        "people/not-duplicates/<uuid:dismissal_id>/undo/",
        intake.duplicate_dismissal_undo_page,
        name="people-duplicate-dismiss-undo",
    ),
]

# The lawyer's desk (coordinators see every case).
desk_patterns = [
    path("cases/", desk.case_list, name="desk-cases"),
    path("cases/<uuid:case_id>/", desk.case_detail, name="desk-case"),
    path("cases/<uuid:case_id>/close/", desk.case_close, name="desk-case-close"),
    path("citations/<uuid:citation_id>/", desk.citation_detail, name="desk-citation"),
    path("citations/<uuid:citation_id>/<slug:action>/", desk.citation_action, name="desk-citation-action"),
    path("due/", desk.due_this_week, name="desk-due"),
    path("rules/", desk.rules, name="desk-rules"),
    path("complaints/<uuid:complaint_id>/force-date/", desk.complaint_force_date, name="desk-complaint-force-date"),
    path("rules/<slug:code>/review/", desk.rule_review, name="desk-rule-review"),
    path("docket/", desk.docket, name="desk-docket"),
    path("docket/outcomes/", bulk.hearing_outcomes, name="desk-hearing-outcomes"),
    path("docket/outcomes/<uuid:run_id>/", bulk.outcomes_run, name="desk-hearing-outcomes-run"),
    path("docket/outcomes/<uuid:run_id>/status/", bulk.outcomes_run_status, name="desk-hearing-outcomes-status"),
]

# The organizer's dashboard (aggregates only); a lawyer's calendar-feed link and the feed itself
# (authenticated by the token in the URL); coordinators' bulk import and CSV export.
citation_patterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("calendar/", citations.calendar_link, name="citations-calendar"),
    path("calendar/<str:token>.ics", citations.calendar_feed, name="citations-calendar-feed"),
    path("import/", citations.import_page, name="citations-import"),
    path("export.csv", citations.export_csv, name="citations-export"),
]

# Downloads: evidence files; packets, linked from the case page's packet buttons and the docket
# page's docket button; batches; subject access (one person's own data, as JSON or PDF).
packet_patterns = [
    path("cases/<uuid:case_id>/packet/", packets.case_packet, name="documents-case-packet"),
    path("docket/packet/", packets.docket_packet, name="documents-docket-packet"),
    path("packets/<uuid:packet_id>/", packets.packet_file, name="documents-packet-file"),
    path("batches/", packets.batch_start, name="documents-batch-start"),
    path("batches/<uuid:batch_id>/", packets.batch_page, name="documents-batch"),
    path("batches/<uuid:batch_id>/status/", packets.batch_status, name="documents-batch-status"),
    path("batches/<uuid:batch_id>/download/", packets.batch_download, name="documents-batch-download"),
    path("people/<uuid:person_id>/subject-access.<str:fmt>", packets.subject_access, name="documents-subject-access"),
]

# Claims (lawyers and coordinators): a complaint's allegations and findings; the plaintiff roster
# of an event, and its exports (coordinators); an officer's history (merges: coordinators).
claims_patterns = [
    path("complaints/<uuid:complaint_id>/allegations/", claims.complaint_allegations, name="claims-allegations"),
    path("complaints/<uuid:complaint_id>/allegations/new/", claims.allegation_add, name="claims-allegation-add"),
    path("allegations/<uuid:allegation_id>/", claims.allegation_edit, name="claims-allegation"),
    path("roster/", claims.roster_index, name="claims-roster-index"),
    path("events/<uuid:event_id>/roster/", claims.roster, name="claims-roster"),
    path("events/<uuid:event_id>/roster.csv", claims.roster_export, {"fmt": "csv"}, name="claims-roster-csv"),
    path("events/<uuid:event_id>/roster.pdf", claims.roster_export, {"fmt": "pdf"}, name="claims-roster-pdf"),
    path("officers/", claims.officer_index, name="claims-officers"),
    path("officers/<uuid:officer_id>/", claims.officer_page, name="claims-officer"),
    path("officers/<uuid:officer_id>/merge/", claims.officer_merge_into, name="claims-officer-merge"),
    path("cases/<uuid:case_id>/evidence.zip", claims.evidence_export_case, name="claims-evidence-case"),
    path("events/<uuid:event_id>/evidence.zip", claims.evidence_export_event, name="claims-evidence-event"),
    path("evidence-signing-key.pem", claims.signing_key, name="claims-signing-key"),
    path("incidents/<uuid:incident_id>/preservation/", claims.preservation, name="claims-preservation"),
    path("evidence/<uuid:evidence_id>/blur/", claims.blur_editor, name="claims-blur"),
    path("evidence/<uuid:evidence_id>/blur/copy.img", claims.blur_image, {"which": "copy"}, name="claims-blur-copy"),
    path(
        "evidence/<uuid:evidence_id>/blur/blurred.jpg",
        claims.blur_image,
        {"which": "blurred"},
        name="claims-blur-blurred",
    ),
    path(
        "incidents/<uuid:incident_id>/preservation/<slug:recipient>.pdf",
        claims.preservation_letter,
        name="claims-preservation-letter",
    ),
    path("incidents/<uuid:incident_id>/preservation/sent/", claims.preservation_sent, name="claims-preservation-sent"),
]

# Reminders: a person's consent, the outbox, a lawyer's digest; the SMS provider's webhooks
# (no session: the provider's signature; their URLs are configured at the provider).
reminder_patterns = [
    path("people/<uuid:person_id>/consent/", reminders.consent, name="reminders-consent"),
    path("outbox/", reminders.outbox, name="reminders-outbox"),
    path("digest/", reminders.digest, name="reminders-digest"),
    path("sms/status/", reminders.sms_status, name="reminders-sms-status"),
    path("sms/inbound/", reminders.sms_inbound, name="reminders-sms-inbound"),
]

urlpatterns = [
    *account_patterns,
    path("evidence/<uuid:public_id>/download/", downloads.evidence_download, name="evidence_download"),
    path("observe/", include(observe_patterns)),
    path("coordination/", include(coordinate_patterns)),
    path("custody/", include(custody_patterns)),
    path("coordination/", include(intake_patterns)),
    path("desk/", include(desk_patterns)),
    path("citations/", include(citation_patterns)),
    path("documents/", include(packet_patterns)),
    path("claims/", include(claims_patterns)),
    path("reminders/", include(reminder_patterns)),
]
