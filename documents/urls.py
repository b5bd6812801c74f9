from django.urls import path

from documents import views

# The desk pages link here: the case page's packet buttons, the docket page's docket button.
urlpatterns = [
    path("cases/<uuid:case_id>/packet/", views.case_packet, name="documents-case-packet"),
    path("docket/packet/", views.docket_packet, name="documents-docket-packet"),
    path("packets/<uuid:packet_id>/", views.packet_file, name="documents-packet-file"),
    path("batches/", views.batch_start, name="documents-batch-start"),
    path("batches/<uuid:batch_id>/", views.batch_page, name="documents-batch"),
    path("batches/<uuid:batch_id>/status/", views.batch_status, name="documents-batch-status"),
    path("batches/<uuid:batch_id>/download/", views.batch_download, name="documents-batch-download"),
    # Subject access: one person's own data, for them (coordinators), as JSON or PDF.
    path("people/<uuid:person_id>/subject-access.<str:fmt>", views.subject_access, name="documents-subject-access"),
]
