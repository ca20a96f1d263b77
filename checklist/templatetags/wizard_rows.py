"""``{% line_rows lines %}``: a line table's rows in one tag (see checklist.wizard.rows)."""

from __future__ import annotations

from django import template

from checklist.wizard.rows import line_rows as render_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def line_rows(context, lines, **labels):
    access, state = context.get("access"), context.get("state")
    return render_rows(lines, project=context["project"], kind=context.get("kind", ""),
                       can_edit=bool(access and access.can_edit),
                       threads=state.threads if state is not None else None, labels=labels)
