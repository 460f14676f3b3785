"""Where independent work runs: in process, or in a pool of worker processes; the same answers."""
from __future__ import annotations

import pytest

from flows.runners import Failed, InProcess, ProcessPool, Silent, chunked, local_runner


def square(x: int) -> int:
    if x == 3:
        raise ValueError("tiga")
    return x * x


@pytest.mark.parametrize("runner", [pytest.param(InProcess, id="in process"),
                                    pytest.param(lambda: ProcessPool(2), id="two worker processes")])
def test_results_come_back_in_order_and_one_failure_stops_nothing(runner):
    done = []
    with_runner = runner()
    try:
        results = with_runner.map(square, [1, 2, 3, 4, 5], on_done=done.append)
    finally:
        with_runner.close()
    assert results[:2] == [1, 4] and results[3:] == [16, 25]
    assert isinstance(results[2], Failed) and "ValueError: tiga" in str(results[2])
    assert sorted(done) == [0, 1, 2, 3, 4], "every item is reported done, in the order it finished"


def test_a_pool_serves_several_maps_and_a_single_item_runs_here():
    with ProcessPool(2) as pool:
        assert pool.map(square, [2]) == [4] and pool._pool is None, "one item: no pool started"
        assert pool.map(square, [1, 2]) == [1, 4]
        assert pool.map(square, [4, 5]) == [16, 25]
    assert pool._pool is None


def test_the_local_runner_is_in_process_for_one_worker():
    assert isinstance(local_runner(1), InProcess)
    runner = local_runner(2)
    assert isinstance(runner, ProcessPool) and runner.workers == 2
    runner.close()


@pytest.mark.parametrize("items, parts, most, sizes", [
    pytest.param(list(range(10)), 4, 16, [3, 3, 3, 1], id="enough chunks for every worker twice"),
    pytest.param(list(range(100)), 4, 16, [16] * 6 + [4], id="no chunk larger than the batch bound"),
    pytest.param([], 4, 16, [], id="nothing to do"),
])
def test_chunks_keep_the_order(items, parts, most, sizes):
    chunks = chunked(items, parts, most)
    assert [len(c) for c in chunks] == sizes and [x for c in chunks for x in c] == items


def test_silent_progress_says_nothing():
    progress = Silent()
    progress.start("berkas", 3)
    progress.advance("berkas", 2)
