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
