"""Template context for the shell: the signed-in user's role and navigation links, and no CSRF
token in a page rendered for the shared page cache."""

from meidu.accounts.selectors import user_primary_role
from storefront.shell.navigation import role_links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "user_role": None}
    role = user_primary_role(user)
    return {"nav_links": role_links(role, request.path, user=user), "user_role": role}


class BlankToken:
    """What ``{% csrf_token %}`` prints in a page for the shared cache: its hidden input, empty.
    (Truthy, so the tag writes the input; not Django's "NOTPROVIDED", which writes nothing.)"""

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return ""


def page_cache(request):
    """A page rendered for every anonymous visitor (storefront/shell/page_cache.py) holds no one's CSRF
    token: its forms' token inputs are empty and filled with the visitor's own token when submitted
    (storefront/js/csrf-token.js), which base.html loads on these pages only (``page_cache``)."""
    if getattr(request, "page_cache", False):
        return {"csrf_token": BlankToken(), "page_cache": True}
    return {}
