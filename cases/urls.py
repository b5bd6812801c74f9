from django.contrib.auth import views as auth_views
from django.urls import path

from cases import auth_views as security_views
from cases import views, views_observer

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", security_views.TrackerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", security_views.mfa_verify_view, name="mfa_verify"),
    path("login/enrol/", security_views.mfa_enrol_view, name="mfa_enrol"),
    path("account/security/", security_views.account_security_view, name="account_security"),
    path("account/recovery-codes/", security_views.recovery_codes_view, name="mfa_recovery_codes"),
    path("account/logout-everywhere/", security_views.logout_everywhere_view, name="logout_everywhere"),
    path("security/lockdown/", security_views.lockdown_view, name="lockdown"),
    path("evidence/<uuid:public_id>/download/", views.evidence_download, name="evidence_download"),
    path("healthz", views.healthz, name="healthz"),
]

# Observer: the incident form (and the offline queue's endpoint) and one's own reports.
urlpatterns += [
    path("observe/", views_observer.incident_new, name="observe-new"),
    path("observe/reports/", views_observer.my_reports, name="observe-reports"),
    path("observe/sw.js", views_observer.service_worker, name="observe-sw"),
]

# Coordinator: assignment, accounts and roles, the audit trail.
from cases import views_coordinator  # noqa: E402

urlpatterns += [
    path("coordination/", views_coordinator.coordination_home, name="coord-home"),
    path("coordination/cases/<uuid:case_id>/assign/", views_coordinator.assign, name="coord-assign"),
    path("coordination/accounts/", views_coordinator.accounts, name="coord-accounts"),
    path("coordination/accounts/<int:user_id>/role/", views_coordinator.account_role, name="coord-account-role"),
    path("coordination/accounts/<int:user_id>/active/", views_coordinator.account_active, name="coord-account-active"),
    path("coordination/audit/", views_coordinator.audit_trail, name="coord-audit"),
]
