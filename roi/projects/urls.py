from django.urls import path

from roi.projects import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("", views.landing, name="landing"),
    path("workspace/", views.workspace, name="workspace"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/projects/new/", views.project_create, name="project_create"),
    path("clients/<int:client_id>/import/", views.project_import, name="project_import"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:project_id>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:project_id>/duplicate/", views.project_duplicate,
         name="project_duplicate"),
    path("projects/<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:project_id>/restore/", views.project_restore, name="project_restore"),
]
