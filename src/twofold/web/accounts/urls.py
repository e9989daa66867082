from __future__ import annotations

from django.urls import path

from twofold.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("delete/", views.delete, name="delete"),
    path("language/", views.language, name="language"),
    path("data/twofold-my-data.json", views.export_json, name="export_json"),
    path("data/twofold-my-data.zip", views.export_csv, name="export_csv"),
]
