"""Simulated pupils on class tablets, for the load harness and the concurrency tests.

A pupil signs in the way a real one does (class code -> class list -> their
name -> picture PIN), opens a quiz page for the answer token, then answers
questions of their age band as JSON, the way static/js/player.js does:
sometimes wrong first, then right, and sometimes the same answer twice (a
double tap, or the offline queue sending again), which must be stored once.

Right and wrong answers come from solver.py, which builds them from
the content files for any question.
"""
from __future__ import annotations

import random
import re
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .solver import right_fields, wrong_fields
from .webclient import TRANSPORT_ERRORS, Browser, Response

ROOT = Path(__file__).resolve().parent.parent
ANSWER_PATH = "/pupil/api/answer"
TOKEN = re.compile(r'name="answer_token" value="([^"]+)"')
QUESTION = re.compile(r'data-question="([^"]+)"')
REDIRECT = {301, 302, 303}


# ------------------------------------------------------------------ content


@dataclass(frozen=True)
class Question:
    module_id: str
    question_id: str
    right: dict
    wrong: dict


class AnswerBook:
    """Every quiz question of every module, with a right and a wrong answer, by age band."""

    def __init__(self) -> None:
        from quizapp.content import load_from_config
        from quizapp.models import band_for_year_group

        self.band_for_year_group = band_for_year_group
        self._modules: dict[str, list[tuple[str, list[Question]]]] = defaultdict(list)
        for module in load_from_config({}).modules.values():
            questions = [Question(module.id, q.id, right_fields(q), wrong_fields(q)) for q in module.bank.questions]
            self._modules[module.band].append((module.id, questions))

    def modules(self, year_group: int) -> list[tuple[str, list[Question]]]:
        return self._modules[self.band_for_year_group(year_group)]


# -------------------------------------------------------------------- stats


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


@dataclass
class Stats:
    """What the clients saw; safe to share between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list), repr=False)
    ended: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list), repr=False)  # time.monotonic()
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    acknowledged: dict[tuple[int, str], int] = field(default_factory=dict, repr=False)  # (pupil id, client id) -> acks
    answers_ok: int = 0
    doubles: int = 0
    double_problems: list[str] = field(default_factory=list)
    signed_in: int = 0

    def record(self, kind: str, response: Response, expect: set[int]) -> bool:
        good = response.status in expect
        with self.lock:
            self.latencies[kind].append(response.seconds)
            self.ended[kind].append(time.monotonic())
            self.statuses[response.status] += 1
            if not good:
                self.errors.append(f"{kind}: {response.method} {response.path} -> {response.status} {response.text[:160]!r}")
        return good

    def failed(self, kind: str, what: str, exc: BaseException) -> None:
        with self.lock:
            self.statuses[type(exc).__name__] += 1
            self.errors.append(f"{kind}: {what} -> {type(exc).__name__}: {exc}")

    def acknowledge(self, pupil_id: int, question_id: str, client_id: str) -> None:
        with self.lock:
            key = (pupil_id, client_id)
            self.acknowledged[key] = self.acknowledged.get(key, 0) + 1
            self.answers_ok += 1

    def five_hundreds(self) -> int:
        return sum(n for status, n in self.statuses.items() if isinstance(status, int) and status >= 500)

    def summary(self, kind: str) -> str:
        values = self.latencies.get(kind, [])
        return (f"{kind}: n={len(values)} p50={percentile(values, 0.5) * 1000:.1f}ms "
                f"p95={percentile(values, 0.95) * 1000:.1f}ms"
                + (f" mean={statistics.fmean(values) * 1000:.1f}ms" if values else ""))


# ------------------------------------------------------------------ pupils


@dataclass
class PupilSpec:
    pupil_id: int
    pin: str
    school_id: int
    class_id: int
    year_group: int
    code: str

    @property
    def address(self) -> str:
        """Each school's own address, as the proxy would pass it in X-Forwarded-For."""
        return f"10.{self.school_id // 250 % 250}.{self.school_id % 250}.1"


