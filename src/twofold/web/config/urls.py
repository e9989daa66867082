from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from twofold.web import support, views
from twofold.web.accounts import views as account_views
from twofold.web.accounts.admin_site import admin_path

handler400 = "twofold.web.limits.bad_request"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("support/", support.support, name="support"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("twofold.web.accounts.urls")),
    path("couple/", include("twofold.web.couples.urls")),
    path("assessment/", include("twofold.web.assessments.urls")),
    path("practice/", include("twofold.web.practice.urls")),
    path(admin_path(), admin.site.urls),
]
