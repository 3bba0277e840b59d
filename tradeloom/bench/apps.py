from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tradeloom.bench"
    label = "bench"
    verbose_name = "Benchmarks"
