"""Forms of the upload endpoints and page. The place (campaign, org, item, indicator, event) is
resolved through the access helpers in the view; these only check the shape of the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FileNameField(forms.CharField):
    """A client's file name: control characters (even NUL) are dropped by sanitising, not refused."""

    def to_python(self, value):
        return super().to_python(value.replace("\x00", "") if isinstance(value, str) else value)


class StartUploadForm(forms.Form):
    campaign = forms.CharField(max_length=32)
    org = forms.CharField(max_length=32)
    item = forms.CharField(max_length=60, required=False)
    indicator = forms.CharField(max_length=60, required=False)
    event = forms.CharField(max_length=32, required=False)
    hazard = forms.CharField(max_length=32, required=False)
    phase = forms.ChoiceField(choices=[("", ""), ("before", "before"), ("after", "after")], required=False)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    description = forms.CharField(label=_("说明"), max_length=2000, required=False)
    name = FileNameField(label=_("文件名"), max_length=1000)
    size = forms.IntegerField(label=_("大小"), min_value=0)


class PlaceChoiceForm(forms.Form):
    """The upload page's chooser (GET): which campaign, org and item/indicator."""

    campaign = forms.CharField(max_length=32, required=False)
    org = forms.CharField(max_length=32, required=False)
    item = forms.CharField(max_length=60, required=False)
    indicator = forms.CharField(max_length=60, required=False)
