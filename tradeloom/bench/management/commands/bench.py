from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tradeloom.bench.generate import SIZES
from tradeloom.bench.run import markdown, run


class Command(BaseCommand):
    help = "Generate the data set if needed, then benchmark the API against the bare reference (needs wrk)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seconds", type=int, default=None, help="per endpoint (default 20 full, 5 small)")
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--only",
            action="append",
            help="only the endpoints whose name contains this (repeatable); prints the table, writes no results",
        )

    def handle(
        self,
        *args: Any,
        size: str,
        seconds: int | None,
        concurrency: int,
        seed: int,
        only: list[str] | None,
        **options: Any,
    ) -> None:
        seconds = seconds or (20 if size == "full" else 5)
        results, path = run(size=size, seconds=seconds, concurrency=concurrency, seed=seed, only=only)
        self.stdout.write("")
        self.stdout.write(markdown(results, size=size, seconds=seconds, concurrency=concurrency))
        if path is not None:
            self.stdout.write(f"Results: {path} (and .md)")
