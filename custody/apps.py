from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "custody"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.signals import case_purging
        from custody import receivers

        case_purging.connect(receivers.purge_case_merge_notes, dispatch_uid="custody.purge_merge_notes")
