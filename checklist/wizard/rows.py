"""The rows of a wizard step's line table, written in Python in one pass.

A post can hold hundreds of lines; a Django template costs tens of microseconds per tag and
filter, per row. Each row here is one ``format_html`` over strings formatted once (the one
formatter, roi.formats; the texts through gettext with the msgids the template used), so that a
step's time hardly grows with its lines. The markup is that of templates/checklist/
_line_table.html, which keeps the table's head and calls :func:`line_rows` for its body.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roi.formats import Formatter, active_language, localized_input

_ID = 987654321  # stands for the line's id in the URLs reversed once per table

ROW = ('<tr id="line-{pk}" data-testid="line-row">\n'
       '    <td><span class="fw-medium">{label}</span>{badge}{assumption}</td>\n'
       '    <td class="num" data-label="{label_amount}">{amount}{margin}</td>\n'
       '    <td data-label="{label_recurrence}">{recurrence}</td>\n'
       '    <td class="small" data-label="{label_months}">{months}{ramp}</td>\n'
       '    {confidence}'
       '<td class="num fw-semibold" data-label="{label_total}">{total}{gross}</td>\n'
       '    {actions}\n'
       '  </tr>\n')
CONFIDENCE = '<td class="num" data-label="{label}">{value}</td>\n    '
ACTIONS = (
    '<td class="text-end text-nowrap line-actions">\n'
    '      <button type="button" class="btn btn-sm btn-link p-0 me-2" hx-get="{edit_url}" '
    'hx-target="#line-{pk}" hx-swap="outerHTML" aria-label="{edit_label}">{edit}</button>\n'
    '      <button type="button" class="btn btn-sm btn-link link-danger p-0" '
    'hx-post="{delete_url}" hx-confirm="{delete_confirm}" hx-target="#post-block" '
    'hx-swap="outerHTML" aria-label="{delete_label}">{delete}</button>\n'
    '    </td>')
BADGE = (' <a class="badge rounded-pill text-decoration-none {css}" '
         'href="{url}?line={pk}#line-{pk}" '
         'data-testid="line-comment-badge">{count}{state}</a>')
SMALL = '<div class="small text-body-secondary">{}</div>'


def line_rows(lines, *, project, kind: str, can_edit: bool, threads, labels: dict
              ) -> SafeString:
    """The ``<tr>`` of each :class:`checklist.wizard.state.LineView` in ``lines``.

    ``labels``: the column labels the table's head shows (amount, recurrence, months,
    confidence, total), repeated in each cell for the phone layout.
    """
    fmt = Formatter(lang=active_language(), currency=project.currency or "EUR")
    edit_url = reverse("checklist:line_edit", args=[project.pk, _ID])
    delete_url = reverse("checklist:line_delete", args=[project.pk, _ID])
    review_url = reverse("roi:project_review", args=[project.pk])
    by_line = threads.by_line if threads is not None else {}
    margin_word, gross_word = _("marge"), _("brut")
    edit_word, delete_word = _("Modifier"), _("Supprimer")
    to_do, resolved = _("à traiter"), _("résolu")
    gain = kind == "gain"
    recurrences = {}
    rows = []
    for view in lines:
        line = view.line
        pk = str(line.pk)
        thread = by_line.get(line.pk)
        badge = ""
        if thread:
            count = len(thread)
            badge = format_html(
                BADGE, css="text-bg-warning" if thread.open_count else "text-bg-light border",
                url=review_url, pk=pk,
                count=ngettext("%(n)s commentaire", "%(n)s commentaires", count) % {"n": count},
                state=f" · {to_do}" if thread.open_count else f" · {resolved}")
        amount = fmt.money(line.amount)
        if line.quantity != 1:
            amount = f"{amount} × {localized_input(line.quantity)}"
        if line.recurrence == "once":
            months = _("mois %(m)s") % {"m": line.start_month}
        elif line.end_month:
            months = _("%(s)s → %(e)s") % {"s": line.start_month, "e": line.end_month}
        else:
            months = _("dès le mois %(s)s") % {"s": line.start_month}
        if line.recurrence not in recurrences:
            recurrences[line.recurrence] = line.get_recurrence_display()
        rows.append(format_html(
            ROW, pk=pk, label=line.label, badge=badge,
            assumption=format_html('<div class="small text-body-secondary line-assumption">'
                                   '{}</div>', Truncator(line.assumption).chars(160))
            if line.assumption else "",
            label_amount=labels["amount"], amount=amount,
            margin=format_html(SMALL, f"{margin_word} {fmt.percent(line.margin * 100, 0)}")
            if line.margin else "",
            label_recurrence=labels["recurrence"], recurrence=recurrences[line.recurrence],
            label_months=labels["months"], months=months,
            ramp=format_html('<div class="text-body-secondary">{}</div>', ngettext(
                "montée en charge %(r)s mois", "montée en charge %(r)s mois",
                line.ramp_up_months) % {"r": line.ramp_up_months})
            if line.ramp_up_months else "",
            confidence=format_html(CONFIDENCE, label=labels["confidence"],
                                   value=fmt.percent(line.confidence * 100, 0))
            if gain else "",
            label_total=labels["total"], total=fmt.money(view.total),
            gross=format_html('<div class="small text-body-secondary fw-normal">{} {}</div>',
                              gross_word, fmt.money(view.total_unadjusted))
            if gain and view.total != view.total_unadjusted else "",
            actions=format_html(
                ACTIONS, pk=pk, edit_url=edit_url.replace(str(_ID), pk),
                delete_url=delete_url.replace(str(_ID), pk),
                edit_label=_("Modifier « %(l)s »") % {"l": line.label}, edit=edit_word,
                delete_confirm=_("Supprimer la ligne « %(l)s » ?") % {"l": line.label},
                delete_label=_("Supprimer « %(l)s »") % {"l": line.label}, delete=delete_word)
            if can_edit else "",
        ))
    return mark_safe("".join(rows))  # noqa: S308 - every part went through format_html


__all__ = ["line_rows"]
