from django.contrib.auth.backends import ModelBackend

from meidu.accounts.selectors import user_get_by_identifier


class MobileOrEmailBackend(ModelBackend):
    """Authenticates with a mainland mobile number or an e-mail address as the identifier."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = username or kwargs.get("phone") or kwargs.get("email")
        if not identifier or password is None:
            return None
        user = user_get_by_identifier(identifier)
        if user is None:
            # Hash anyway so that unknown identifiers take as long as known ones.
            self.user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
