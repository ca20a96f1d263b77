from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("roi.accounts.urls")),
    path("", include("roi.urls")),
    path("", include("checklist.wizard.urls")),
    path("", include("roi.documents.urls")),
]
