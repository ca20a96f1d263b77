from django.urls import path

from roi.options import views

# Part of the "roi" namespace (roi/urls.py).
_decision = "clients/<int:client_id>/decisions/<int:decision_id>/"
urlpatterns = [
    path("clients/<int:client_id>/decisions/new/", views.decision_create,
         name="decision_create"),
    path(_decision, views.decision_detail, name="decision_detail"),
    path(_decision + "comparison.pdf", views.decision_pdf, name="decision_pdf"),
    path(_decision + "comparison.pdf/status", views.decision_pdf_status,
         name="decision_pdf_status"),
    path(_decision + "options/add/", views.option_add, name="decision_option_add"),
    path(_decision + "options/new/", views.option_new, name="decision_option_new"),
    path(_decision + "options/<int:option_id>/remove/", views.option_remove,
         name="decision_option_remove"),
    path(_decision + "options/<int:option_id>/reference/", views.option_reference,
         name="decision_option_reference"),
    path(_decision + "approve/", views.decision_approve, name="decision_approve"),
]
