"""The command line of the drill's moto server: applies the patches in order and runs the server.

    .venv/bin/python scripts/drill/moto_drill_server.py -H 127.0.0.1 -p PORT

Patches no moto file itself; it wraps moto's WSGI app (moto/moto_server/werkzeug_app.py) in the
drill's middleware. MOTO_PORT is forced here: Step Functions' tasks reach services at
http://localhost:$MOTO_PORT (moto/stepfunctions/parser/asl/utils/boto_client.py), and moto_server
keeps an inherited value.
"""

from __future__ import annotations

import argparse
import logging
import os


def install_patches() -> None:
    """Every patch of moto, execution turned on before anything else of moto is imported."""
    from . import config

    config.enable_execution()
    from . import casing, cloudwatch_route53, elasticache_export, elasticache_global, jsonata_patch, kms_keys, rds_global, rds_restore, route53_health, sfn_clients, sfn_clock, sfn_nested
    from . import elasticache_auth, lambda_invoke, secrets_rotation

    sfn_clock.install()
    sfn_clients.install()
    kms_keys.install()  # before the first CreateKey: every key shares one key pair per spec
    jsonata_patch.install()
    sfn_nested.install()  # nested executions: moto hands botocore the definition's keys
    if config.AWS_CASING:
        casing.install()
    rds_global.install()
    rds_restore.install()
    elasticache_global.install()
    elasticache_export.install()
    elasticache_auth.install()  # AUTH token changes, which moto ignores
    secrets_rotation.install()  # rotation functions run in Node, not Docker
    lambda_invoke.install()  # a queued {"drillInvoke": ...} runs a handler in Node
    cloudwatch_route53.install()
    route53_health.install()  # and alarm_eval.py: the alarms Route 53 reads are evaluated


def main() -> None:
    install_patches()
    parser = argparse.ArgumentParser(description="moto server for npm run drill (see scripts/drill/moto_drill/__init__.py)")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    # Step Functions' tasks reach services at http://localhost:$MOTO_PORT: this server, whatever
    # the caller's environment says.
    os.environ["MOTO_PORT"] = str(args.port)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request: the drill logs them

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    from . import dns_responder
    from .middleware import DrillMiddleware

    dns_responder.start(args.host)  # Route 53's answers over UDP, for functions that resolve names

    app = DrillMiddleware(DomainDispatcherApplication(create_backend_app), args.port)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
