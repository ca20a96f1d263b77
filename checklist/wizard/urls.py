from django.urls import path

from checklist.wizard import views

app_name = "checklist"

urlpatterns = [
    path("projects/<int:project_id>/wizard/", views.resume, name="resume"),
    path("projects/<int:project_id>/wizard/<slug:step>/", views.step_view, name="step"),
    path("projects/<int:project_id>/wizard/<slug:step>/block/", views.post_block,
         name="post_block"),
    path("projects/<int:project_id>/wizard/<slug:step>/lines/new/", views.line_new,
         name="line_new"),
    path("projects/<int:project_id>/wizard/<slug:step>/quantify/<slug:helper>/",
         views.quantify, name="quantify"),
    path("projects/<int:project_id>/lines/<int:line_id>/edit/", views.line_edit,
         name="line_edit"),
    path("projects/<int:project_id>/lines/<int:line_id>/delete/", views.line_delete,
         name="line_delete"),
    path("projects/<int:project_id>/answers/<int:subitem_id>/", views.answer_save,
         name="answer_save"),
]
