from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from cases import receivers
        from cases.signals import sync_role_permissions

        user_locked_out.connect(receivers.audit_lockout, dispatch_uid="cases.audit_lockout")
        event = self.get_model("Event")
        pre_save.connect(receivers.event_saving, sender=event, dispatch_uid="cases.event_saving")
        post_save.connect(receivers.event_zone_saved, sender=event, dispatch_uid="cases.event_zone_saved")

        # Every app's post_migrate: permissions of apps migrated after this one exist only then.
        post_migrate.connect(sync_role_permissions, dispatch_uid="cases.sync_role_permissions")
