"""Benchmark: `trusthub validate` against PyYAML's C loader alone, on generated profiles.

    .venv/bin/python bench/bench_validate.py            # 10,000 profiles, 3 rounds
    .venv/bin/python bench/bench_validate.py --smoke    # 200 profiles, 1 round (CI)

Generates a workspace of realistic profiles (like `profiles/`, with varied values, all
valid) in a temporary directory, then times in one run:

* baseline: read each file and `yaml.load(text, Loader=yaml.CSafeLoader)`;
* cold, one process and cold, parallel: `load_workspace` with an empty cache;
* warm: `load_workspace` again, nothing changed on disk;

and prints each as a ratio of the baseline (targets: cold <= 1.5, parallel <= 1.0,
warm <= 0.5). Medians over the rounds. Not a test: it asserts only that the generated
profiles validate clean, so a broken generator cannot produce flattering numbers.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from trusthub.app.loading import load_workspace
from trusthub.config.settings import Settings, default_settings
from trusthub.model.phone_facts import forget as forget_numbers
from trusthub.report.problems import render

_AREA_CODES = (
    "201 202 203 205 206 207 208 210 212 213 214 215 216 217 218 224 225 228 229 231 "
    "234 239 240 248 251 252 253 254 256 260 262 267 269 270 281 301 302 303 304 305 "
    "307 308 309 310 312 313 314 315 316 317 318 319 320 321 323 330 334 336 337 339 "
    "347 352 360 361 386 401 402 404 405 406 407 408 409 410 412 413 414 415 417 419 "
    "423 424 425 432 434 435 440 443 469 478 479 480 484 501 502 503 504 505 507 508 "
    "509 510 512 513 515 516 517 518 520 530 540 541 551 559 561 562 563 570 571 573 "
    "574 575 580 585 586 601 602 603 605 606 607 608 609 610 612 614 615 616 617 618 "
    "619 620 623 626 630 631 636 646 650 651 660 661 662 678 682 701 702 703 704 706 "
    "707 708 712 713 714 715 716 717 718 719 720 724 727 731 732 734 740 757 760 763 "
    "765 770 772 773 774 775 781 785 786"
)
AREA_CODES = tuple(_AREA_CODES.split())  # real US area codes
TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")
CANADA = ("416", "613", "604", "514", "403", "780", "902", "905")
_WORDS = {
    "FIRST": "Ava Ben Chloe Dev Elena Farid Grace Hugo Ines Jonas Kira Liam Maya Noor Omar Priya",
    "LAST": "Abbott Brandt Chen Delgado Evans Fischer Garcia Haddad Ito Jensen Khan Lopez",
    "TRADES": "Dental Freight Bakery Tutoring Plumbing Realty Clinic Outfitters Studio Labs",
}
FIRST, LAST, TRADES = (tuple(_WORDS[k].split()) for k in ("FIRST", "LAST", "TRADES"))
INDUSTRIES = ("Healthcare", "Retail", "Technology", "Transportation", "Education", "Legal")
JOBS = ("Director", "GM", "VP", "CEO", "CFO", "General Counsel", "Other")
STATES = (("TX", "Austin"), ("IL", "Chicago"), ("CA", "Oakland"), ("NY", "Albany"))
USE_CASES = ("ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE", "DELIVERY_NOTIFICATIONS", "MARKETING")


class Numbers:
    """Unique, valid-looking numbers; never checked here, so no phonenumbers cache is warmed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, areas: tuple[str, ...] | list[str]) -> str:
        while True:
            exchange = f"{self.rng.randint(2, 9)}{self.rng.randint(0, 9)}{self.rng.randint(2, 9)}"
            number = f"+1{self.rng.choice(areas)}{exchange}{self.rng.randint(0, 9999):04d}"
            if number not in self.used:
                self.used.add(number)
                return number


def _ein(rng: random.Random) -> str:
    return f"{rng.randint(10, 98)}-{rng.randint(0, 9_999_999):07d}"


def _representative(rng: random.Random, numbers: Numbers, domain: str, index: int) -> str:
    first, last = rng.choice(FIRST), LAST[(index + rng.randint(0, 5)) % len(LAST)]
    return (
        f"  - first_name: {first}\n"
        f"    last_name: {last}{index or ''}\n"
        f"    email: {first.lower()}.{last.lower()}{index}@{domain}\n"
        f'    phone: "{numbers.draw(AREA_CODES)}"\n'
        f"    business_title: {rng.choice(['Owner', 'Head of Compliance', 'Office Manager'])}\n"
        f"    job_position: {rng.choice(JOBS)}\n"
    )


