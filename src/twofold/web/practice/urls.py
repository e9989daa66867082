from __future__ import annotations

from django.urls import path

from twofold.web.practice import views

app_name = "practice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:client_id>/", views.client_page, name="client"),
    path("<int:practice_id>/members/", views.members, name="members"),
    path("join/<str:token>/", views.join, name="join"),
    path("consent/<str:token>/", views.consent, name="consent"),
    path("access/", views.access, name="access"),
    path("access/<int:client_id>/withdraw/", views.withdraw, name="withdraw"),
]
