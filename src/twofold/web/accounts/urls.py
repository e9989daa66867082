from __future__ import annotations

from django.urls import path

from twofold.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("delete/", views.delete, name="delete"),
    path("language/", views.language, name="language"),
]
