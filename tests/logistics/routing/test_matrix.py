"""Road estimates from coordinates, and an OSRM-compatible server over real HTTP (a local fake)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from logistics.routing.matrix import (
    UNREACHABLE,
    DailyCachedMatrix,
    EstimatedMatrix,
    MatrixUnavailable,
    OsrmMatrix,
    great_circle_m,
)
from logistics.routing.problem import Point

A, B, C = Point(40.6448, 122.5091), Point(40.6205, 122.4412), Point(40.7000, 122.6000)


def test_great_circle_and_the_estimate():
    straight = great_circle_m(A, B)
    assert 6_000 < straight < 7_000  # the county seat to Zhoujia town, about 6.3 km
    matrix = EstimatedMatrix(road_factor=1.3).matrix([A, B, C])
    assert matrix.distance_m[0][1] == matrix.distance_m[1][0] == round(straight * 1.3)
    assert matrix.distance_m[0][0] == 0 and matrix.duration_s[0][0] == 0
    # 8.2 km of county road at 40 km/h
    assert matrix.duration_s[0][1] == round(straight * 1.3 / (40 / 3.6))
    with pytest.raises(ValueError):
        EstimatedMatrix(road_factor=float("nan"))
    with pytest.raises(ValueError):
        EstimatedMatrix(road_factor=0.5)


class _Osrm(BaseHTTPRequestHandler):
    answer: dict = {}
    delay = 0.0
    paths: list = []

    def do_GET(self):  # noqa: N802
        type(self).paths.append(self.path)
        time.sleep(type(self).delay)
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Osrm.paths, _Osrm.delay = [], 0.0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osrm_table_is_read_and_unroutable_pairs_are_unreachable(osrm):
    _Osrm.answer = {"code": "Ok", "distances": [[0, 8100.4], [None, 0]], "durations": [[0, 700.6], [None, 0]]}
    matrix = OsrmMatrix(osrm).matrix([A, B])
    assert matrix.distance_m == [[0, 8100], [UNREACHABLE, 0]]
    assert matrix.duration_s == [[0, 701], [UNREACHABLE, 0]]
    assert _Osrm.paths[0].startswith("/table/v1/driving/122.509100,40.644800;122.441200,40.620500?")
    assert "annotations=duration%2Cdistance" in _Osrm.paths[0]


@pytest.mark.parametrize(
    "answer",
    [
        {"code": "NoTable"},
        {"code": "Ok", "distances": [[0]], "durations": [[0]]},  # wrong size
        {"code": "Ok", "distances": [[0, -5], [1, 0]], "durations": [[0, 1], [1, 0]]},
        {"code": "Ok", "distances": [[0, "x"], [1, 0]], "durations": [[0, 1], [1, 0]]},
    ],
)
def test_a_bad_table_is_refused(osrm, answer):
    _Osrm.answer = answer
    with pytest.raises(MatrixUnavailable):
        OsrmMatrix(osrm).matrix([A, B])


def test_a_server_that_never_answers_times_out(osrm):
    _Osrm.answer, _Osrm.delay = {"code": "Ok"}, 2.0
    started = time.monotonic()
    with pytest.raises(MatrixUnavailable):
        OsrmMatrix(osrm, timeout_s=0.3).matrix([A, B])
    assert time.monotonic() - started < 1.5


def test_the_day_cache_asks_the_server_once(osrm):
    cache.clear()
    _Osrm.answer = {"code": "Ok", "distances": [[0, 1], [1, 0]], "durations": [[0, 2], [2, 0]]}
    source = DailyCachedMatrix(OsrmMatrix(osrm), cache, "2026-12-06")
    assert source.matrix([A, B]).duration_s == [[0, 2], [2, 0]]
    assert source.matrix([A, B]).duration_s == [[0, 2], [2, 0]]
    assert len(_Osrm.paths) == 1
    DailyCachedMatrix(OsrmMatrix(osrm), cache, "2026-12-07").matrix([A, B])
    assert len(_Osrm.paths) == 2
