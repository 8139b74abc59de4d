"""`relais serve`: the ASGI server (HTTP and websockets)."""

import gc

import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Relais over HTTP and websockets (ASGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="server processes")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        # Django and its apps leave a large, long-lived heap: keep the cyclic
        # garbage collector off it, and run it less often, so that its pauses
        # do not land on a customer's message (they made the latency tail).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
        uvicorn.run(
            "relais.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            log_level="warning",
            ws="websockets-sansio",
            # Named rather than "auto", which falls back silently: the C event
            # loop and HTTP parser, and no access-log call per request.
            loop="uvloop",
            http="httptools",
            access_log=False,
        )
