"""The lawyer's desk, under /desk/ (see citations/views_desk.py)."""

from django.urls import path

from citations import views_desk

urlpatterns = [
    path("cases/", views_desk.case_list, name="desk-cases"),
    path("cases/<uuid:case_id>/", views_desk.case_detail, name="desk-case"),
    path("citations/<uuid:citation_id>/", views_desk.citation_detail, name="desk-citation"),
    path("citations/<uuid:citation_id>/<slug:action>/", views_desk.citation_action, name="desk-citation-action"),
    path("due/", views_desk.due_this_week, name="desk-due"),
    path("docket/", views_desk.docket, name="desk-docket"),
]
