"""The supervisors' "Self-care" page: the self-care KPIs over a period and
per language, the content gaps (searches without result) and the ratings per
article; CSV export of the same figures. Formulas: docs/kpis.md."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from relais.analytics.selfcare import SelfCareReport
from relais.analytics.selfcare_sql import selfcare_report_sql
from relais.web.supervisor_views import supervisor_required

PERIODS = (7, 30, 90)


@dataclass(frozen=True)
class Figure:
    key: str  # stable, for the CSV
    label: str
    value: int | float | None
    is_rate: bool = False


@require_GET
@supervisor_required
def selfcare(request: HttpRequest) -> HttpResponse:
    days = int(request.GET["days"]) if request.GET.get("days") in map(str, PERIODS) else 30
    codes = [code for code, _name in settings.LANGUAGES]
    locale = request.GET.get("locale") if request.GET.get("locale") in codes else ""
    end = timezone.now()
    report, titles = selfcare_report_sql(end - timedelta(days=days), end, locale)
    ratings = sorted(
        ((titles.get(pk, f"#{pk}"), r) for pk, r in report.ratings.items()),
        key=lambda item: -(item[1].helpful + item[1].not_helpful),
    )
    if request.GET.get("format") == "csv":
        return _csv(report, ratings, days, locale)
    context = {
        "figures": figures(report),
        "entry_points": _entry_points(report),
        "report": report,
        "ratings": ratings,
        "days": days,
        "periods": PERIODS,
        "locale": locale,
        "locales": settings.LANGUAGES,
    }
    return render(request, "web/selfcare.html", context)


def figures(report: SelfCareReport) -> list[Figure]:
    r = report
    return [
        Figure("help_center_visitors", _("Help-center visitors"), r.help_center_visitors),
        Figure("sessions", _("Self-care sessions"), r.sessions),
        Figure("article_views", _("Article views"), r.article_views),
        Figure("searches", _("Searches"), r.searches),
        Figure("searches_without_result", _("Searches without result"), r.searches_without_result),
        Figure("no_result_rate", _("Share of searches without result"), r.no_result_rate, True),
        Figure("click_through_rate", _("Result click-through rate"), r.click_through_rate, True),
        Figure("helpful_share", _("Helpful ratings"), r.helpful_share, True),
        Figure("faq_usage", _("FAQ users over visitors"), r.faq_usage, True),
        Figure("helpbox_opens", _("Helpbox opens"), r.helpbox_opens),
        Figure("helpbox_escalations", _("Helpbox escalations"), r.helpbox_escalations),
        Figure(
            "escalation_rate",
            _("Self-care sessions escalated to a person"),
            r.escalation_rate,
            True,
        ),
    ]


def _entry_points(report: SelfCareReport) -> list[tuple[str, int, float]]:
    labels = {"help_center": _("Help center"), "helpbox": _("Helpbox"), "bot": _("Bot")}
    total = sum(report.entry_points.values()) or 1
    return [
        (label, report.entry_points.get(key, 0), report.entry_points.get(key, 0) / total)
        for key, label in labels.items()
    ]


def _csv(report: SelfCareReport, ratings: list, days: int, locale: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="self-care-{days}d-{locale or "all"}.csv"'
    )
    out = csv.writer(response)
    out.writerow(["section", "key", "value"])
    for figure in figures(report):
        value = "" if figure.value is None else round(figure.value, 4)
        out.writerow(["kpi", figure.key, value])
    for key, count in sorted(report.entry_points.items()):
        out.writerow(["entry_point", key, count])
    for query, count in report.content_gaps:
        out.writerow(["content_gap", query, count])
    for title, rated in ratings:
        out.writerow(["helpful", title, rated.helpful])
        out.writerow(["not_helpful", title, rated.not_helpful])
    return response
