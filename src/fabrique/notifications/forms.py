from django import forms
from django.utils.translation import gettext_lazy as _

from fabrique.notifications.models import Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Notify me"), choices=Frequency.choices, widget=forms.RadioSelect
    )
