from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Area

from .models import ReferralStatus, Resource, ResourceKind


class ReferralForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("to"), queryset=Resource.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, resources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if resources is not None:
            self.fields["resource"].queryset = resources


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[("", "—")] + ReferralStatus.choices, required=False)
    on = forms.DateField(label=_("date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    from_agency = forms.BooleanField(label=_("feedback from the receiving agency"), required=False)


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    services = forms.CharField(label=_("services offered"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    areas = forms.ModelMultipleChoiceField(label=_("areas served"), queryset=Area.objects.none())

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["areas"].queryset = areas
