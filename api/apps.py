from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api import receivers
        from cases import signals

        signals.lockdown_activated.connect(receivers.revoke_everything_on_lockdown, dispatch_uid="api.lockdown")
        # Sent by "log out everywhere" and by every account change that ends sessions (cases.account_changes).
        signals.sessions_ended.connect(receivers.revoke_tokens_of_users, dispatch_uid="api.sessions_ended")
