"""Editing a case, and what happens when two analysts save the same case at once.

``services.case_update`` refuses a save based on an older version (``EditConflict``). The page
then loses nothing: the form comes back with what the analyst typed, a three-way merge against
the version they started from (the form carries it, signed) settles every field only one side
changed, and each field both changed differently shows the saved value beside theirs, to keep
theirs or take the saved one. Saving again applies the merge on top of the current version.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.consultation import record_consultation
from audit.models import AuditEvent
from operations.access import may_change
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from .. import services
from ..models import Case, ExploitationType

FIELDS = ["title", "summary", "exploitation_type", "source_reliability", "information_assessment", "handling_code",
          "handling_restrictions"]
_BASE_SALT = "findings.case_edit.base"


class CaseEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    exploitation_type = forms.ChoiceField(choices=ExploitationType.choices)
    source_reliability = forms.ChoiceField(choices=Case.SourceReliability.choices)
    information_assessment = forms.ChoiceField(choices=Case.InformationAssessment.choices, label="Information")
    handling_code = forms.ChoiceField(choices=Case.HandlingCode.choices)
    handling_restrictions = forms.CharField(required=False, max_length=300, help_text="Required with H3.")
    # The version the analyst started from, and its values (signed): what a conflict is merged against.
    version = forms.IntegerField(widget=forms.HiddenInput)
    base = forms.CharField(widget=forms.HiddenInput)
    # Not merged on a conflict: the tags ticked are saved as they are (the change is in the timeline).
    focus_tags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_tags"].choices = [(n, n) for n in operation.focus_tags.values_list("name", flat=True)]
        if not self.fields["focus_tags"].choices:
            del self.fields["focus_tags"]  # an operation without focus tags asks nothing about them

    def clean_base(self) -> dict:
        try:
            base = signing.loads(self.cleaned_data["base"], salt=_BASE_SALT)
        except signing.BadSignature:
            raise ValidationError("The form was altered; open the case again.") from None
        if not isinstance(base, dict) or set(base) != set(FIELDS):
            raise ValidationError("The form was altered; open the case again.")
        return base

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}


def values_of(case: Case) -> dict:
    return {name: getattr(case, name) for name in FIELDS}


def form_for(values: dict, *, version: int, base: dict, case: Case, tags=None) -> CaseEditForm:
    tags = list(case.focus_tags.values_list("name", flat=True)) if tags is None else tags
    return CaseEditForm(operation=case.operation, initial={
        **values, "version": version, "base": signing.dumps(base, salt=_BASE_SALT), "focus_tags": tags})


def merge(*, base: dict, mine: dict, theirs: dict) -> tuple[dict, list[str], list[str]]:
    """Three-way merge of one case's fields: (merged values, fields both changed differently, fields taken
    from theirs because only they changed them). Where both changed a field, the merged value is mine."""
    merged, conflicts, taken = {}, [], []
    for name in FIELDS:
        b, m, t = base[name], mine[name], theirs[name]
        if m == t or t == b:
            merged[name] = m
        elif m == b:
            merged[name] = t
            taken.append(name)
        else:
            merged[name] = m
            conflicts.append(name)
    return merged, conflicts, taken


def _display(case_like: dict, name: str) -> str:
    value = case_like[name]
    field = Case._meta.get_field(name)
    if field.choices:
        return dict(field.choices).get(value, value)
    return value or "(empty)"


def last_change(case: Case):
    """Who changed the case last, and when (its newest "alter" event in the audit trail)."""
    return (
        AuditEvent.objects.filter(object_type=Case._meta.label_lower, object_id=str(case.pk),
                                  action=AuditEvent.Action.ALTER)
        .order_by("-id").only("actor_name", "at").first()
    )


def _render(request, context, status=200):
    form, conflicts = context["form"], context.get("conflicts", {})
    context["rows"] = [(form[name], conflicts.get(name)) for name in FIELDS]
    context["tags_field"] = form["focus_tags"] if "focus_tags" in form.fields else None
    return render(request, "findings/case_edit.html", context, status=status)


@login_required_keep_form
@require_http_methods(["GET", "POST"])
def case_edit(request, code, reference):
    desk = desk_for(request, code)
    case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(reference=reference).first()
    if case is None:
        raise Http404("No such case.")
    if not may_change(request.user, case):
        return refuse(request, desk, desk.read_only_reason or f"Case {case.reference} belongs to team {case.team}: "
                                                              "only that team and the coordinators can change it.")
    context = {"desk": desk, "operation": desk.operation, "case": case}
    if request.method == "GET":
        # The form shows the case's fields: reading them is a consultation, as on the case page.
        record_consultation(user=request.user, obj=case, summary="case edit page viewed")
        context["form"] = form_for(values_of(case), version=case.version, base=values_of(case), case=case)
        return _render(request, context)

    form = CaseEditForm(request.POST, operation=case.operation)
    context["form"] = form
    if not form.is_valid():
        return _render(request, context, status=400)
    mine, base, version = form.values(), form.cleaned_data["base"], form.cleaned_data["version"]
    for name in request.POST.getlist("take_saved"):
        if name in FIELDS:  # "use the saved value" after a conflict: the base is that saved version
            mine[name] = base[name]
    changes = {name: value for name, value in mine.items() if value != base[name]}
    tags = form.cleaned_data.get("focus_tags")
    if tags is not None and set(tags) == set(case.focus_tags.values_list("name", flat=True)):
        tags = None
    try:
        services.case_update(user=request.user, case=case, expected_version=version, **changes)
        if tags is not None:
            services.case_focus_tags_set(user=request.user, case=case, focus_tags=tags)
    except services.EditConflict as conflict:
        return _render_conflict(request, context, mine=mine, base=base, current=conflict.current, tags=tags)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return _render(request, context, status=400)
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    saved = changes or tags is not None
    messages.success(request, f"Case {case.reference} saved." if saved else "Nothing was changed.")
    return redirect("case_detail", code=code, reference=case.reference)


def _render_conflict(request, context, *, mine, base, current, tags=None):
    theirs = values_of(current)
    merged, conflicts, taken = merge(base=base, mine=mine, theirs=theirs)
    # The new starting point is the saved version: saving again applies the merge on top of it.
    context["form"] = form_for(merged, version=current.version, base=theirs, case=current, tags=tags)
    labels = {name: context["form"].fields[name].label or name.replace("_", " ").capitalize() for name in FIELDS}
    change = last_change(current)
    context.update(
        conflict=True,
        changed_by=change.actor_name if change else "someone else",
        changed_at=change.at if change else current.updated_at,
        current_version=current.version,
        conflicts={name: {"label": labels[name], "mine": _display(mine, name), "saved": _display(theirs, name)}
                   for name in conflicts},
        taken=[{"label": labels[name], "saved": _display(theirs, name), "mine": _display(mine, name)}
               for name in taken],
    )
    return _render(request, context, status=409)
