from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoiConfig(AppConfig):
    name = "roi"
    verbose_name = _("Projets ROI")

    def ready(self) -> None:
        # Django's documented place to connect receivers: they import models, which only
        # exist once every app is loaded.
        from roi.documents import receivers  # noqa: F401
