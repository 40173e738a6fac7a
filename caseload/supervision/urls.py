from django.urls import path

from caseload.supervision import views

app_name = "supervision"
urlpatterns = [
    path("memberships/<int:membership_id>/", views.membership, name="membership"),
    path("memberships/<int:membership_id>/agreements/new/", views.record_agreement, name="record-agreement"),
    path("memberships/<int:membership_id>/sessions/new/", views.record_session, name="record-session"),
    path("agreements/<int:agreement_id>/confirm/", views.confirm_agreement, name="confirm-agreement"),
    path("team/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
]
