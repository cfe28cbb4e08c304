"""Input parsing for the account pages; every rule beyond "is it filled in" lives in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meidu.accounts.phone import looks_like_email

IDENTIFIER_ATTRS = {"autocomplete": "username", "autocapitalize": "off", "spellcheck": "false"}


class RegisterForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        help_text=_("A mainland China mobile number, such as 138 0013 8000, or an e-mail address."),
        widget=forms.TextInput(attrs=IDENTIFIER_ATTRS),
    )
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", _("The two passwords do not match."))
        return data

    def service_kwargs(self) -> dict:
        """Arguments for account_register: the identifier goes to e-mail or phone by its shape."""
        data = self.cleaned_data
        identifier = data["identifier"].strip()
        is_email = looks_like_email(identifier)
        return {
            "email": identifier if is_email else None,
            "phone": None if is_email else identifier,
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "password": data["password"],
        }


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={**IDENTIFIER_ATTRS, "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password_confirm")
            and data["new_password"] != data["new_password_confirm"]
        ):
            self.add_error("new_password_confirm", _("The two passwords do not match."))
        return data


PHONE_ATTRS = {"autocomplete": "tel", "inputmode": "tel", "autocapitalize": "off", "spellcheck": "false"}
CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "maxlength": "6"}


class PhoneCodeForm(forms.Form):
    """A mobile number and the six-digit code texted to it. Two buttons share the form: "send me a
    code" needs only the number (``phone_only``); the other needs the code too."""

    def phone_only(self) -> bool:
        """Validate for the "send me a code" button: only the number's errors count."""
        self.is_valid()
        for name in [name for name in self.errors if name != "phone"]:
            del self.errors[name]
        return "phone" not in self.errors

    phone = forms.CharField(label=_("Mobile number"), max_length=32, widget=forms.TextInput(attrs=PHONE_ATTRS))
    code = forms.CharField(
        label=_("SMS code"),
        max_length=6,
        help_text=_("The six digits we texted you; valid for 5 minutes."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class PhoneCodeRegisterForm(PhoneCodeForm):
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        help_text=_("Optional: without one you sign in with a code each time."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordResetByCodeForm(PhoneCodeForm):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", _("The two passwords do not match."))
        return data
