from django.urls import path

from roi import review_views, views

app_name = "roi"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("workspace/", views.workspace, name="workspace"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/invitations/new/", views.invitation_create,
         name="invitation_create"),
    path("clients/<int:client_id>/invitations/<int:invitation_id>/resend/",
         views.invitation_resend, name="invitation_resend"),
    path("clients/<int:client_id>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:project_id>/archive/", views.project_archive, name="project_archive"),
]

urlpatterns += [
    path("portfolio/", views.portfolio, name="portfolio"),
    path("clients/<int:client_id>/import/", views.project_import, name="project_import"),
    path("projects/<int:project_id>/duplicate/", views.project_duplicate,
         name="project_duplicate"),
    path("projects/<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:project_id>/restore/", views.project_restore, name="project_restore"),
    path("projects/<int:project_id>/export.json", views.project_export, name="project_export"),
    path("projects/<int:project_id>/export.xlsx", views.project_xlsx, name="project_xlsx"),
    path("projects/<int:project_id>/review/", review_views.review, name="project_review"),
    path("projects/<int:project_id>/comments/", review_views.comment_add, name="comment_add"),
    path("projects/<int:project_id>/submit/", review_views.submit, name="project_submit"),
    path("projects/<int:project_id>/request-changes/", review_views.request_changes,
         name="project_request_changes"),
    path("projects/<int:project_id>/approve/", review_views.approve, name="project_approve"),
    path("projects/<int:project_id>/versions/<int:number>/dossier.pdf", review_views.version_pdf,
         name="version_pdf"),
    path("projects/<int:project_id>/history/", review_views.history, name="project_history"),
]
