"""The visitor's own CSRF token, for forms of pages served from the shared page cache.

A page served to every anonymous visitor from one rendering (storefront/shell/page_cache.py) cannot
carry one visitor's token; its forms ask here when submitted (storefront/js/csrf-token.js). The
answer sets the CSRF cookie (Django's CsrfViewMiddleware) and is never stored by anyone.
"""

from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def csrf_token(request):
    return JsonResponse({"token": get_token(request)})
