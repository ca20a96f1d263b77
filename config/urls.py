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

# A failed request (config/errors.py): 503 while the database cannot be reached, else 500.
handler500 = "config.errors.server_error"
