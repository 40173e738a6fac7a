from django.urls import path

from caseload.allocations import views

app_name = "allocations"
urlpatterns = [
    path("", views.register, name="register"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("cases/<int:pk>/reallocate/", views.reallocate, name="reallocate"),
    path("decisions/<int:pk>/", views.confirmation, name="confirmation"),
    path("history/", views.history, name="history"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval, name="approval"),
    path("approvals/<int:pk>/withdraw/", views.withdraw_approval, name="withdraw-approval"),
]
