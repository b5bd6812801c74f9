from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from cases import receivers

        user_locked_out.connect(receivers.audit_lockout, dispatch_uid="cases.audit_lockout")
        event = self.get_model("Event")
        pre_save.connect(receivers.event_saving, sender=event, dispatch_uid="cases.event_saving")
        post_save.connect(receivers.event_zone_saved, sender=event, dispatch_uid="cases.event_zone_saved")

        # Account changes from any path end sessions and tokens (cases.account_changes).
        from django_otp.plugins.otp_static.models import StaticDevice  # models: only once apps are loaded
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = get_user_model()
        pre_save.connect(receivers.user_saving, sender=user, dispatch_uid="cases.user_saving")
        post_save.connect(receivers.user_saved, sender=user, dispatch_uid="cases.user_saved")
        m2m_changed.connect(receivers.user_groups_changed, sender=user.groups.through, dispatch_uid="cases.user_groups")
        for device in (self.get_model("Authenticator"), TOTPDevice, StaticDevice):
            post_delete.connect(
                receivers.otp_device_deleted, sender=device, dispatch_uid=f"cases.{device.__name__}_gone"
            )

        # Every app's post_migrate: permissions of apps migrated after this one exist only then.
        post_migrate.connect(receivers.sync_role_permissions, dispatch_uid="cases.sync_role_permissions")