def specs_from_seed(classes: list[dict]) -> list[PupilSpec]:
    return [PupilSpec(p["id"], p["pin"], c["school_id"], c["class_id"], c["year_group"], c["code"])
            for c in classes for p in c["pupils"]]


class WatchingTeacher:
    """A class teacher who signs in and keeps reloading the class's progress
    and question pages while the class answers. With COUNT_IN_BACKGROUND the
    views only read (a background counter counts new answers); without it
    every view counts the school's new answers first (services/counting.catch_up).

    By default the teacher signs in at once and reloads every `pause`
    seconds (the concurrency tests: everyone at once). The load harness gives
    each teacher a moment to arrive (`start_at`, time.monotonic()) and a think
    time between reloads, as it does for pupils: teachers of different schools
    do not sign in within the same few milliseconds nor reload in step."""

    def __init__(self, school_class: dict, port: int, stats: Stats, password: str, timeout: float = 30):
        self.school_class = school_class
        self.stats = stats
        self.password = password
        address = PupilSpec(0, "", school_class["school_id"], school_class["class_id"], 0, "").address
        self.browser = Browser("127.0.0.1", port, timeout, {"X-Forwarded-For": address})
        self.views = 0

    def watch(self, stop: threading.Event, pause: float = 0.05, start_at: float | None = None,
              think: tuple[float, float] | None = None, rng: random.Random | None = None) -> None:
        b = self.browser
        rng = rng or random.Random(self.school_class["class_id"])
        try:
            if start_at is not None and stop.wait(max(0.0, start_at - time.monotonic())):
                return
            token = b.csrf_from("/signin")
            signed_in = b.post_form("/signin", {"csrf_token": token, "email": self.school_class["teacher"],
                                                "password": self.password})
            if not self.stats.record("signin", signed_in, REDIRECT):
                return
            pages = [f"/teacher/classes/{self.school_class['class_id']}/progress",
                     f"/teacher/classes/{self.school_class['class_id']}/questions"]
            while not stop.is_set():
                self.stats.record("dashboard", b.get(pages[self.views % 2]), {200})
                self.views += 1
                stop.wait(rng.uniform(*think) if think else pause)
        except (*TRANSPORT_ERRORS, RuntimeError) as exc:
            self.stats.failed("dashboard", "teacher", exc)
        finally:
            b.close()


