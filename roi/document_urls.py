"""Downloads: the CODIR dossier, the checklist PDF, the exports."""

from django.urls import path

from roi import document_views

app_name = "documents"

urlpatterns = [
    path("checklist.pdf", document_views.checklist_blank, name="checklist_blank"),
    path("projects/<int:project_id>/checklist.pdf", document_views.project_checklist,
         name="project_checklist"),
    path("projects/<int:project_id>/dossier.pdf", document_views.project_dossier,
         name="project_dossier"),
]
