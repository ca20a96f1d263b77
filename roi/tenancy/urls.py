from django.urls import path

from roi.tenancy import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/invitations/new/", views.invitation_create,
         name="invitation_create"),
    path("clients/<int:client_id>/invitations/<int:invitation_id>/resend/",
         views.invitation_resend, name="invitation_resend"),
]