class SimPupil:
    """One pupil on their own tablet (one Browser)."""

    def __init__(self, spec: PupilSpec, port: int, book: AnswerBook, stats: Stats, rng: random.Random, timeout: float = 30):
        self.spec = spec
        self.book = book
        self.stats = stats
        self.rng = rng
        self.browser = Browser("127.0.0.1", port, timeout, {"X-Forwarded-For": spec.address})
        self.token: str | None = None
        self.signed_in = False

    # -------------------------------------------------------------- sign-in

    def _step(self, kind: str, what: str, call, expect: set[int]) -> Response | None:
        try:
            response = call()
        except TRANSPORT_ERRORS as exc:
            self.stats.failed(kind, what, exc)
            return None
        return response if self.stats.record(kind, response, expect) else None

    def sign_in(self) -> bool:
        """Class code on the tablet, the pupil's name, then their picture PIN."""
        b, s = self.browser, self.spec
        try:
            token = b.csrf_from("/tablet")
        except (*TRANSPORT_ERRORS, RuntimeError) as exc:
            self.stats.failed("signin", "GET /tablet", exc)
            return False
        joined = self._step("signin", "POST /tablet", lambda: b.post_form("/tablet", {"csrf_token": token, "code": s.code}),
                            REDIRECT)
        if joined is None or not joined.location.endswith("/tablet/class"):
            return False
        if self._step("page", "GET /tablet/class", lambda: b.get("/tablet/class"), {200}) is None:
            return False
        pin_page = self._step("page", "GET /tablet/pupil/<id>", lambda: b.get(f"/tablet/pupil/{s.pupil_id}"), {200})
        if pin_page is None:
            return False
        try:
            token = _csrf(pin_page)
        except RuntimeError as exc:
            self.stats.failed("signin", f"GET /tablet/pupil/{s.pupil_id}", exc)
            return False
        done = self._step("signin", "POST /tablet/pupil/<id>",
                          lambda: b.post_form(f"/tablet/pupil/{s.pupil_id}", {"csrf_token": token, "pin": s.pin}), REDIRECT)
        if done is None or not done.location.endswith("/pupil/"):
            if done is not None:
                with self.stats.lock:
                    self.stats.errors.append(f"signin: pupil {s.pupil_id} sent to {done.location}")
            return False
        if self._step("page", "GET /pupil/", lambda: b.get("/pupil/"), {200}) is None:
            return False
        self.signed_in = True
        with self.stats.lock:
            self.stats.signed_in += 1
        return True

    def get_ready(self) -> bool:
        """Signed in with an answer token, whatever happened so far (for load after a lesson)."""
        if not self.signed_in and not self.sign_in():
            return False
        return bool(self.token) or self.open_quiz(self.book.modules(self.spec.year_group)[0][0])

    def open_quiz(self, module_id: str, number: int = 1) -> bool:
        path = f"/pupil/modules/{module_id}/quiz/{number}"
        page = self._step("page", f"GET {path}", lambda: self.browser.get(path), {200})
        if page is None:
            return False
        match = TOKEN.search(page.text)
        if match is None:
            with self.stats.lock:
                self.stats.errors.append(f"page: no answer token on the quiz page of {module_id}")
            return False
        self.token = match.group(1)
        return True

    # -------------------------------------------------------------- answers

    def payload(self, question: Question, right: bool, client_id: str | None = None) -> dict:
        return {"module": question.module_id, "question": question.question_id, "source": "quiz",
                "client_id": client_id or uuid.uuid4().hex, "token": self.token,
                "fields": question.right if right else question.wrong}

    def send(self, payload: dict, browser: Browser | None = None, kind: str = "answer") -> Response | None:
        """POST one answer; a 503 is retried once with the same client id, as the tablet's queue would."""
        browser = browser or self.browser
        for attempt in range(2):
            try:
                response = browser.post_json(ANSWER_PATH, payload)
            except (*TRANSPORT_ERRORS, RuntimeError) as exc:
                self.stats.failed(kind, f"POST {ANSWER_PATH}", exc)
                return None
            ok = self.stats.record(kind, response, {200})
            if ok and response.json().get("stored") is True:
                self.stats.acknowledge(self.spec.pupil_id, payload["question"], payload["client_id"])
                return response
            if response.status != 503 or attempt:
                return response if ok else None
            time.sleep(min(2.0, float(response.headers.get("retry-after", "1") or 1)))
        return None

    def answer(self, question: Question, right: bool = True) -> Response | None:
        return self.send(self.payload(question, right))

    def double_submit(self, question: Question, right: bool, concurrent: bool, other_port: int | None = None) -> None:
        """The same answer (same client id) twice: at once from two connections (the second maybe
        to another server), or one after the other."""
        payload = self.payload(question, right)
        if concurrent:
            results = self._at_once([payload, payload], other_port)
        else:
            results = [self.send(payload), self.send(payload)]
        self._check_double(payload["client_id"], results)

    def race_first_tries(self, question: Question, other_port: int | None = None) -> None:
        """Two different answers to the same question at the same moment (two client ids)."""
        self._at_once([self.payload(question, False), self.payload(question, True)], other_port)

    def _at_once(self, payloads: list[dict], other_port: int | None = None) -> list[Response | None]:
        twins = [self.browser] + [self.browser.sibling(other_port) for _ in payloads[1:]]
        results: list[Response | None] = [None] * len(payloads)
        barrier = threading.Barrier(len(payloads), timeout=10)

        def go(n: int) -> None:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            results[n] = self.send(payloads[n], twins[n])

        threads = [threading.Thread(target=go, args=(n,), daemon=True) for n in range(1, len(payloads))]
        for thread in threads:
            thread.start()
        go(0)
        for thread in threads:
            thread.join(self.browser.timeout + 5)
        for twin in twins[1:]:
            twin.close()
        return results

    def _check_double(self, client_id: str, results: list[Response | None]) -> None:
        answered = [r.json() for r in results if r is not None and r.status == 200]
        with self.stats.lock:
            self.stats.doubles += 1
            if len(answered) == 2 and sorted(a.get("duplicate") for a in answered) != [False, True]:
                self.stats.double_problems.append(
                    f"pupil {self.spec.pupil_id} client id {client_id}: duplicate flags {[a.get('duplicate') for a in answered]}")

    # ------------------------------------------------------------- a lesson

    def lesson(self, start_at: float, deadline: float, think: tuple[float, float], double_rate: float,
               wrong_rate: float = 0.3, max_answers: int = 100_000) -> None:
        """Sign in at start_at, then answer quiz questions until deadline, thinking between answers."""
        if not self._sleep_until(start_at, deadline) or not self.sign_in():
            return
        # The whole class starts on the topic their teacher set, at their own pace; then others.
        modules = list(self.book.modules(self.spec.year_group))
        set_topic = modules.pop(self.spec.class_id % len(modules))
        self.rng.shuffle(modules)
        modules.insert(0, set_topic)
        sent = 0
        for module_id, questions in modules * 50:
            if time.monotonic() >= deadline or not self.open_quiz(module_id):
                return
            for question in questions:
                for right in ([False, True] if self.rng.random() < wrong_rate else [True]):
                    if not self._sleep_until(time.monotonic() + self.rng.uniform(*think), deadline) or sent >= max_answers:
                        return
                    if self.rng.random() < double_rate:
                        self.double_submit(question, right, concurrent=self.rng.random() < 0.5)
                    else:
                        self.answer(question, right)
                    sent += 1

    @staticmethod
    def _sleep_until(moment: float, deadline: float) -> bool:
        time.sleep(max(0.0, min(moment, deadline) - time.monotonic()))
        return time.monotonic() < deadline

    def close(self) -> None:
        self.browser.close()


