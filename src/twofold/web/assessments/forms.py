from __future__ import annotations

from django import forms


class AnswerForm(forms.Form):
    """One answer from htmx: the item id, and the value under the item's own field name."""

    item = forms.CharField(max_length=100)
    # The page's count of choices for this item (answers.js); a late, older one is ignored.
    seq = forms.IntegerField(min_value=1, max_value=2**62, required=False)

    def __init__(self, data: dict[str, str]) -> None:
        super().__init__(data)
        self.value: str | None = None

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        item = cleaned.get("item")
        if item:
            self.value = self.data.get(str(item))
            if self.value in (None, ""):
                raise forms.ValidationError(f"item {item!r}: no answer was sent")
        return cleaned


class NavigationForm(forms.Form):
    direction = forms.ChoiceField(choices=[("back", "back"), ("next", "next")], required=False)


class PartnerChoiceForm(forms.Form):
    include = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes"
    )
