from django.urls import path

from roi.assumptions import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("projects/<int:project_id>/assumptions/", views.register, name="assumption_register"),
    path("projects/<int:project_id>/assumptions/<int:line_id>/", views.describe,
         name="assumption_describe"),
    path("projects/<int:project_id>/assumptions/<int:line_id>/validate/", views.validate,
         name="assumption_validate"),
]
