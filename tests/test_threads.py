"""Embedding: many threads share one Router and get what one thread gets; the default is built once."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import queryrouter.router as router_module
from queryrouter import Router

CORPUS = ["19.2 lbs to kg", "behemoth definition", "who owns antarctica", "15% of 80", "60000 10",
          "32 f to c", "5 florbs to kg", "synonyms for happy", "180 cm to feet and inches", "plitelighet synonym",
          "how many cups in a liter", "physical features of kenya", "100 / 3", "", "5 kg to meters"] * 8


def test_eight_threads_match_one_thread() -> None:
    expected = [Router().route(q).to_dict() for q in CORPUS]
    shared = Router()  # fresh: the threads race to build pint, lark and the glossary
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: shared.route(q).to_dict(), CORPUS))
    assert results == expected


def test_default_router_is_built_once_under_a_lock(monkeypatch: object) -> None:
    monkeypatch.setattr(router_module, "_default", None)  # type: ignore[attr-defined]
    built: list[Router] = []
    barrier = threading.Barrier(8)

    def build() -> None:
        barrier.wait()
        built.append(router_module.default_router())

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(router) for router in built}) == 1


def test_a_pickled_router_answers_like_the_original() -> None:
    router = Router(volume_system="imperial")
    clone = pickle.loads(pickle.dumps(router))
    assert [clone.route(q).to_dict() for q in CORPUS[:15]] == [router.route(q).to_dict() for q in CORPUS[:15]]


def _route_all(router: Router, queries: list[str]) -> list[dict[str, object]]:
    return [router.route(q).to_dict() for q in queries]


def test_a_router_sent_to_worker_processes_answers_the_same() -> None:
    """multiprocessing pickles the Router into fresh interpreters (spawn), as distributed engines do."""
    import multiprocessing
    from functools import partial

    router = Router()
    chunks = [CORPUS[i:i + 15] for i in range(0, 45, 15)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(partial(_route_all, router), chunks)
    assert [r for chunk in results for r in chunk] == _route_all(router, CORPUS[:45])