def profile_text(index: int, rng: random.Random, numbers: Numbers) -> str:
    """A secondary business profile of the ISV `acme-isv`, about 45 lines."""
    trade = rng.choice(TRADES)
    name = f"client-{index:05d}-{trade.lower()}"
    domain = f"{name}.example.com"
    state, city = rng.choice(STATES)
    canadian = rng.random() < 0.1
    if canadian:
        kind, number = "CBN", _cbn(rng)
    elif rng.random() < 0.85:
        kind, number = "EIN", _ein(rng)
    else:
        kind, number = "DUNS", f"{rng.randint(0, 999_999_999):09d}"
    reps = "".join(_representative(rng, numbers, domain, i) for i in range(rng.choice((1, 2))))
    own = [numbers.draw(CANADA if canadian else AREA_CODES) for _ in range(rng.randint(1, 2))]
    products = ""
    if not canadian and rng.random() < 0.5:
        products += "  shaken_stir: {}\n"
    if rng.random() < 0.6:
        products += "  a2p_messaging:\n    company_type: private\n"
    tollfree = ""
    if rng.random() < 0.3:
        own.append(numbers.draw(TOLL_FREE))
        tollfree = (
            f'toll_free_verifications:\n  - number: "{own[-1]}"\n'
            f"    use_case_categories: [{rng.choice(USE_CASES)}]\n"
            "    use_case_summary: Reminders and updates for customers who opted in.\n"
            f'    message_sample: "{trade} {index}: your visit is confirmed. STOP to opt out."\n'
            "    opt_in_type: WEB_FORM\n"
            f'    opt_in_image_urls: ["https://{domain}/opt-in.png"]\n'
            '    message_volume: "1,000"\n'
        )
    quoted = ", ".join(f'"{n}"' for n in own)
    return (
        f"# {trade} business number {index}\n"
        "apiVersion: trusthub/v1\nkind: CustomerProfile\n"
        f"name: {name}\nrole: secondary\nprimary: acme-isv\ntype: business\n"
        "business:\n"
        f"  legal_name: {trade} Group {index} LLC\n"
        "  identity: Direct Customer\n  type: Limited Liability Corporation\n"
        f"  industry: {rng.choice(INDUSTRIES)}\n"
        f'  registration:\n    type: {kind}\n    number: "{number}"\n'
        "  regions_of_operation: [USA and Canada]\n"
        f"  website: https://{domain}\n"
        "address:\n"
        f"  street: {rng.randint(1, 9999)} {rng.choice(['Main', 'Oak', 'Pine'])} Street\n"
        f'  city: {city}\n  region: {state}\n  postal_code: "{rng.randint(10000, 99999)}"\n'
        "  country: US\n"
        f"authorized_representatives:\n{reps}"
        f"notifications:\n  email: trust+{name}@acme-messaging.example.com\n"  # the ISV's
        "  status_callback: https://hooks.acme-messaging.example.com/twilio/trusthub\n"
        "terms_of_service_accepted: true\n"
        f"phone_numbers: [{quoted}]\n"
        + (f"trust_products:\n{products}" if products else "")
        + tollfree
    )


def _cbn(rng: random.Random) -> str:
    body = [rng.randint(0, 9) for _ in range(8)]
    for check in range(10):  # the Luhn check digit
        digits = [*body, check]
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
            for i, d in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return "".join(map(str, digits))
    raise AssertionError("unreachable")


def generate_workspace(root: Path, count: int, *, seed: int = 7) -> list[Path]:
    """`count` profile files under root/profiles: the example ISV primary and secondaries."""
    profiles = root / "profiles"
    profiles.mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "profiles" / "acme-isv.yaml", profiles)
    rng, numbers = random.Random(seed), Numbers(random.Random(seed + 1))
    numbers.used.update({"+14155550100", "+14155550101"})
    paths = [profiles / "acme-isv.yaml"]
    for index in range(1, count):
        path = profiles / f"client-{index:05d}.yaml"
        path.write_text(profile_text(index, rng, numbers), encoding="utf-8")
        paths.append(path)
    return paths


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _baseline(paths: list[Path]) -> None:
    for path in paths:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def run(count: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-") as temp:
        root = Path(temp)
        paths = generate_workspace(root, count)
        settings = default_settings(root)
        cache = settings.state_dir / "cache"
        times: dict[str, list[float]] = {"baseline": [], "cold-1": [], "cold-n": [], "warm": []}
        problems: list[str] = []
        for _ in range(rounds):
            times["baseline"].append(_timed(lambda: _baseline(paths)))
            for label, workers in (("cold-1", 1), ("cold-n", None)):
                shutil.rmtree(cache, ignore_errors=True)
                forget_numbers()  # cold means cold: no number checked before
                times[label].append(_timed(partial(_validate, settings, workers, problems)))
            times["warm"].append(_timed(lambda: _validate(settings, None, problems)))
        base = statistics.median(times["baseline"])
        print(f"{count} profiles, {rounds} round(s), medians:")
        for label, description in (
            ("baseline", "PyYAML CSafeLoader (read + parse)"),
            ("cold-1", "validate, cold cache, 1 process"),
            ("cold-n", "validate, cold cache, parallel"),
            ("warm", "validate, warm cache"),
        ):
            median = statistics.median(times[label])
            print(f"  {description:<36} {median:7.3f} s  {median / base:5.2f}x")
        if problems:
            print("generated profiles have problems (generator bug):", *problems[:5], sep="\n  ")
            return 1
        return 0


def _validate(settings: Settings, workers: int | None, problems: list[str]) -> None:
    loaded = load_workspace(settings, workers=workers)
    render("text", loaded.problems, profiles_checked=loaded.files_checked, files_checked=0)
    problems.extend(str(p) for p in loaded.problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="200 profiles, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.smoke:
        return run(200, 1)
    return run(args.count, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
