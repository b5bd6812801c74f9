"""Reminders to demonstrators who consented (SMS and e-mail) and alerts to their legal team:
scheduling from the deadlines, the channels behind one interface, delivery and opt-out."""

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_init, post_save

        from cases.signals import case_purging
        from citations.models import Citation
        from reminders import receivers

        post_init.connect(receivers.citation_loaded, sender=Citation, dispatch_uid="reminders.citation_loaded")
        post_save.connect(receivers.citation_saved, sender=Citation, dispatch_uid="reminders.citation_saved")
        case_purging.connect(receivers.purge_case_reminders, dispatch_uid="reminders.purge")
