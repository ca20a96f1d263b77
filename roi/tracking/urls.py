from django.urls import path

from roi.tracking import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("projects/<int:project_id>/tracking/", views.tracking, name="project_tracking"),
    path("projects/<int:project_id>/tracking/start/", views.tracking_start,
         name="project_tracking_start"),
    path("projects/<int:project_id>/tracking/month/", views.tracking_month,
         name="project_tracking_month"),
    path("projects/<int:project_id>/tracking/actuals/", views.actuals, name="project_actuals"),
    path("projects/<int:project_id>/tracking/lines/", views.unplanned_add,
         name="project_unplanned_add"),
    path("projects/<int:project_id>/tracking/review/", views.review_record,
         name="project_tracking_review"),
]
