from tests.access import Row, statuses

# The API answers 401 JSON instead of redirecting to the login page.
ACCESS = [
    Row("api:api-root", statuses(404, anonymous=404), public=True, note="no root listing"),
    Row("api:openapi-json", statuses(200), note="schema: signed-in users only"),
    Row("api:openapi-view", statuses(200), note="docs: signed-in users only"),
    Row("api:me", statuses(200, anonymous=401)),
    Row("api:list_orgs", statuses(200, anonymous=401)),
    Row(
        "api:get_org",
        statuses(
            200,
            anonymous=401,
            enterprise_staff=404,
            other_section_staff=404,
            other_enterprise_staff=404,
            other_office=404,
            no_role=404,
        ),
        args=lambda c: [c.section.public_id],
    ),
]
