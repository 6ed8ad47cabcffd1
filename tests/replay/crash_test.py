#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Crash-resume of `hooks replay` (PRODUCT.md section 5): a log of 2,000 deliveries, a receiver
that fails 20% of first attempts, the replay killed with SIGKILL five times at random points and
restarted each time. Every delivery is acknowledged at least once, duplicates stay within
concurrency x kills, bodies are byte-identical, and a further run sends nothing.

Usage: crash_test.py HOOKS_BINARY [unittest args]. HOOKS_SOAK_SCALE multiplies the log size."""
import hashlib
import os
import random
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_support as support  # noqa: E402
from replay_support import CountingReceiver, listen_support  # noqa: E402

SCALE = float(os.environ.get("HOOKS_SOAK_SCALE", "1"))
COUNT = int(2000 * SCALE)
CONCURRENCY = 8
KILLS = 5


def fails_first_attempt(delivery_id):
    """A fixed 20% of deliveries: those whose id hashes to 0 mod 5."""
    return int(hashlib.sha256(delivery_id.encode()).hexdigest(), 16) % 5 == 0


class CrashResume(unittest.TestCase):
    def test_sigkill_five_times_then_resume(self):
        seed = int(os.environ.get("HOOKS_TEST_SEED", str(int(time.time()))))
        rng = random.Random(seed)
        receiver = CountingReceiver(
            lambda delivery_id, attempt: 500 if attempt == 1 and fails_first_attempt(delivery_id)
            else 204)
        self.addCleanup(receiver.close)
        with tempfile.TemporaryDirectory() as directory:
            log = os.path.join(directory, "deliveries.jsonl")
            journal = os.path.join(directory, "replay.journal")
            digests = support.write_log(log, COUNT)
            args = [log, "--to", receiver.url + "/hooks", "--journal", journal,
                    "--concurrency", str(CONCURRENCY), "--retry-schedule", "10ms,20ms,40ms",
                    "--quiet"]
            kills = 0
            for kill in range(KILLS):
                # Kill at a random point of the remaining work: after a random share of the
                # deliveries not yet acknowledged have been acknowledged.
                before = receiver.acknowledged()
                target = before + rng.randint(1, max(1, (COUNT - before) // (KILLS - kill + 1)))
                proc = support.start_replay(*args)
                deadline = time.monotonic() + 60
                while receiver.acknowledged() < target and proc.poll() is None and \
                        time.monotonic() < deadline:
                    time.sleep(0.001)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    kills += 1
                proc.communicate(timeout=30)
            self.assertGreater(kills, 0, f"seed {seed}: the replay always ended before a kill")
            final = support.replay(*args, timeout=300)
            self.assertEqual(final.returncode, 0, f"seed {seed}: {final.out}{final.err}")

            missing = [i for i in digests if receiver.acks.get(i, 0) == 0]
            self.assertEqual(missing, [], f"seed {seed}: never acknowledged")
            duplicates = sum(count - 1 for count in receiver.acks.values())
            self.assertLessEqual(duplicates, CONCURRENCY * kills,
                                 f"seed {seed}: {duplicates} duplicates after {kills} kills")
            changed = {i: sorted(s) for i, s in receiver.bodies.items() if s != {digests[i]}}
            self.assertEqual(changed, {}, f"seed {seed}: bodies differ from the log")
            self.assertEqual(set(receiver.attempts), set(digests), "a delivery nobody logged")

            seen = len(receiver.requests)
            again = support.replay(*args, "--json")
            self.assertEqual(again.returncode, 0, again.out + again.err)
            self.assertEqual(len(receiver.requests), seen, "a further run sent something")
            summary = support.json_lines(again.out)[-1]
            self.assertEqual((summary["type"], summary["delivered"], summary["failed"],
                              summary["acknowledged_before"]), ("summary", 0, 0, COUNT))
            print(f"seed {seed}: {kills} kills, {duplicates} duplicates, "
                  f"{len(receiver.requests)} requests for {COUNT} deliveries", file=sys.stderr)


if __name__ == "__main__":
    listen_support.HOOKS = sys.argv.pop(1)
    unittest.main(verbosity=2)
