def test_schema_is_served_locally_to_signed_in_users(client, cast):
    # public docs are not intended (docs/security.md): anonymous visitors go to the login page
    for url in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(cast.section_staff)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "SafetyMonth API"
    assert "/api/v1/orgs" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_orgs_are_scoped_to_the_caller(client, cast):
    client.force_login(cast.section_staff)
    items = client.get("/api/v1/orgs").json()["items"]
    names = {o["name"] for o in items}
    assert names == {cast.section.name, cast.enterprise.name, cast.enterprise2.name}
    assert client.get(f"/api/v1/orgs/{cast.other_enterprise.public_id}").status_code == 404


def test_orgs_filter_by_kind_and_subtree(client, cast):
    client.force_login(cast.office)
    items = client.get("/api/v1/orgs", {"kind": "enterprise", "under": cast.section.public_id}).json()["items"]
    assert [o["name"] for o in items] == [cast.enterprise.name, cast.enterprise2.name]
    assert items[0]["parent_id"] == cast.section.public_id
    assert client.get("/api/v1/orgs", {"under": cast.other_authority.public_id}).status_code == 404


def test_me_lists_memberships(client, cast):
    client.force_login(cast.enterprise_staff)
    me = client.get("/api/v1/me").json()
    assert me["username"] == "enterprise"
    assert me["memberships"] == [
        {"org": cast.enterprise.name, "org_id": cast.enterprise.public_id, "role": "enterprise_staff"}
    ]


def test_unknown_filter_value_is_a_clear_422(client, cast):
    client.force_login(cast.office)
    assert client.get("/api/v1/orgs", {"kind": "nonsense"}).status_code == 422
