from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.signals import sync_role_permissions

        # Every app's post_migrate: permissions of apps migrated after this one exist only then.
        post_migrate.connect(sync_role_permissions, dispatch_uid="cases.sync_role_permissions")
