from django.urls import path

from roi.kpis import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("projects/<int:project_id>/kpis/", views.kpi_page, name="project_kpis"),
    path("projects/<int:project_id>/kpis/measurements/<int:measurement_id>/delete/",
         views.measurement_delete, name="kpi_measurement_delete"),
]
