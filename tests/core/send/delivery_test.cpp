// SPDX-License-Identifier: MIT
#include "core/send/delivery.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/provider_fixtures.hpp"
#include "support/send_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeTransport;
using testing::stripe_plan;

namespace {

std::string header(const message::Message& request, const std::string& name) {
    return std::string(request.first_header(name).value_or(""));
}

/// Everything the engine told, in order.
class Recorder final : public send::DeliveryObserver {
  public:
    void on_start(const send::PreparedDelivery& delivery) override {
        events.push_back("start " + delivery.id);
    }
    void on_attempt(const send::Attempt& attempt) override {
        events.push_back("attempt " + std::to_string(attempt.number));
    }
    void on_wait(std::chrono::milliseconds wait, int next_attempt) override {
        events.push_back("wait " + std::to_string(wait.count()) + " ms for " +
                         std::to_string(next_attempt));
    }
    std::vector<std::string> events;
};

/// A FakeClock on which a stop request (SIGINT) arrives in the middle of the first wait.
class InterruptedClock final : public time::Clock {
  public:
    explicit InterruptedClock(bool& is_stop_requested) : m_is_stop_requested(is_stop_requested) {}
    std::chrono::system_clock::time_point now() const override { return m_clock.now(); }
    std::chrono::steady_clock::time_point monotonic() const override { return m_clock.monotonic(); }
    bool sleep(std::chrono::milliseconds duration,
               const std::function<bool()>& should_stop) const override {
        m_clock.advance(duration / 2);
        m_is_stop_requested = true;
        return m_clock.sleep(duration - duration / 2, should_stop);
    }

  private:
    mutable FakeClock m_clock;
    bool& m_is_stop_requested;
};

Result<send::DeliveryResult> run(const send::Plan& plan, const time::Clock& clock,
                                 const FakeTransport& transport, send::DeliveryObserver& observer,
                                 std::function<bool()> should_stop = {}) {
    auto delivery = send::prepare(plan, "evt_1", clock);
    REQUIRE(delivery);
    send::Environment environment{clock, transport, std::move(should_stop)};
    return send::deliver(plan, *delivery, environment, observer);
}

} // namespace

TEST_CASE("a delivery waits the schedule's delays between attempts and ends at the first 2xx",
          "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.push(testing::respond(503));
    transport.push(testing::respond(500));
    transport.push(testing::respond(200));
    Recorder recorder;
    auto result = run(stripe_plan({1s, 5s, 30s}), clock, transport, recorder);
    REQUIRE(result);
    CHECK(result->is_success);
    CHECK_FALSE(result->is_interrupted);
    REQUIRE(result->attempts.size() == 3);
    CHECK(result->attempts[2].response->status == 200);
    CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1s, 5s});
    CHECK(transport.sent().size() == 3);
    CHECK(recorder.events == std::vector<std::string>{"start evt_1", "attempt 1",
                                                      "wait 1000 ms for 2", "attempt 2",
                                                      "wait 5000 ms for 3", "attempt 3"});
}

TEST_CASE("a delivery's waits are the schedule's times the time scale", "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.set_default(testing::respond(503));
    send::Plan plan = stripe_plan({1s, 5s});
    plan.time_scale = 0.001;
    Recorder recorder;
    auto result = run(plan, clock, transport, recorder);
    REQUIRE(result);
    CHECK_FALSE(result->is_success);
    CHECK(result->attempts.size() == 3);
    CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1ms, 5ms});
}

TEST_CASE("410 Gone ends a delivery that has retries left", "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.push(testing::respond(410));
    Recorder recorder;
    auto result = run(stripe_plan({1s, 5s, 30s}), clock, transport, recorder);
    REQUIRE(result);
    CHECK_FALSE(result->is_success);
    CHECK(result->attempts.size() == 1);
    CHECK(result->attempts[0].decision.verdict == retry::Verdict::stop);
    CHECK(result->failure == "410");
    CHECK(clock.sleeps().empty());
    CHECK(transport.sent().size() == 1);
}

TEST_CASE("every attempt of a delivery carries the same body and id, signed at its own time",
          "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.push(testing::respond(503));
    transport.push(testing::respond(503));
    transport.push(testing::respond(204));
    send::Plan plan = stripe_plan({1s, 5s});
    auto delivery = send::prepare(plan, "evt_same", clock);
    REQUIRE(delivery);
    Recorder recorder;
    auto result = send::deliver(plan, *delivery, {clock, transport, {}}, recorder);
    REQUIRE(result);
    CHECK(result->is_success);
    auto sent = transport.sent();
    REQUIRE(sent.size() == 3);
    CHECK(sent[0].body.find("\"id\":\"evt_same\"") != std::string::npos);
    CHECK(sent[0].body == delivery->request.body);
    CHECK(sent[1].body == sent[0].body);
    CHECK(sent[2].body == sent[0].body);
    // Stripe signs "t=<seconds>": the clock moved 1 s, then 5 s more, between the attempts.
    CHECK(header(sent[0], "Stripe-Signature").starts_with("t=1700000000,"));
    CHECK(header(sent[1], "Stripe-Signature").starts_with("t=1700000001,"));
    CHECK(header(sent[2], "Stripe-Signature").starts_with("t=1700000006,"));
}

