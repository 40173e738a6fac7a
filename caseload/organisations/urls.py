from django.urls import path

from caseload.organisations import views

app_name = "organisations"
urlpatterns = [
    path("my-workload/", views.my_workload, name="my-workload"),
    path("practitioners/<int:membership_id>/", views.practitioner, name="practitioner"),
    path("practitioners/<int:membership_id>/hours/", views.edit_hours, name="edit-hours"),
    path("practitioners/<int:membership_id>/reductions/add/", views.add_reduction, name="add-reduction"),
    path("reductions/<int:reduction_id>/", views.edit_reduction, name="edit-reduction"),
    path("reductions/<int:reduction_id>/delete/", views.delete_reduction, name="delete-reduction"),
]
