"""JSONata in moto's Step Functions: an evaluator, and the variables an expression reads.

Patches moto/stepfunctions/parser/asl/jsonata/jsonata.py, which leaves `_eval_jsonata` None (its
origin, LocalStack, plugs a JVM in there), so every {% %} expression fails with a TypeError:
jsonata-python evaluates them, its $millis() and $now() reading the virtual clock (clock.py).

And which variables an expression reads: moto binds only the $states fields and variables an
expression refers to, found by a regular expression that takes any `/.../` outside a string for a
JSONata regex literal. A division does not start one: in `$round($x / 1000) & '/' & $states.input.Error`,
everything from the division to the next slash is skipped, so $states.input is never bound and reads
as undefined. The scanner here starts a regex literal only where an operand may start, as JSONata's
own tokenizer does. It replaces extract_jsonata_variable_references where moto imported it too:
.../asl/component/common/string/string_expression.py and
.../asl/static_analyser/variable_references_static_analyser.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonata
import moto.stepfunctions.parser.asl.component.common.string.string_expression as string_expression
import moto.stepfunctions.parser.asl.jsonata.jsonata as moto_jsonata
import moto.stepfunctions.parser.asl.static_analyser.variable_references_static_analyser as references_analyser
from jsonata import timebox
from jsonata.utils import Utils

from .clock import vnow_ms

_REFERENCE = re.compile(r"\$\$|\$[A-Za-z0-9_$]+(?:\.[A-Za-z0-9_][A-Za-z0-9_$]*)*|\$")
_OPERAND_MAY_START_AFTER = set("([{,:;=&?~+-*%<>!|")


def _eval_jsonata(expression: str) -> Any:
    try:
        result = jsonata.Jsonata(expression).evaluate(None)
        return json.loads(json.dumps(Utils.convert_nulls(result)))
    except Exception as error:  # the contract of moto's JVM bridge
        raise moto_jsonata.JSONataException("UNKNOWN", str(error))


def variable_references(expression: str) -> set[str]:
    references: set[str] = set()
    i, size, previous = 0, len(expression or ""), ""
    while i < size:
        char = expression[i]
        if char in "\"'":  # a string literal
            end = i + 1
            while end < size and expression[end] != char:
                end += 2 if expression[end] == "\\" else 1
            i, previous = end + 1, "x"
        elif char == "/" and (previous == "" or previous in _OPERAND_MAY_START_AFTER):  # a regex literal
            end = i + 1
            while end < size and expression[end] != "/":
                end += 2 if expression[end] == "\\" else 1
            i, previous = end + 1, "x"
            while i < size and expression[i].isalpha():
                i += 1
        elif char == "$":
            match = _REFERENCE.match(expression, i)
            assert match is not None  # the pattern's last alternative matches a lone `$`
            references.add(match.group(0))
            i, previous = match.end(), "x"
        else:
            previous = previous if char.isspace() else char
            i += 1
    for reference in references & {"$", "$$"}:
        raise moto_jsonata.IllegalJSONataVariableReference(variable_reference=reference)
    return references


def install() -> None:
    timebox.Timebox.current_milli_time = staticmethod(lambda: int(vnow_ms()))
    moto_jsonata._eval_jsonata = _eval_jsonata
    moto_jsonata.extract_jsonata_variable_references = variable_references
    string_expression.extract_jsonata_variable_references = variable_references
    references_analyser.extract_jsonata_variable_references = variable_references
