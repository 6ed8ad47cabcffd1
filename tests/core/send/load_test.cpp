// SPDX-License-Identifier: MIT
#include "core/send/load.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/provider_fixtures.hpp"
#include "support/send_fixtures.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace hooks;
using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeTransport;
using testing::stripe_plan;

namespace {

std::string body_of(const std::string& wire) {
    return wire.substr(wire.find("\r\n\r\n") + 4);
}

std::string signature_of(const std::string& wire) {
    auto start = wire.find("Stripe-Signature: ");
    REQUIRE(start != std::string::npos);
    return wire.substr(start, wire.find("\r\n", start) - start);
}

} // namespace

TEST_CASE("a load run's summary counts the outcomes the transport gave, failures by cause",
          "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    transport.push(testing::respond(200));
    transport.push(testing::respond(503));
    transport.push(testing::respond(204));
    transport.push(testing::fail_with(http::Failure::connect, "cannot connect"));
    transport.push(testing::respond(200));
    transport.push(testing::fail_with(http::Failure::timeout, "no response within 30s"));
    transport.push(testing::respond(503));
    auto summary = send::run_load(stripe_plan({}), {7, 16}, {clock, transport, {}});
    REQUIRE(summary);
    CHECK(summary->count == 7);
    CHECK(summary->concurrency == 16);
    CHECK(summary->delivered == 3);
    CHECK(summary->failed() == 4);
    CHECK(summary->failures ==
          std::map<std::string, std::uint64_t>{{"HTTP 503", 2}, {"connect", 1}, {"timeout", 1}});
    CHECK_FALSE(summary->is_interrupted);
    // The latency of every delivery that got a response (1 ms each from the fake).
    CHECK(summary->latency.percentile_ms(1.0) == Approx(1.0));
    REQUIRE(transport.batches().size() == 1);
    CHECK(transport.batches()[0].concurrency == 7); // no more connections than deliveries
    auto attempts = transport.batch_attempts();
    REQUIRE(attempts.size() == 7);
    std::set<std::string> bodies;
    for (const auto& attempt : attempts) {
        bodies.insert(body_of(attempt.bytes));
    }
    CHECK(bodies.size() == 7); // fresh ids: every delivery is distinct
}

TEST_CASE("a load run retries each delivery on the schedule, re-signed with the same body",
          "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    transport.push(testing::respond(503));
    transport.push(testing::fail_with(http::Failure::read, "connection closed"));
    transport.push(testing::respond(200));
    auto summary = send::run_load(stripe_plan({1s, 5s}), {1, 1}, {clock, transport, {}});
    REQUIRE(summary);
    CHECK(summary->delivered == 1);
    CHECK(summary->failures.empty());
    CHECK(transport.batch_waits() == std::vector<std::chrono::milliseconds>{1s, 5s});
    CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1s, 5s});
    CHECK(summary->seconds == Approx(6.0)); // the clock's monotonic time
    auto attempts = transport.batch_attempts();
    REQUIRE(attempts.size() == 3);
    for (const auto& attempt : attempts) {
        CHECK(attempt.tag == attempts[0].tag);
        CHECK(body_of(attempt.bytes) == body_of(attempts[0].bytes));
    }
    CHECK(signature_of(attempts[0].bytes).starts_with("Stripe-Signature: t=1700000000,"));
    CHECK(signature_of(attempts[1].bytes).starts_with("Stripe-Signature: t=1700000001,"));
    CHECK(signature_of(attempts[2].bytes).starts_with("Stripe-Signature: t=1700000006,"));
}

TEST_CASE("a load run counts a delivery once, by its last attempt", "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    transport.set_default(testing::respond(500));
    auto summary = send::run_load(stripe_plan({1s}), {3, 2}, {clock, transport, {}});
    REQUIRE(summary);
    CHECK(summary->delivered == 0);
    CHECK(summary->failures == std::map<std::string, std::uint64_t>{{"HTTP 500", 3}});
    CHECK(transport.batch_attempts().size() == 6);
    CHECK(summary->deliveries_per_second() == 0);
}

TEST_CASE("a stop request starts no new delivery and reports the load run interrupted", "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    bool is_stop_requested = false;
    transport.on_answer([&](std::size_t answered) { is_stop_requested = answered == 3; });
    auto summary = send::run_load(stripe_plan({1s}), {10, 1},
                                  {clock, transport, [&] { return is_stop_requested; }});
    REQUIRE(summary);
    CHECK(summary->is_interrupted);
    CHECK(summary->delivered == 3);
    CHECK(summary->failed() == 0);
    CHECK(transport.batch_attempts().size() == 3);
}

TEST_CASE("a stop request during a retry's wait drops the retry", "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    bool is_stop_requested = false;
    transport.set_default(testing::respond(503));
    transport.on_answer([&](std::size_t) { is_stop_requested = true; });
    auto summary = send::run_load(stripe_plan({1s}), {2, 1},
                                  {clock, transport, [&] { return is_stop_requested; }});
    REQUIRE(summary);
    CHECK(summary->is_interrupted);
    CHECK(summary->delivered == 0);
    CHECK(summary->failed() == 0); // neither delivered nor failed: it was under way
    CHECK(transport.batch_attempts().size() == 1);
}

TEST_CASE("a load run whose event cannot be built fails before sending", "[send]") {
    FakeClock clock;
    FakeTransport transport(&clock);
    send::Plan plan = stripe_plan({});
    plan.build.data = "{not json";
    auto summary = send::run_load(plan, {3, 1}, {clock, transport, {}});
    CHECK_FALSE(summary);
    CHECK(transport.batch_attempts().empty());
}
