"""Hit badges for templates (counted in ``hits.badges``).

    {% load hits %}
    {% hit_badge finding %}          → "2 hits" (a link to the hits) on a finding with hits, else nothing
    {% hits_nav_link operation %}    → the "Hits" link of the operation nav, with the unanswered count
"""

from django import template

from .. import badges

register = template.Library()


@register.simple_tag(takes_context=True)
def hit_badge(context, finding):
    return badges.hit_badge(context.get("request"), finding)


@register.simple_tag(takes_context=True)
def hits_nav_link(context, operation):
    return badges.hits_nav_link(context.get("request"), operation)
