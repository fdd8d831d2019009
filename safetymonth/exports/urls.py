from django.urls import path

from safetymonth.exports import views

app_name = "exports"

_base = "<str:campaign_id>/<slug:round_code>/<str:org_id>/"

urlpatterns = [
    path(_base + "table.xlsx", views.table, {"fmt": "xlsx"}, name="table_xlsx"),
    path(_base + "table.docx", views.table, {"fmt": "docx"}, name="table_docx"),
    path(_base + "workbook.xlsx", views.workbook, name="workbook"),
    path(_base + "report.docx", views.progress_report, name="report"),
    path(_base + "values.csv", views.values_csv, name="values_csv"),
]
