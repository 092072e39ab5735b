#!/usr/bin/env python
"""The drill's moto server (scripts/drill/drill-server.ts starts it): runs the package moto_drill beside
this file, which holds every patch of moto; see moto_drill/__init__.py.

    .venv/bin/python scripts/drill/moto_drill_server.py -H 127.0.0.1 -p PORT
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("moto_drill", run_name="__main__")
