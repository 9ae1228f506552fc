from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plans import selectors
from plans.models import Plan


def api_login_required(view):
    """Answer 401 with a JSON body, not a login redirect, to anonymous API callers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("Authentication required.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


def _json(data) -> JsonResponse:
    # Vietnamese text stays readable in the response instead of \u escapes.
    return JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})


@require_GET
@api_login_required
def api_plan_list(request):
    return _json({"plans": selectors.plan_list()})


@require_GET
@api_login_required
def api_plan_detail(request, slug):
    try:
        plan = selectors.plan_with_everything(slug)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc
    return _json(selectors.plan_document(plan))
