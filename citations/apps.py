from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "citations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from cases.models import Event, ExcessiveForceComplaint, Incident
        from cases.signals import case_purging, lockdown_activated, purge_holds, sessions_ended
        from citations import receivers, retention

        post_save.connect(receivers.complaint_saved, sender=ExcessiveForceComplaint, dispatch_uid="citations.complaint")
        post_save.connect(receivers.incident_saved, sender=Incident, dispatch_uid="citations.incident")
        post_save.connect(receivers.event_saved, sender=Event, dispatch_uid="citations.event")
        m2m_changed.connect(
            receivers.complaint_incidents_changed,
            sender=ExcessiveForceComplaint.incidents.through,
            dispatch_uid="citations.complaint_incidents",
        )
        lockdown_activated.connect(receivers.revoke_calendar_feeds, dispatch_uid="citations.lockdown")
        sessions_ended.connect(receivers.revoke_calendar_feeds_of_users, dispatch_uid="citations.sessions_ended")
        case_purging.connect(receivers.purge_case_deadlines, dispatch_uid="citations.purge")
        case_purging.connect(retention.purge_case_citations, dispatch_uid="citations.purge_citations")
        purge_holds.connect(retention.citation_purge_holds, dispatch_uid="citations.purge_holds")
