from tests.access import Row, statuses

ACCESS = [
    Row("core:home", statuses(200)),
    Row("core:healthz", statuses(200, anonymous=200), public=True),
    Row(
        "set_language",
        statuses(302, anonymous=302),
        method="post",
        data=lambda c: {"language": "en"},
        public=True,
    ),
]
