#!/usr/bin/env python3
"""Parses Prometheus text exposition (a /metrics answer) read on stdin with prometheus_client's own parser
(prometheus_client.parser.text_string_to_metric_families), and prints what it found as JSON on stdout:

    {"families": [{"name": ..., "type": ..., "help": ...,
                   "samples": [{"name": ..., "labels": {...}, "value": 1.0}, ...]}, ...]}

A value that is not a finite number (+Inf, -Inf, NaN) is printed as the string the text format uses for it.
Text the parser rejects: the parser's message on stderr and exit status 1.
"""

import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def main():
    text = sys.stdin.read()
    try:
        families = [
            {
                "name": family.name,
                "type": family.type,
                "help": family.documentation,
                "samples": [
                    {"name": sample.name, "labels": dict(sample.labels), "value": number(sample.value)}
                    for sample in family.samples
                ],
            }
            for family in text_string_to_metric_families(text)
        ]
    except Exception as error:  # the parser raises ValueError and others on malformed text
        print(f"unparseable: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
