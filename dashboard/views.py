"""The desk dashboard, for editors: the page, and its figures as CSV."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import EDITORS
from factcheck.pages import render_page, role_required

from . import charts, export, selectors


@role_required(*EDITORS)
@require_GET
def dashboard(request):
    data = selectors.desk_dashboard()
    context = {"data": data}
    if not data.empty:
        context["charts"] = charts.page_charts(data)
    return render_page(request, "dashboard/dashboard.html", context)


@role_required(*EDITORS)
@require_GET
def dashboard_export(request):
    data = selectors.desk_dashboard()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = timezone.localdate(data.as_of).isoformat()
    response["Content-Disposition"] = f'attachment; filename="desk-dashboard-{day}.csv"'
    csv.writer(response).writerows(export.rows(data))
    return response
