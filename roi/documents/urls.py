"""Downloads: the CODIR dossier, the checklist, the workbook, the exports, frozen versions."""

from django.urls import path

from roi.documents import views

app_name = "documents"

urlpatterns = [
    path("checklist.pdf", views.checklist_blank, name="checklist_blank"),
    path("projects/<int:project_id>/checklist.pdf", views.project_checklist,
         name="project_checklist"),
    path("projects/<int:project_id>/dossier.pdf", views.project_dossier,
         name="project_dossier"),
    path("projects/<int:project_id>/export.xlsx", views.project_xlsx, name="project_xlsx"),
    path("projects/<int:project_id>/export.json", views.project_export, name="project_export"),
    path("projects/<int:project_id>/versions/<int:number>/dossier.pdf", views.version_pdf,
         name="version_pdf"),
    path("projects/<int:project_id>/tracking/reviews/<int:months>/bilan.pdf",
         views.tracking_review_pdf, name="tracking_review_pdf"),
    path("projects/<int:project_id>/tracking/reviews/<int:months>/bilan.pdf/status",
         views.tracking_review_pdf_status, name="tracking_review_pdf_status"),
    # Polled by the page "en préparation" while a worker renders the file.
    path("projects/<int:project_id>/checklist.pdf/status", views.project_checklist_status,
         name="project_checklist_status"),
    path("projects/<int:project_id>/dossier.pdf/status", views.project_dossier_status,
         name="project_dossier_status"),
    path("projects/<int:project_id>/export.xlsx/status", views.project_xlsx_status,
         name="project_xlsx_status"),
    path("projects/<int:project_id>/versions/<int:number>/dossier.pdf/status",
         views.version_pdf_status, name="version_pdf_status"),
    # The portfolio's zip of dossiers: asked for, its progress (polled), the zip.
    path("portfolio/dossiers/", views.bundle_create, name="bundle_create"),
    path("portfolio/dossiers/<int:bundle_id>/", views.bundle_detail, name="bundle_detail"),
    path("portfolio/dossiers/<int:bundle_id>/status", views.bundle_status,
         name="bundle_status"),
    path("portfolio/dossiers/<int:bundle_id>/dossiers.zip", views.bundle_zip,
         name="bundle_zip"),
]
