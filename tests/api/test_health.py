from django.db import connection
from django.test import Client


def test_healthz_answers_ok_after_checking_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == connection.vendor
