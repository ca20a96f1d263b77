"""``{% line_rows lines %}``, ``{% price_rows prices %}``: a line table's rows, the software
post's licence prices, each in one tag (see checklist.wizard.rows)."""

from __future__ import annotations

from django import template

from checklist.wizard.rows import line_rows as render_rows
from checklist.wizard.rows import price_rows as render_prices

register = template.Library()


@register.simple_tag(takes_context=True)
def line_rows(context, lines, **labels):
    access, state = context.get("access"), context.get("state")
    return render_rows(lines, project=context["project"], kind=context.get("kind", ""),
                       can_edit=bool(access and access.can_edit),
                       threads=state.threads if state is not None else None, labels=labels)


@register.simple_tag(takes_context=True)
def price_rows(context, prices):
    return render_prices(prices, currency=context["project"].currency)
