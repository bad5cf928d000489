from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}，{obj.organisation.name if obj.organisation_id else ''}）"


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}，{obj.organisation.name if obj.organisation_id else ''}）"


def parse_externals(text: str) -> list[dict]:
    """One external participant per line: name, profession, organisation (separated by ，, or |)."""
    people = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").replace("|", ",").split(",")]
        if not any(parts):
            continue
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValidationError(_("Line %(n)s: give at least the name and the profession.") % {"n": n})
        people.append({"name": parts[0], "profession": parts[1], "organisation": ",".join(parts[2:])})
    return people


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("when"), widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("where"), max_length=200)
    staff = UsersChoiceField(label=_("staff taking part"), queryset=User.objects.none(), required=False,
                             widget=forms.CheckboxSelectMultiple)
    externals = forms.CharField(label=_("external professionals"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "placeholder": "王某，精神科医生，区精神卫生中心"}),
                                help_text=_("One per line: name, profession, organisation. They are not users."))

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(pk__in=[u.pk for u in staff_choices]).select_related(
            "organisation")

    def clean_externals(self):
        return parse_externals(self.cleaned_data["externals"])


DECISION_ROWS = 5


class HoldForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    background = forms.CharField(label=_("background presented"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Goes into the brief: use the pseudonym, and leave other people's names, "
                                             "phone numbers and addresses out."))
    service_so_far = forms.CharField(label=_("service so far"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(label=_("recommendations"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, dimensions=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        for dimension in self.dimensions:
            self.fields[f"dim_{dimension.code}"] = forms.CharField(
                label=dimension.name, required=False, widget=forms.Textarea(attrs={"rows": 2}))
        queryset = User.objects.filter(pk__in=[u.pk for u in owners]).select_related("organisation")
        for n in range(DECISION_ROWS):
            self.fields[f"decision_{n}"] = forms.CharField(
                label=_("decision %(n)s") % {"n": n + 1}, required=False, max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("decision %(n)s") % {"n": n + 1}}))
            self.fields[f"owner_{n}"] = UserChoiceField(label=_("owner"), queryset=queryset, required=False)
            self.fields[f"due_{n}"] = forms.DateField(label=_("due"), required=False,
                                                      widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        for n in range(DECISION_ROWS):
            if data.get(f"decision_{n}") and not (data.get(f"owner_{n}") and data.get(f"due_{n}")):
                self.add_error(f"decision_{n}", _("A decision needs its owner and due date."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"], "background": data["background"], "service_so_far": data["service_so_far"],
            "recommendations": data.get("recommendations", ""),
            "analyses": {d.code: data.get(f"dim_{d.code}", "") for d in self.dimensions},
            "decisions": [{"text": data[f"decision_{n}"], "owner": data[f"owner_{n}"], "due_on": data[f"due_{n}"]}
                          for n in range(DECISION_ROWS) if data.get(f"decision_{n}")],
        }
