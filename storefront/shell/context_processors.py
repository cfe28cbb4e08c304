"""Template context for the shell: the signed-in user's role and navigation links."""

from meidu.accounts.selectors import user_primary_role
from storefront.shell.navigation import role_links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "user_role": None}
    role = user_primary_role(user)
    return {"nav_links": role_links(role, request.path, user=user), "user_role": role}
