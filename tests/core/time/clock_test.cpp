// SPDX-License-Identifier: MIT
#include "core/time/clock.hpp"

#include <atomic>
#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using hooks::time::PinnedClock;

TEST_CASE("A pinned clock's wall time stands still while its waits are real", "[time]") {
    PinnedClock clock(std::chrono::system_clock::time_point(1'700'000'000s));
    CHECK(hooks::time::unix_millis(clock) == 1'700'000'000'000ms);
    auto before = clock.monotonic();
    CHECK(clock.sleep(20ms, {}));
    CHECK(clock.monotonic() - before >= 20ms);
    CHECK(hooks::time::unix_millis(clock) == 1'700'000'000'000ms);
}

TEST_CASE("A wait ends early when it is told to stop", "[time]") {
    const auto& clock = hooks::time::system_clock();
    std::atomic<int> polls{0};
    auto before = clock.monotonic();
    bool whole = clock.sleep(10s, [&polls] { return ++polls > 2; });
    CHECK_FALSE(whole);
    CHECK(clock.monotonic() - before < 5s);
    CHECK(polls.load() == 3);
}
