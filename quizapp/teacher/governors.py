"""The governors' report: one page per school and term, on screen and as a
PDF. Only school admins and the DSL team of the school read it (404 for
everyone else). On the teacher blueprint."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ..content import get_content
from ..dates import format_date, local
from ..downloads import download_headers
from ..models import now_utc
from ..services import governors
from ..services.render.governors import governors_pdf
from ..services.scope import governors_report_school_or_404
from . import bp


def _report():
    school = governors_report_school_or_404(current_user)
    today = local(now_utc()).date()
    term = governors.parse_term(request.args.get("term"), today)
    if term is None:
        abort(404)
    return governors.governors_report(get_content(), school, term), governors.recent_terms(today)


@bp.get("/governors")
def governors_report():
    report, terms = _report()
    return render_template("teacher/governors.html", report=report, terms=terms)


@bp.get("/governors.pdf")
def governors_report_pdf():
    report, _ = _report()
    pdf = governors_pdf(report, format_date(now_utc(), "%-d %B %Y at %H:%M"))
    return pdf, 200, download_headers(f"governors-report-{report.term.key}.pdf", "application/pdf", inline=True)
