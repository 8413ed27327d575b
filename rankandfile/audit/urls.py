from django.urls import path

from rankandfile.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("heads/", views.audit_heads, name="heads"),
    path("heads/publish/", views.audit_head_publish, name="head_publish"),
    path("heads/feed/", views.HeadsFeed(), name="heads_feed"),
]
