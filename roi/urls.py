"""The "roi" URL namespace: each domain keeps its own routes."""

from roi.assumptions.urls import urlpatterns as assumption_urls
from roi.kpis.urls import urlpatterns as kpi_urls
from roi.options.urls import urlpatterns as option_urls
from roi.projects.urls import urlpatterns as project_urls
from roi.review.urls import urlpatterns as review_urls
from roi.tenancy.urls import urlpatterns as tenancy_urls
from roi.tracking.urls import urlpatterns as tracking_urls

app_name = "roi"

urlpatterns = [*project_urls, *tenancy_urls, *review_urls, *tracking_urls, *kpi_urls,
               *assumption_urls, *option_urls]
