from django.urls import path

urlpatterns: list = []

# Packet buttons on the desk pages (documents/views_pages.py).
from documents import views_pages  # noqa: E402

urlpatterns += [
    path("cases/<uuid:case_id>/packet/", views_pages.case_packet, name="documents-case-packet"),
    path("docket/packet/", views_pages.docket_packet, name="documents-docket-packet"),
]
