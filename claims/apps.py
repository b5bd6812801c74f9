from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The dashboard (in citations, below this app) counts findings per allegation through a
        # section this app registers: see claims.selectors.
        from citations.dashboard import DashboardSection, register_section
        from claims.selectors import finding_cells, finding_rows

        register_section("findings", DashboardSection(query=finding_rows, cells=finding_cells))
        # Packets (in documents, below this app) embed a photo's blurred copy when it has one.
        from claims.selectors import blurred_bytes
        from documents.photos import register_shared_copy

        register_shared_copy(blurred_bytes)
        from claims import receivers  # noqa: F401 - connects the receivers
