from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from relais import __version__


@require_GET
def healthz(request):
    """Liveness and readiness: answers 200 only if the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})
