from django.urls import path

from raci import views

app_name = "raci"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.matrix_create, name="matrix_create"),
    path("<int:pk>/", views.matrix_detail, name="matrix"),
    path("<int:pk>/current/", views.matrix_make_current, name="make_current"),
    path("<int:pk>/print/", views.matrix_print, name="print"),
    path("<int:pk>/rows/new/", views.row_create, name="row_create"),
    path("<int:pk>/signoff/", views.signoff, name="signoff"),
    path("<int:pk>/changes/<slug:slug>/", views.changes_since, name="changes"),
    path("<int:pk>/export.csv", views.export_csv, name="export"),
    path("<int:pk>/import/", views.import_csv, name="import"),
    path("rows/<int:pk>/", views.row_fragment, name="row"),
    path("rows/<int:pk>/in-grid/", views.row_in_grid, name="row_in_grid"),
    path("rows/<int:pk>/edit/", views.row_edit, name="row_edit"),
    path("rows/<int:pk>/delete/", views.row_delete, name="row_delete"),
    path("rows/<int:pk>/move/", views.row_move, name="row_move"),
    path("rows/<int:pk>/reassign/", views.row_reassign, name="reassign"),
    path("rows/<int:pk>/cells/<slug:slug>/", views.cell_set, name="cell"),
]
