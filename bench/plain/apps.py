from django.apps import AppConfig


class PlainConfig(AppConfig):
    name = "bench.plain"
    label = "bench_plain"
