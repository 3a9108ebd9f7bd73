"""An id out of range is the client's mistake: a 400 in a filter, a 404 in an address — never a 500.

Ids are 64-bit integers. Before, ``?case=18446744073709551616`` crashed the demo's SQLite (a 500 on
40 list and export combinations) and was taken as "nothing" by PostgreSQL; now every id filter says
what it takes. Every list, export and record address of the API is enumerated.
"""

import pytest
import yaml

from api.filters import IdFilter
from config.api_urls import RESOURCES

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

TOO_LARGE = [2**63, 2**64, 10**30]


def _id_filters():
    for _, viewset, basename in RESOURCES:
        filterset = getattr(viewset, "filterset_class", None)
        for name, field in (filterset.base_filters.items() if filterset else ()):
            if isinstance(field, IdFilter):
                below = field.extra.get("min_value", 1) - 1
                yield basename, name, below
                if hasattr(viewset, "export"):
                    yield f"{basename}-export", name, below


ID_FILTERS = list(_id_filters())


def test_the_enumeration_finds_every_id_filter():
    assert len(ID_FILTERS) >= 30


@pytest.mark.parametrize("endpoint,name,below", ID_FILTERS, ids=[f"{e}?{n}" for e, n, _ in ID_FILTERS])
def test_an_id_filter_out_of_range_is_a_400_naming_the_filter(cast, endpoint, name, below):
    client = api_as(cast.coordinator)
    address = url(endpoint if endpoint.endswith("-export") else f"{endpoint}-list")
    for value in [*TOO_LARGE, below]:
        response = client.get(address, {name: value}, HTTP_X_JUSTIFICATION="Checking the filters answer")
        assert response.status_code == 400, (value, response.status_code)
        assert name in response.json()["fields"]


def test_a_record_address_with_an_id_out_of_range_is_a_404(cast):
    client = api_as(cast.coordinator)
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    tried = 0
    for path, operations in paths.items():
        if "{id}" not in path:
            continue
        for method in operations:
            if method not in ("get", "post", "patch", "delete"):
                continue
            for value in TOO_LARGE:
                response = getattr(client, method)(path.replace("{id}", str(value)), format="json",
                                                   HTTP_X_JUSTIFICATION="Checking the addresses answer")
                assert response.status_code == 404, (method, path, value, response.status_code)
                assert response.json()["code"] == "not_found"
                tried += 1
    assert tried > 100
