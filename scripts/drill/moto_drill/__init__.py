"""The moto server of `npm run drill`: moto 5.2.5 (pinned in requirements-dev.txt), extended at start-up.

    .venv/bin/python scripts/drill/moto_drill_server.py -H 127.0.0.1 -p PORT
    (or, with scripts/drill on PYTHONPATH: .venv/bin/python -m moto_drill -H 127.0.0.1 -p PORT)

Every module patches moto in this process only; moto itself is never edited or forked. Each module's
header names the moto file(s) it targets (paths relative to site-packages/moto), so a moto upgrade
can be checked module by module; the pin in requirements-dev.txt keeps them valid.

- config.py: the environment, and Step Functions execution turned on (its tasks call back into this server).
- state.py, promotions.py: the drill's world (lost regions, faults, health, the request log) and the
  simulated promotions that complete after their time.
- clock.py, sfn_clock.py: a virtual clock, which JSONata's $millis(), execution start times, history
  timestamps and the simulated promotions all read: when every flow of the runs sleeps (Wait
  states, Retry intervals), it jumps to the earliest deadline.
- jsonata_patch.py: JSONata works (jsonata-python), and moto binds the variables an expression reads.
- casing.py: aws-sdk task input and output cased as AWS Step Functions cases them, and AWS-style error names.
- rds_global.py, elasticache_global.py, elasticache_export.py, cloudwatch_route53.py: APIs moto
  lacks (Aurora global failover and switchover, ElastiCache Global Datastores, ElastiCache's export
  to S3 by CopySnapshot, CloudWatch composite alarms).
- route53_health.py, alarm_eval.py, route53_dns.py: what moto evaluates not at all: Route 53 health
  checks (endpoint, CloudWatch alarm, calculated), the metric alarms they read, and the DNS answers
  of the seeded records (GET /drill/dns); dns_responder.py answers them over UDP on loopback.
- rds_restore.py: an Aurora restore from a snapshot of a cluster with no master password (a Global
  Database secondary, ManageMasterUserPassword), which moto answers with a 500 KeyError.
- lambda_invoke.py: a Lambda invocation a scenario queues as {"drillInvoke": ...} runs its handler in
  Node (the application game day's recorder); every other invocation answers as moto's does.
- sfn_nested.py: nested executions (states:startExecution, .sync, .sync:2): moto handed botocore the
  definition's keys and named an unnamed start None; sfn_clients.py: one boto3 client per region and
  service for the tasks, not one per Task state.
- kms_keys.py: one RSA key pair per key spec, made once, instead of one per CreateKey.
- elasticache_auth.py: AUTH token changes (ROTATE, SET), which moto accepts and ignores;
  secrets_rotation.py: RotateSecret runs the rotation function's TypeScript handler in Node.
- snapshot.py: the seeded world kept once (POST /drill/snapshot) and put back before each later
  scenario (POST /drill/restore) instead of seeding it again.
- middleware.py, faults.py, control.py, conform.py: a WSGI middleware with the drill's control API
  (/drill/...): lost regions, injected faults, a log of every AWS request, and /drill/call, a
  botocore client for the drill's own calls.
- __main__.py: the command line; applies the patches in order and runs the server.

Environment: DRILL_TIME_SCALE (default 1: the most real time a sleep may take, as a fraction of
its own; the drill uses 1/500), DRILL_PROMOTION_SECONDS (default 30: how long a simulated promotion
takes, in virtual seconds), DRILL_AWS_CASING=0 (keep moto's casing).
"""
