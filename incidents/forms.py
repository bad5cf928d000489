from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IncidentKind


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=IncidentKind.choices)
    occurred_at = forms.DateTimeField(label=_("when"), widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("where"), max_length=200)
    description = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 4}))
    immediate_actions = forms.CharField(label=_("immediate actions"), widget=forms.Textarea(attrs={"rows": 3}))
