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
    # Check-ins: the same pages as the questionnaire, on the person's open check-in.
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/step/<int:n>/", views.step, {"kind": "checkin"}, name="checkin_step"),
    path("checkin/answer/", views.answer, {"kind": "checkin"}, name="checkin_answer"),
    path("checkin/finish/", views.finish, {"kind": "checkin"}, name="checkin_finish"),
    path("change/", views.change, name="change"),
    path("results/pdf/", pdf_views.results_pdf, name="results_pdf"),
]
