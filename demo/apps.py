from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Invented data, never part of the running service: the demo (`seed_demo`, `demo_code`) and
    the synthetic load set for tests and benchmarks (`generate_load_data`). Every command refuses
    to run unless settings.ALLOW_DEMO_DATA allows it (off in production)."""

    name = "demo"
