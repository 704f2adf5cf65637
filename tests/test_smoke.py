def test_admin_creates_a_community_with_a_token(api, make):
    admin = make.street_admin()
    r = api.as_(admin).post("/admin/communities", {"name": "芳古园一区社区"})
    assert r.status_code == 201, r.json
    assert r.json["name"] == "芳古园一区社区"


def test_unknown_api_route_has_the_error_body(api):
    r = api.get("/nope")
    assert r.status_code == 404
    assert r.json["error"]["code"] == "not_found"
