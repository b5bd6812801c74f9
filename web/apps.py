from django.apps import AppConfig


class WebConfig(AppConfig):
    """Every HTML page (views, forms, urls and the template filters only pages use), above the
    domain apps beside `api`: it calls their services and selectors and holds no rule of its own."""

    name = "web"
