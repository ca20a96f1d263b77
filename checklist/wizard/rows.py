"""The rows of a wizard step's line table, written in Python in one pass.

A post can hold hundreds of lines; a Django template costs tens of microseconds per tag and
filter, per row. Each row here is one f-string over strings formatted and escaped once (the one
formatter, roi.formats; the texts through gettext with the msgids the template used), so that a
step's time hardly grows with its lines. The markup is that of templates/checklist/
_line_table.html, which keeps the table's head and calls :func:`line_rows` for its body.
"""

from __future__ import annotations

import html

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roi.formats import Formatter, active_language, localized_input

_ID = 987654321  # stands for the line's id in the URLs reversed once per table
ID = str(_ID)

# Every text put in the markup goes through ``escape`` (what Django's own escape does, the
# standard library's html.escape, without its per-call SafeString wrapping: a row is one
# f-string, so that 200 rows cost about what one row of template costs).
escape = html.escape


def line_rows(lines, *, project, kind: str, can_edit: bool, threads, labels: dict
              ) -> SafeString:
    """The ``<tr>`` of each :class:`checklist.wizard.state.LineView` in ``lines``.

    ``labels``: the column labels the table's head shows (amount, recurrence, months,
    confidence, total), repeated in each cell for the phone layout.
    """
    fmt = Formatter(lang=active_language(), currency=project.currency or "EUR")
    edit_url = escape(reverse("checklist:line_edit", args=[project.pk, _ID]))
    delete_url = escape(reverse("checklist:line_delete", args=[project.pk, _ID]))
    review_url = escape(reverse("roi:project_review", args=[project.pk]))
    by_line = threads.by_line if threads is not None else {}
    label_amount, label_recurrence = escape(labels["amount"]), escape(labels["recurrence"])
    label_months, label_total = escape(labels["months"]), escape(labels["total"])
    label_confidence = escape(labels["confidence"])
    margin_word, gross_word = escape(_("marge")), escape(_("brut"))
    edit_word, delete_word = escape(_("Modifier")), escape(_("Supprimer"))
    to_do, resolved = escape(_("à traiter")), escape(_("résolu"))
    gain = kind == "gain"
    recurrences: dict[str, str] = {}
    rows = []
    for view in lines:
        line = view.line
        pk = str(line.pk)
        label = escape(line.label)
        thread = by_line.get(line.pk)
        badge = ""
        if thread:
            count = escape(ngettext("%(n)s commentaire", "%(n)s commentaires", len(thread))
                           % {"n": len(thread)})
            css, state = (("text-bg-warning", to_do) if thread.open_count
                          else ("text-bg-light border", resolved))
            badge = (f' <a class="badge rounded-pill text-decoration-none {css}" '
                     f'href="{review_url}?line={pk}#line-{pk}" '
                     f'data-testid="line-comment-badge">{count} · {state}</a>')
        amount = escape(fmt.money(line.amount))
        if line.quantity != 1:
            amount = f"{amount} × {escape(localized_input(line.quantity))}"
        if line.recurrence == "once":
            months = _("mois %(m)s") % {"m": line.start_month}
        elif line.end_month:
            months = _("%(s)s → %(e)s") % {"s": line.start_month, "e": line.end_month}
        else:
            months = _("dès le mois %(s)s") % {"s": line.start_month}
        if line.recurrence not in recurrences:
            recurrences[line.recurrence] = escape(str(line.get_recurrence_display()))
        assumption = (f'<div class="small text-body-secondary line-assumption">'
                      f'{escape(Truncator(line.assumption).chars(160))}</div>'
                      if line.assumption else "")
        margin = (f'<div class="small text-body-secondary">{margin_word} '
                  f'{escape(fmt.percent(line.margin * 100, 0))}</div>' if line.margin else "")
        ramp = ('<div class="text-body-secondary">' + escape(ngettext(
            "montée en charge %(r)s mois", "montée en charge %(r)s mois",
            line.ramp_up_months) % {"r": line.ramp_up_months}) + "</div>"
            if line.ramp_up_months else "")
        confidence = (f'<td class="num" data-label="{label_confidence}">'
                      f'{escape(fmt.percent(line.confidence * 100, 0))}</td>\n    '
                      if gain else "")
        gross = (f'<div class="small text-body-secondary fw-normal">{gross_word} '
                 f'{escape(fmt.money(view.total_unadjusted))}</div>'
                 if gain and view.total != view.total_unadjusted else "")
        actions = ""
        if can_edit:
            edit_label = escape(_("Modifier « %(l)s »") % {"l": line.label})
            delete_confirm = escape(_("Supprimer la ligne « %(l)s » ?") % {"l": line.label})
            delete_label = escape(_("Supprimer « %(l)s »") % {"l": line.label})
            actions = (
                '<td class="text-end text-nowrap line-actions">\n'
                f'      <button type="button" class="btn btn-sm btn-link p-0 me-2" '
                f'hx-get="{edit_url.replace(ID, pk)}" hx-target="#line-{pk}" '
                f'hx-swap="outerHTML" aria-label="{edit_label}">{edit_word}</button>\n'
                f'      <button type="button" class="btn btn-sm btn-link link-danger p-0" '
                f'hx-post="{delete_url.replace(ID, pk)}" hx-confirm="{delete_confirm}" '
                f'hx-target="#post-block" hx-swap="outerHTML" aria-label="{delete_label}">'
                f'{delete_word}</button>\n'
                '    </td>')
        rows.append(
            f'<tr id="line-{pk}" data-testid="line-row">\n'
            f'    <td><span class="fw-medium">{label}</span>{badge}{assumption}</td>\n'
            f'    <td class="num" data-label="{label_amount}">{amount}{margin}</td>\n'
            f'    <td data-label="{label_recurrence}">{recurrences[line.recurrence]}</td>\n'
            f'    <td class="small" data-label="{label_months}">{escape(months)}{ramp}</td>\n'
            f'    {confidence}'
            f'<td class="num fw-semibold" data-label="{label_total}">'
            f'{escape(fmt.money(view.total))}{gross}</td>\n'
            f'    {actions}\n'
            '  </tr>\n')
    return mark_safe("".join(rows))  # noqa: S308 - every text in it went through escape


def price_rows(prices: list[dict], *, currency: str) -> SafeString:
    """The software post's per-user licence prices (``WizardState.software_pricing``), one
    ``<p>`` each: a post of hundreds of subscriptions lists as many."""
    fmt = Formatter(lang=active_language(), currency=currency or "EUR")
    no_label, per_user = escape(_("Ligne sans libellé")), escape(_("par utilisateur et par mois"))
    outside = escape(_("hors de la fourchette habituelle"))
    rows = []
    for price in prices:
        tier = f" · {escape(price['tier'])}" if price["tier"] else ""
        warning = ("" if price["plausible"]
                   else f' · <span class="text-danger fw-semibold">{outside}</span>')
        rows.append(f'<p class="mb-0" data-testid="licence-price">'
                    f'{escape(price["label"]) if price["label"] else no_label} : '
                    f'{escape(fmt.money(price["price"]))} {per_user}{tier}{warning}</p>')
    return mark_safe("".join(rows))  # noqa: S308 - every text in it went through escape


__all__ = ["line_rows", "price_rows"]
