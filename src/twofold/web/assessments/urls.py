from __future__ import annotations

from django.urls import path

from twofold.web.assessments import pdf_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.start, name="start"),
    path("step/<int:n>/", views.step, name="step"),
    path("answer/", views.answer, name="answer"),
    path("finish/", views.finish, name="finish"),
    path("results/", views.results, name="results"),
    path("results/pdf/", pdf_views.results_pdf, name="results_pdf"),
]
