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


def page_cache(request):
    """A page rendered for every anonymous visitor (storefront/shell/page_cache.py) holds no one's CSRF
    token: ``{% csrf_token %}`` writes nothing ("NOTPROVIDED" is Django's word for that) and the
    form fetches the visitor's own token when submitted (storefront/js/csrf-token.js)."""
    if getattr(request, "page_cache", False):
        return {"csrf_token": "NOTPROVIDED"}
    return {}
