from __future__ import annotations

from django.urls import path

from twofold.web.couples import pdf_views, views

app_name = "couples"
urlpatterns = [
    path("", views.space, name="space"),
    path("create/", views.create, name="create"),
    path("invite/", views.invite, name="invite"),
    path("join/<str:token>/", views.join, name="join"),
    path("leave/", views.leave, name="leave"),
    path("sharing/", views.sharing, name="sharing"),
    path("report/", views.report, name="report"),
    path("report/pdf/", pdf_views.report_pdf, name="report_pdf"),
    path("log/", views.view_log, name="view_log"),
]
