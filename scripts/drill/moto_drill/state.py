"""The drill's world: lost regions, injected faults, health, the request log, pending promotions.

Patches no moto file: moto's own resources live in its backends; this is what the drill adds beside
them. reset_drill_state() clears it (POST /drill/reset, and POST /moto-api/reset through the middleware).
"""

from __future__ import annotations

import threading
from typing import Any

from .config import PROMOTION_SECONDS, TIME_SCALE

STATE: dict[str, Any] = {}  # the drill's world, cleared by reset_drill_state()
lock = threading.RLock()


def reset_drill_state() -> None:
    with lock:
        STATE.clear()
        STATE.update(
            lostRegions=set(),
            faults=[],
            health={},
            requests=[],
            pending=[],
            globalDatastores={},
            timeScale=TIME_SCALE,
            promotionSeconds={"rds": PROMOTION_SECONDS, "elasticache": PROMOTION_SECONDS},
            cacheFailoverNeedsPrimary=False,
            holdClock=False,
        )


reset_drill_state()
