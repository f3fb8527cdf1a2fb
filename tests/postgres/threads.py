"""Run functions at the same moment from separate threads, each with its own database connection."""

import threading

from django.db import connection


def run_at_once(functions, ignore=()):
    """Call every function at once (released by a barrier); their results, in order.

    Exceptions of the types in `ignore` count as an expected refusal (result None);
    any other exception fails the calling test.
    """
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except ignore:
            pass
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results
