"""Downloads: the CODIR dossier, the checklist PDF, the exports."""

from django.urls import path  # noqa: F401

app_name = "documents"

urlpatterns: list = []
