"""Runs every applicable test of iiif-validator-ng (PyPI) against one image and prints a summary line.

The package's own command prints a progress bar and exits 0 whatever fails, so the project's tests call this
instead. It uses the package's public pieces: TargetServer (the server and image), run_tests (the tests that the
server's info.json makes applicable) and the result types.

    run.py BASE_URL [--v2] [--validation-id ID]   ->  one line per failure, then "Done (N tests, F failures)"
    run.py --pixels FILE                          ->  writes the validation image as raw 8-bit RGB (1000x1000)
"""

import argparse
import importlib.resources
import sys


def write_pixels(path: str) -> None:
    import pyvips

    image = pyvips.Image.new_from_file(str(importlib.resources.files("iiif_validator") / "validation_image.png"))
    if image.bands != 3 or image.format != "uchar":
        sys.exit(f"unexpected validation image: {image.bands} bands, {image.format}")
    with open(path, "wb") as output:
        output.write(image.write_to_memory())
    print(f"{image.width}x{image.height}")


def validate(base_url: str, v2: bool, validation_id: str) -> int:
    from iiif_validator.tests.test import IIIFVersion, TargetServer, ValidationFailure
    from iiif_validator.validate import run_tests

    server = TargetServer(base_url, validation_id=validation_id, version=IIIFVersion.V2 if v2 else IIIFVersion.V3)
    features = server.feature_set()
    print(
        f"level {features.compliance_level.name}; formats {features.extra_formats}; "
        f"qualities {features.extra_qualities}; features {features.extra_features}; "
        f"caching {features.supports_caching}"
    )
    tests = failures = 0
    for test, results in run_tests(server, max_threads=2):
        for result in results if isinstance(results, list) else [results]:
            tests += 1
            name = f"{test.__module__.rsplit('.', 1)[-1]} {test.extra_name or ''}".strip()
            if isinstance(result, ValidationFailure):
                failures += 1
                print(f"FAIL {name}: {result.details}; expected {result.expected}; got {result.received}; {result.url}")
            else:
                print(f"ok   {name}")
    print(f"Done ({tests} tests, {failures} failures)")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?")
    parser.add_argument("--v2", action="store_true")
    parser.add_argument("--validation-id", default="67352ccc-d1b0-11e1-89ae-279075081939")
    parser.add_argument("--pixels")
    args = parser.parse_args()
    if args.pixels:
        write_pixels(args.pixels)
    elif args.base_url:
        sys.exit(validate(args.base_url, args.v2, args.validation_id))
    else:
        parser.error("give BASE_URL or --pixels FILE")


if __name__ == "__main__":
    main()
