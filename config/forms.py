"""How forms render: Django's Jinja2 widget templates, except a select's options, written out here.

A select of the nationalities or the platforms is one template per option — 250 templates to show
one field, several milliseconds for the workspace's filters and a log form (docs/operations.md,
"Where a page's time goes"). ``_select`` writes the same HTML as Django's ``select.html`` and
``select_option.html``, escaped the same way (markupsafe, as Jinja2 does);
tests/test_select_rendering.py compares the two.
"""

from django.forms.renderers import Jinja2
from markupsafe import escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False
    )


def _select(widget: dict) -> str:
    lines = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            lines.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            lines.append(f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{escape(option["label"])}</option>')
        if group_name:
            lines.append("\n  </optgroup>")
    lines.append("\n</select>")
    return "".join(lines)


class FormRenderer(Jinja2):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and widget and all(
            option["template_name"] == OPTION for _name, options, _index in widget["optgroups"] for option in options
        ):
            return _select(widget)
        return super().render(template_name, context, request)
