"""The ack gate: follow-up work waits while requests still wait for their ack, never longer than ``max_wait``."""

from __future__ import annotations

import asyncio
import time

from bot.runtime.acks import AckGate


async def test_no_pending_request_means_no_wait() -> None:
    gate = AckGate(max_wait=5)
    started = time.monotonic()
    await gate.wait_idle()
    assert time.monotonic() - started < 0.05


async def test_waiters_wake_when_the_last_pending_request_is_answered() -> None:
    gate = AckGate(max_wait=5)
    woken: list[float] = []

    async def follow_up() -> None:
        await gate.wait_idle()
        woken.append(time.monotonic())

    with gate.request():
        with gate.request():
            waiters = [asyncio.create_task(follow_up()) for _ in range(100)]
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)
        assert woken == [], "one request still waits for its ack"
        answered = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*waiters), timeout=1)
    assert len(woken) == 100 and all(0 <= t - answered < 0.2 for t in woken)
    assert gate.pending == 0


async def test_waiting_never_exceeds_max_wait() -> None:
    gate = AckGate(max_wait=0.1)
    with gate.request():
        started = time.monotonic()
        await gate.wait_idle()
        await gate.wait_idle()  # a second wait on the same (unresolved) future also times out alone
        assert 0.18 <= time.monotonic() - started < 0.5


async def test_a_cancelled_waiter_does_not_cancel_the_others() -> None:
    gate = AckGate(max_wait=5)
    with gate.request():
        first = asyncio.create_task(gate.wait_idle())
        second = asyncio.create_task(gate.wait_idle())
        await asyncio.sleep(0.01)
        first.cancel()
        await asyncio.sleep(0.01)
        assert not second.done()
    await asyncio.wait_for(second, timeout=1)
