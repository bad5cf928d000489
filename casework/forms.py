"""Forms shape input only; the services validate and the views show their errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.populations import Population

from .models import Agreement, Assessment, Consent, Contact, GoalStatus, Mode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class CaseOpenForm(forms.Form):
    population = forms.ChoiceField(label=_("population"))
    owner = forms.ModelChoiceField(label=_("case worker"), queryset=None, required=False,
                                   help_text=_("Empty: you."))
    reason = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, populations=(), owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Population.choices)
        self.fields["population"].choices = [(p, labels[p]) for p in populations]
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}）"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.ModelForm):
    """Built for a phone at the door: the mode and who was met first, the details after."""

    started_at = forms.DateTimeField(label=_("started"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ended_at = forms.DateTimeField(label=_("ended"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    agenda_covered = forms.MultipleChoiceField(label=_("agenda items covered"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    next_at = forms.DateTimeField(label=_("next appointment"), required=False, widget=DATETIME,
                                  input_formats=DATETIME_FORMATS)
    next_mode = forms.ChoiceField(label=_("next appointment: mode"), required=False,
                                  choices=[("", "—"), *Mode.choices])
    next_place = forms.CharField(label=_("next appointment: place"), required=False, max_length=120)

    class Meta:
        model = Contact
        fields = ["mode", "met", "place", "started_at", "ended_at", "accompanied_by", "participants",
                  "family_present", "agenda_covered", "left_card", "left_contact_details", "left_leaflet",
                  "asked_family_to_pass_on", "process_note", "outcome", "next_step"]
        widgets = {"process_note": forms.Textarea(attrs={"rows": 4}), "outcome": forms.Textarea(attrs={"rows": 2}),
                   "next_step": forms.Textarea(attrs={"rows": 2}), "met": forms.RadioSelect,
                   "mode": forms.RadioSelect}

    def __init__(self, *args, agenda=(), companions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_covered"].choices = [(item, item) for item in agenda]
        self.fields["accompanied_by"].queryset = companions
        self.fields["accompanied_by"].label_from_instance = lambda u: f"{u.display_name}（{u.organisation}）"
        self.fields["mode"].choices = Mode.choices
        self.fields["met"].choices = Contact._meta.get_field("met").choices

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("next_at", "next_mode", "next_place")}
        if self.cleaned_data.get("next_at"):
            data["next_appointment"] = {"planned_at": self.cleaned_data["next_at"],
                                        "mode": self.cleaned_data.get("next_mode") or self.cleaned_data["mode"],
                                        "place": self.cleaned_data.get("next_place", "")}
        return data


class AppointmentForm(forms.Form):
    planned_at = forms.DateTimeField(label=_("planned for"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    mode = forms.ChoiceField(label=_("mode"), choices=Mode.choices)
    place = forms.CharField(label=_("place"), required=False, max_length=120)
    planned_minutes = forms.IntegerField(label=_("planned length (minutes)"), required=False, min_value=5,
                                         max_value=480)


class MeetingArrangementForm(forms.Form):
    every_days = forms.IntegerField(label=_("meet every (days)"), required=False, min_value=1, max_value=180)
    mode = forms.ChoiceField(label=_("usual meeting"), choices=[("", "—"), *Mode.choices], required=False)
    place = forms.CharField(label=_("usual place"), required=False, max_length=120)


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["main_problems", "analysis", "resources", "initial_plan"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}

    def _post_clean(self):
        pass


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 4}))


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["signed_on", "terms"]
        widgets = {"signed_on": DATE, "terms": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self):
        pass


class GoalForm(forms.Form):
    text = forms.CharField(label=_("goal"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("status"), choices=GoalStatus.choices, initial=GoalStatus.OPEN)
    tasks = forms.CharField(
        label=_("tasks"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One task per line: task ｜ who (a colleague's login or a name such as 母亲) ｜ due date "
                    "(YYYY-MM-DD)"))


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=12)


class PlanMetaForm(forms.Form):
    review_on = forms.DateField(label=_("next review"), required=False, widget=DATE)
    note = forms.CharField(label=_("what changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DATE)
    note = forms.CharField(label=_("review"), widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(label=_("next review"), required=False, widget=DATE)


class StepDoneForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TransferForm(forms.Form):
    to_owner = forms.ModelChoiceField(label=_("to worker"), queryset=None)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_owner"].queryset = workers
        self.fields["to_owner"].label_from_instance = lambda u: f"{u.display_name}（{u.organisation}）"


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["kind", "given", "given_by", "method", "on", "note"]
        widgets = {"on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass
