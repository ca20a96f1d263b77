

app_name = "checklist"

urlpatterns: list = []
