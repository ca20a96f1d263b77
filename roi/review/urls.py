from django.urls import path

from roi.review import views

# Part of the "roi" namespace (roi/urls.py).
urlpatterns = [
    path("projects/<int:project_id>/review/", views.review, name="project_review"),
    path("projects/<int:project_id>/comments/", views.comment_add, name="comment_add"),
    path("projects/<int:project_id>/comments/form/", views.comment_form, name="comment_form"),
    path("projects/<int:project_id>/comments/resolve/", views.thread_resolve,
         name="thread_resolve"),
    path("projects/<int:project_id>/reopen/", views.reopen, name="project_reopen"),
    path("projects/<int:project_id>/submit/", views.submit, name="project_submit"),
    path("projects/<int:project_id>/request-changes/", views.request_changes,
         name="project_request_changes"),
    path("projects/<int:project_id>/approve/", views.approve, name="project_approve"),
    path("projects/<int:project_id>/history/", views.history, name="project_history"),
]
