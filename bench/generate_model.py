"""Generate a valid model with N sites and N services, for the benchmarks.

It starts from the complete fictional model of the tests (tests/fixtures/complete.yaml, which names
no real company and leaves no gap), and adds sites that use its trackers and processor services
with a full Art. 28(3) appendix, each listed in `roles.processor.services`. The result is validated
before it is written.

    .venv/bin/python bench/generate_model.py --size 100 --out /tmp/model-100.yaml
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "fixtures" / "complete.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../policy/processing.schema.json\n"


def generated(size: int) -> dict[str, Any]:
    """The complete fixture with `size` sites and `size` services (its own included)."""
    model: dict[str, Any] = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    site_template = model["sites"][0]
    service_template = model["services"][0]
    trackers = [tracker["id"] for tracker in model["trackers"]]
    sites, services = [site_template], [service_template]
    for number in range(2, size + 1):
        site = copy.deepcopy(site_template)
        site.update(id=f"site-{number}", name={"en": f"Website number {number}"},
                    url=f"https://site-{number}.exempel-programvara.example", trackers=trackers[: 1 + number % 2])
        sites.append(site)
        service = copy.deepcopy(service_template)
        service.update(id=f"service-{number}", name={"en": f"Hosted service number {number}"},
                       description={"en": f"Hosted service number {number}, run by us for the customer."})
        services.append(service)
    model["sites"], model["services"] = sites[:size], services[:size]
    model["roles"]["processor"]["services"] = [service["id"] for service in model["services"]]
    return model


def write(size: int, out: Path) -> Path:
    """Writes the model of `size` sites and services to `out`, and checks that it validates."""
    text = SCHEMA_LINE + yaml.safe_dump(generated(size), allow_unicode=True, sort_keys=False, width=100)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    validated = subprocess.run([str(Path(sys.executable).parent / "privacy-statement"), "validate", "--strict",
                                str(out)], capture_output=True, text=True)
    if validated.returncode != 0:
        raise SystemExit(f"the generated model does not validate:\n{validated.stdout}{validated.stderr}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="how many sites, and how many services")
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    print(write(arguments.size, arguments.out))


if __name__ == "__main__":
    main()
