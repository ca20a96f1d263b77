from django.urls import path

from roi import views

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
