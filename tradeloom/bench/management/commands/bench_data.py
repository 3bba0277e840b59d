from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tradeloom.bench.generate import SIZES, generate


class Command(BaseCommand):
    help = (
        "Fill the benchmark database (3 organisations; deterministic for a seed). What exists is kept and what is "
        "missing is added: a data set made before shipments existed gains them, its orders untouched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        generate(size=size, seed=seed)
