"""Forms only shape input; the services validate the domain rules and the views map their errors back."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from orgs.models import Organisation

from .models import Enrolment, Person, SupportMember
from .populations import Population

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = ["full_name", "pseudonym", "sex", "birth_date", "ethnicity", "id_number", "phone",
                  "household_address", "residence_address", "area", "education", "employment", "employer",
                  "marital_status", "support_notes", "note", "owner"]
        widgets = {"birth_date": DATE, "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
                   "phone": forms.TextInput(attrs={"type": "tel"}),
                   "support_notes": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, streets=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = streets
        self.fields["area"].label_from_instance = lambda a: f"{a.parent.name} {a.name}"
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}）"
        # Both are read from the ID number when left empty.
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("Left empty, it is read from the ID number.")
        self.fields["birth_date"].help_text = _("Left empty, it is read from the ID number.")

    def _post_clean(self):
        pass  # the service validates and writes; the form must not touch the instance


class SupportMemberForm(forms.ModelForm):
    class Meta:
        model = SupportMember
        fields = ["kind", "name", "relation", "phone", "attitude", "lives_with", "is_guardian", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "phone": forms.TextInput(attrs={"type": "tel"})}

    def _post_clean(self):
        pass


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["population", "organisation", "start_date", "end_date", "correction_category", "offence", "sentence",
                  "deciding_body", "release_source", "release_date", "release_institution", "high_priority",
                  "out_of_school", "out_of_work", "out_of_care", "drug_order_kind"]
        widgets = {"start_date": DATE, "end_date": DATE, "release_date": DATE}

    # Which fields each population shows; the page swaps them in when the population changes.
    FIELDS_BY_POPULATION = {
        Population.CORRECTION: ["correction_category", "offence", "sentence", "deciding_body", "start_date", "end_date"],
        Population.RESETTLEMENT: ["release_source", "release_date", "release_institution", "high_priority",
                                  "start_date", "end_date"],
        Population.YOUTH: ["out_of_school", "out_of_work", "out_of_care", "start_date", "end_date"],
        Population.DRUG: ["drug_order_kind", "deciding_body", "start_date", "end_date"],
    }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = _("Leave empty to use the organisation the district's model assigns.")
        self.fields["start_date"].required = False
        population = self.data.get("population") or self.initial.get("population") or Population.CORRECTION
        self.population = population if population in Population.values else Population.CORRECTION

    def population_fields(self):
        return [self[name] for name in self.FIELDS_BY_POPULATION[self.population]]

    def _post_clean(self):
        pass


class EndEnrolmentForm(forms.Form):
    end_date = forms.DateField(label=_("end"), widget=DATE)
    reason = forms.CharField(label=_("reason for ending"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why are you opening this file?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label=_("assign to"), queryset=User.objects.none())
    task = forms.CharField(label=_("task"), max_length=200, required=False)
    may_see_offence = forms.BooleanField(label=_("may see offence details"), required=False)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}，{u.organisation}）"
