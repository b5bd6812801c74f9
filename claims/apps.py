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
        # What a person gets of a photo (cases.services.evidence_shared_bytes, below this app:
        # downloads, packets, their photo derivatives) is its blurred copy when it has one.
        from cases.services import evidence_shared_copy_register
        from claims.selectors import blurred_bytes

        evidence_shared_copy_register(blurred_bytes)
        from claims import receivers  # noqa: F401 - connects the receivers
