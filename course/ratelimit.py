"""Attempt counters on the shared Django cache, so a limit holds across every web node.

Counts live in fixed windows (`window` seconds, aligned on the clock): the first attempt in a
window creates the key with `cache.add` and later ones `cache.incr` it, both atomic on Redis
and locmem, so concurrent requests are all counted. An attempt is counted *before* the guarded
check runs and refused once the count passes the limit, so a burst of parallel requests cannot
slip past the limit; callers give back attempts that turn out not to count.

Enrollment codes: wrong codes are limited per user and course, per user and per client IP
(`REMOTE_ADDR`; behind a proxy, the proxy or server must set it to the client's address, since
`X-Forwarded-For` can be forged). Settings, with their defaults in `course/conf.py`:
PINEWOOD_ENROLLMENT_CODE_ATTEMPTS (per user and course), PINEWOOD_ENROLLMENT_CODE_USER_ATTEMPTS,
PINEWOOD_ENROLLMENT_CODE_IP_ATTEMPTS and PINEWOOD_ENROLLMENT_CODE_WINDOW (seconds).
"""

import contextlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from course import conf
from course.cache_limits import CacheUnavailable, strict_cache

# Seconds a client is asked to wait when guesses cannot be counted (the cache is unreachable).
UNAVAILABLE_RETRY = 60

clock = time.time  # replaced in tests to move between windows without sleeping


@dataclass(frozen=True)
class Hit:
    key: str
    count: int
    limit: int
    retry_after: int  # seconds until this window ends

    @property
    def over(self):
        return self.count > self.limit


class AttemptCounter:
    """At most `limit` counted attempts per identity in each window of `window` seconds.

    `fail_closed`: when the cache cannot be reached, `hit` raises CacheUnavailable instead of
    counting nothing (and so letting every attempt through)."""

    def __init__(self, scope, limit, window, fail_closed=False):
        self.scope = scope
        self.limit = limit
        self.window = window
        self.fail_closed = fail_closed

    def hit(self, identity):
        now = clock()
        window_number, into_window = divmod(now, self.window)
        key = f"pinewood:attempts:{self.scope}:{identity}:{int(window_number)}"
        left = max(1, math.ceil(self.window - into_window))
        counts = strict_cache() if self.fail_closed else cache
        if counts.add(key, 1, timeout=left + 1):
            count = 1
        else:
            try:
                count = counts.incr(key)
            except ValueError:  # the key expired between add and incr: a new window began
                counts.add(key, 1, timeout=left + 1)
                count = 1
        return Hit(key, count, self.limit, left)


def give_back(hit):
    """Uncount an attempt that turned out not to count (refused, or not a guess)."""
    with contextlib.suppress(ValueError):  # the window is over and the key gone: nothing to undo
        cache.decr(hit.key)


def forget(hit):
    """Clear the counter this attempt belongs to (e.g. a user's, once they got it right)."""
    cache.delete(hit.key)


def client_ip(request):
    """The address limits are keyed on: REMOTE_ADDR, with IPv6 grouped by /64 (one host's share)."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def code_limits():
    """The window (seconds) and the limit for each scope (course/conf.py)."""
    return conf.enrollment_code_window(), conf.enrollment_code_limits()


class CodeAttempt:
    """One enrollment-code guess, counted against the user, the user on this course, and the IP.

    `refused` means a limit is reached: do not check the code (even a right one). Afterwards
    call `wrong()`, `right()` or `not_a_guess()`. Guesses cannot be counted while the cache is
    unreachable, so then no code is checked at all (`unavailable`, answered with 503).
    """

    def __init__(self, request, course):
        window, limits = code_limits()
        user = request.user.pk
        identities = {"code-course": f"{user}:{course.pk}", "code-user": user, "code-ip": client_ip(request)}
        self.unavailable = False
        try:
            self.hits = {
                scope: AttemptCounter(scope, limit, window, fail_closed=True).hit(identities[scope])
                for scope, limit in limits.items()
            }
        except CacheUnavailable:
            self.hits, self.unavailable, self.refused, self.retry_after = {}, True, True, UNAVAILABLE_RETRY
            return
        over = [hit for hit in self.hits.values() if hit.over]
        self.refused = bool(over)
        self.retry_after = max((hit.retry_after for hit in over), default=0)
        if self.refused:
            self.not_a_guess()

    @property
    def retry_minutes(self):
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def status_code(self):
        return 503 if self.unavailable else 429

    def message(self):
        if self.unavailable:
            return gettext("Enrollment codes cannot be checked right now. Please try again in a minute.")
        minutes = self.retry_minutes
        return ngettext(
            "Too many wrong codes. Try again in %(minutes)s minute.",
            "Too many wrong codes. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}

    def wrong(self):
        """The guess was wrong: it stays counted everywhere."""

    def right(self):
        """The code was right: the user's counters start afresh; the IP keeps its wrong guesses."""
        forget(self.hits["code-course"])
        forget(self.hits["code-user"])
        give_back(self.hits["code-ip"])

    def not_a_guess(self):
        for hit in self.hits.values():
            give_back(hit)