TEST_CASE("a stop request during a wait ends the delivery interrupted, with no further attempt",
          "[send]") {
    bool is_stop_requested = false;
    InterruptedClock clock(is_stop_requested);
    FakeTransport transport;
    transport.set_default(testing::respond(503));
    Recorder recorder;
    auto result =
        run(stripe_plan({1s, 5s}), clock, transport, recorder, [&] { return is_stop_requested; });
    REQUIRE(result);
    CHECK(result->is_interrupted);
    CHECK_FALSE(result->is_success);
    CHECK(result->attempts.size() == 1);
    CHECK(transport.sent().size() == 1);
    CHECK(result->failure == "503");
}

TEST_CASE("a stop request during an attempt reports the attempt as it ended and sends no more",
          "[send]") {
    FakeClock clock;
    FakeTransport transport;
    bool is_stop_requested = false;
    transport.on_answer([&](std::size_t) { is_stop_requested = true; });
    Recorder recorder;
    SECTION("a failed attempt ends the delivery interrupted") {
        transport.push(testing::respond(503));
        auto result = run(stripe_plan({1s, 5s}), clock, transport, recorder,
                          [&] { return is_stop_requested; });
        REQUIRE(result);
        CHECK(result->is_interrupted);
        REQUIRE(result->attempts.size() == 1);
        CHECK(result->attempts[0].decision.reason == "interrupted");
        CHECK(result->attempts[0].decision.wait == 0ms);
        CHECK(clock.sleeps().empty());
    }
    SECTION("a 2xx still counts as delivered") {
        transport.push(testing::respond(200));
        auto result = run(stripe_plan({1s, 5s}), clock, transport, recorder,
                          [&] { return is_stop_requested; });
        REQUIRE(result);
        CHECK(result->is_success);
        CHECK_FALSE(result->is_interrupted);
    }
    // The connection polls the same stop request while a request is on the wire.
    REQUIRE(transport.connects().size() == 1);
    CHECK(transport.connects()[0].should_stop);
}

TEST_CASE("a destination that refuses every attempt fails after the whole schedule", "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.set_default(
        testing::fail_with(http::Failure::connect, "cannot connect to http://127.0.0.1:9"));
    Recorder recorder;
    auto result = run(stripe_plan({1s, 5s, 30s}), clock, transport, recorder);
    REQUIRE(result);
    CHECK_FALSE(result->is_success);
    CHECK_FALSE(result->is_interrupted);
    REQUIRE(result->attempts.size() == 4);
    CHECK(result->failure == "cannot connect to http://127.0.0.1:9");
    CHECK(result->attempts.back().decision.verdict == retry::Verdict::stop);
    CHECK(result->waits_left.empty());
    CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1s, 5s, 30s});
    CHECK(transport.sent().size() == 4);
}

TEST_CASE("--max-wait ends a delivery before the wait that passes it and reports the waits left",
          "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.set_default(testing::respond(503));
    send::Plan plan = stripe_plan({1s, 5s, 30s, 300s});
    plan.max_wait = 10s;
    Recorder recorder;
    auto result = run(plan, clock, transport, recorder);
    REQUIRE(result);
    CHECK_FALSE(result->is_success);
    CHECK_FALSE(result->is_interrupted);
    CHECK(result->attempts.size() == 3);
    CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1s, 5s});
    CHECK(result->waits_left == std::vector<std::chrono::milliseconds>{30s, 300s});
}

TEST_CASE("a connection that cannot be set up fails the delivery before any attempt", "[send]") {
    FakeClock clock;
    FakeTransport transport;
    transport.fail_connect(Error{ErrorKind::input, "--cacert x.pem: cannot read"});
    Recorder recorder;
    auto result = run(stripe_plan({1s}), clock, transport, recorder);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "--cacert x.pem: cannot read");
    CHECK(recorder.events.empty());
    CHECK(transport.sent().empty());
}

TEST_CASE("a delivery connects with the plan's timeouts and TLS settings", "[send]") {
    FakeClock clock;
    FakeTransport transport;
    send::Plan plan = stripe_plan({});
    plan.schedule.timeout = 2s;
    plan.client = send::client_options(true, "ca.pem", plan.schedule);
    Recorder recorder;
    REQUIRE(run(plan, clock, transport, recorder));
    REQUIRE(transport.connects().size() == 1);
    http::ClientOptions options = transport.connects()[0];
    CHECK(options.timeout == 2s);
    CHECK(options.connect_timeout == 2s);
    CHECK(options.insecure);
    CHECK(options.ca_file == "ca.pem");
}
