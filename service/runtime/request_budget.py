"""A request's budget: its deadline and its worker's model slots, passed down in a context variable.

The HTTP layer opens one budget per request (``service.api.budget``). The pipeline checks the
deadline before each stage and before each engine batch (:func:`check_deadline`,
:func:`bounded_translator`) and takes one of the worker's model slots for the model stages
(:func:`model_slot`). Past the deadline the request ends with 503 and its remaining stages and
batches are not run; when every slot is busy and the expected wait is longer than allowed, the
request is refused at once (503 + Retry-After) instead of queuing. Callers that open no budget
(CLI, batch, background document jobs) run unbounded, as before.
"""
from __future__ import annotations

import itertools
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from models.engines.base import Scored, Translator, translate_scored
from service.errors import DeadlineExceededError, OverloadedError

MODEL_STAGES = frozenset({"summarize", "translate"})
MAX_TRACKED_TENANTS = 10_000  # tenants whose last turn is remembered (forgotten all at once beyond)


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` past which no new stage or engine batch starts."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self, before: str) -> None:
        if self.remaining() <= 0:
            raise DeadlineExceededError(
                f"the request passed its {self.seconds:g} s deadline before {before}; the rest of its work "
                "was not done (http.request_deadline_s): send less text per request, or retry later",
                retry_after=max(1, math.ceil(self.seconds / 4)))


class ModelSlots:
    """At most ``slots`` requests in the model stages of one worker; the others wait their turn, or are shed.

    Turns are fair between tenants (an API key's tenant, or a client address): a freed slot goes to
    the waiting tenant that holds the fewest slots, then the one served least recently, so one
    tenant's flood queues behind its own requests, not in front of everyone's.

    The expected wait of a newcomer is the turns before its own, under that rule, times the mean
    time a slot is held, divided by the slots. Past ``max_wait_s`` (or past the request's deadline)
    it is refused at once; a request that does wait never waits longer than either.
    """

    def __init__(self, slots: int, max_wait_s: float) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots, self.max_wait_s = slots, max_wait_s
        self._turns = threading.Condition()
        self._queues: dict[str, deque[int]] = {}  # tenant -> tickets of its waiting requests, oldest first
        self._busy_by: Counter[str] = Counter()
        self._served_at: dict[str, int] = {}  # tenant -> when it last got a slot (a ticket number)
        self._tickets = itertools.count()
        self.busy = 0
        self.mean_hold_s = 0.0

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot, every tenant's."""
        return sum(len(queue) for queue in self._queues.values())

    def expected_wait(self, tenant: str = "") -> float:
        """Seconds a request of ``tenant`` arriving now should expect to wait for a slot."""
        with self._turns:
            return self._expected_wait(tenant)

    def refusal(self, tenant: str = "", deadline: Deadline | None = None) -> OverloadedError | None:
        """The 503 a request of ``tenant`` arriving now would get, or None: for refusing before any work."""
        with self._turns:
            expected = self._expected_wait(tenant)
        return self._shed(expected) if expected > self._limit(deadline) else None

    def _limit(self, deadline: Deadline | None) -> float:
        return self.max_wait_s if deadline is None else min(self.max_wait_s, deadline.remaining())

    def _expected_wait(self, tenant: str) -> float:
        if self.busy + self.waiting < self.slots:
            return 0.0
        # Under fair turns another tenant goes before this request at most as often as this tenant
        # has requests in (busy, waiting, and this one).
        own = self._queues.get(tenant, ())
        share = len(own) + self._busy_by[tenant] + 1
        ahead = len(own) + sum(min(len(q), share) for t, q in self._queues.items() if t != tenant)
        return (ahead + 1) * self.mean_hold_s / self.slots

    def _next_tenant(self) -> str | None:
        """Whose request gets the next free slot: fewest slots held, then the one served least recently
        (turns go round), then the longest wait."""
        if not self._queues:
            return None
        return min(self._queues, key=lambda t: (self._busy_by[t], self._served_at.get(t, -1), self._queues[t][0]))

    def _may_start(self, tenant: str, ticket: int) -> bool:
        return (self.busy < self.slots and self._queues[tenant][0] == ticket
                and self._next_tenant() == tenant)

    @contextmanager
    def hold(self, deadline: Deadline | None = None, tenant: str = "") -> Iterator[None]:
        limit = self._limit(deadline)
        with self._turns:
            expected = self._expected_wait(tenant)
            if expected > limit:
                raise self._shed(expected)
            ticket = next(self._tickets)
            self._queues.setdefault(tenant, deque()).append(ticket)
            ends = time.monotonic() + max(0.0, limit)
            try:
                while not self._may_start(tenant, ticket):
                    left = ends - time.monotonic()
                    if left <= 0:
                        raise self._shed(limit)
                    self._turns.wait(left)
            finally:
                self._leave_queue(tenant, ticket)
            self.busy += 1
            self._busy_by[tenant] += 1
            if len(self._served_at) >= MAX_TRACKED_TENANTS:
                self._served_at.clear()
            self._served_at[tenant] = next(self._tickets)
        start = time.monotonic()
        try:
            yield
        finally:
            held = time.monotonic() - start
            with self._turns:
                self.busy -= 1
                self._busy_by[tenant] -= 1
                if self._busy_by[tenant] <= 0:
                    del self._busy_by[tenant]
                # An exponential mean follows the load without keeping history.
                self.mean_hold_s = held if self.mean_hold_s == 0 else 0.8 * self.mean_hold_s + 0.2 * held
                self._turns.notify_all()

    def _leave_queue(self, tenant: str, ticket: int) -> None:
        queue = self._queues[tenant]
        queue.remove(ticket)
        if not queue:
            del self._queues[tenant]
        self._turns.notify_all()  # the next tenant in turn may be another one now

    def _shed(self, wait_s: float) -> OverloadedError:
        return OverloadedError(
            f"all {self.slots} model slots of this worker are busy and the expected wait ({wait_s:.1f} s) "
            f"is over the limit (http.max_queue_wait_s = {self.max_wait_s:g} s or the request deadline); retry later",
            retry_after=max(1, math.ceil(wait_s)))


@dataclass
class RequestBudget:
    """What one request may use: a deadline, one of the worker's model slots, sentences per engine batch.

    The slot is taken at the first model stage and kept until the budget is closed, so a request
    waits for admission once, not once per stage.
    """

    deadline: Deadline | None = None
    slots: ModelSlots | None = None
    batch_size: int = 32
    tenant: str = ""  # whose turn it is when slots are scarce (ModelSlots shares them fairly)
    _release: Callable[[], object] | None = field(default=None, repr=False)

    def take_slot(self) -> None:
        if self.slots is None or self._release is not None:
            return
        holding = self.slots.hold(self.deadline, self.tenant)
        holding.__enter__()
        self._release = lambda: holding.__exit__(None, None, None)

    def release_slot(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


_budget: ContextVar[RequestBudget | None] = ContextVar("request_budget", default=None)


def open_budget(budget: RequestBudget) -> Token[RequestBudget | None]:
    """Make ``budget`` the current one; pass the token to :func:`close_budget`."""
    return _budget.set(budget)


def close_budget(token: Token[RequestBudget | None]) -> None:
    """Give back the request's model slot (if it took one) and restore the previous budget."""
    budget = _budget.get()
    if budget is not None:
        budget.release_slot()
    _budget.reset(token)


def detach_budget(token: Token[RequestBudget | None]) -> RequestBudget | None:
    """Restore the previous budget like :func:`close_budget` but keep this one's model slot: the caller
    owns it now (a streamed answer opens it again around the stream and closes it at the end)."""
    budget = _budget.get()
    _budget.reset(token)
    return budget


def check_deadline(before: str) -> None:
    """503 (DeadlineExceededError) when the current request is past its deadline."""
    budget = _budget.get()
    if budget is not None and budget.deadline is not None:
        budget.deadline.check(before)


def admit() -> None:
    """Take the current request's model slot now (503 overloaded when it would wait too long), so that
    it is admitted before it is charged; nothing without a budget, or when it already holds one."""
    budget = _budget.get()
    if budget is not None:
        budget.take_slot()


@contextmanager
def model_slot(stage: str) -> Iterator[None]:
    """Before a model stage: take one of the worker's model slots for the rest of the request (or 503)."""
    budget = _budget.get()
    if stage in MODEL_STAGES and budget is not None:
        budget.take_slot()
    yield


class DeadlineTranslator:
    """Feeds the engine in batches and checks the deadline before each, so late work is never started."""

    def __init__(self, inner: Translator, deadline: Deadline, batch_size: int) -> None:
        self.inner, self.deadline, self.batch_size = inner, deadline, max(1, batch_size)

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        return [scored.text for scored in self.translate_scored(texts, source_lang, target_lang)]

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        out: list[Scored] = []
        for start in range(0, len(texts), self.batch_size):
            self.deadline.check(f"an engine batch ({source_lang}-{target_lang})")
            out += translate_scored(self.inner, texts[start:start + self.batch_size], source_lang, target_lang)
        return out


def bounded_translator(inner: Translator) -> Translator:
    """``inner`` under the current request's deadline (itself when there is none)."""
    budget = _budget.get()
    if budget is None or budget.deadline is None:
        return inner
    return DeadlineTranslator(inner, budget.deadline, budget.batch_size)