def _csrf(page: Response) -> str:
    from .webclient import CSRF

    match = CSRF.search(page.text)
    if match is None:
        raise RuntimeError(f"no CSRF token on {page.path}")
    return match.group(1)


# ------------------------------------------------------- saturating load


@dataclass
class Hammered:
    acknowledged: int  # in the measured window
    seconds: float  # the measured window
    total: int  # acknowledged, warm-up included
    server_cpu: float  # CPU seconds of the server's processes, warm-up included
    client_cpu: float  # CPU seconds of this process (all its threads), warm-up included

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds

    def per_request_ms(self, cpu: float) -> float:
        return cpu / self.total * 1000 if self.total else 0.0

    def __add__(self, other: Hammered) -> Hammered:
        """Two measurements taken one after the other, as one."""
        return Hammered(self.acknowledged + other.acknowledged, self.seconds + other.seconds, self.total + other.total,
                        self.server_cpu + other.server_cpu, self.client_cpu + other.client_cpu)


def hammer(submitters: list, seconds: float, warmup: float = 1.0, server_cpu=lambda: 0.0) -> Hammered:
    """Closed-loop load: each submitter (a callable that sends one request and
    returns True when it was acknowledged) runs in its own thread, back to back,
    for warmup + seconds; only the last `seconds` are counted."""
    cpu_before, client_before = server_cpu(), time.process_time()
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    counts = [0] * len(submitters)
    totals = [0] * len(submitters)

    def loop(n: int) -> None:
        for _ in range(10_000_000):
            now = time.monotonic()
            if now >= stop_at:
                return
            ok = submitters[n]()
            totals[n] += ok
            if ok and measure_from <= time.monotonic() <= stop_at:
                counts[n] += 1

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(len(submitters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(warmup + seconds + 60)
    return Hammered(sum(counts), seconds, sum(totals), server_cpu() - cpu_before, time.process_time() - client_before)
