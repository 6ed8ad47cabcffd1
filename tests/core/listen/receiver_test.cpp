// SPDX-License-Identifier: MIT
// The listen engine's receiver through its own interface: a fake clock for time, a fake
// transport for the app it forwards to, no server and no terminal.
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/listen/receiver.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace std::chrono_literals;

namespace {

http::AttemptResult app_answer(int status, std::string body) {
    return testing::respond(status, {{"Content-Type", "application/json"}}, std::move(body));
}

http::IncomingRequest incoming(std::string body, std::vector<message::Header> headers) {
    http::IncomingRequest request;
    request.message.method = "POST";
    request.message.target = "/hooks";
    request.message.headers = std::move(headers);
    request.message.headers.insert(request.message.headers.begin(), {"Host", "127.0.0.1:8080"});
    request.message.body = std::move(body);
    request.remote = "127.0.0.1:40000";
    return request;
}

const std::string k_stripe_body = R"({"id":"evt_1","object":"event","type":"invoice.paid"})";

/// A Stripe-signed request for `k_stripe_body` at `signed_at`.
http::IncomingRequest stripe_request(const providers::Scheme& scheme,
                                     std::chrono::system_clock::time_point signed_at) {
    std::vector<providers::Secret> secrets = {{"whsec_listen", "--secret"}};
    providers::SignInput input;
    input.body = k_stripe_body;
    input.secrets = secrets;
    input.timestamp =
        std::chrono::duration_cast<providers::UnixMillis>(signed_at.time_since_epoch());
    auto signature = scheme.sign(input);
    REQUIRE(signature.has_value());
    return incoming(k_stripe_body, signature->headers);
}

struct Fixture {
    providers::Registry registry = providers::Registry::builtin();
    testing::FakeClock clock;
    listen::ReceiverConfig config;

    Fixture() {
        config.registry = &registry;
        config.clock = &clock;
        auto scheme = registry.find("stripe");
        REQUIRE(scheme.has_value());
        config.scheme = *scheme;
        config.secrets = {{"whsec_listen", "--secret"}};
    }
};

http::Url url_of(const char* text) {
    auto url = http::parse_url(text);
    REQUIRE(url.has_value());
    return *url;
}

} // namespace

TEST_CASE("a delivery is verified and stamped with the engine's clock, not the system's",
          "[listen]") {
    Fixture fixture;
    listen::Receiver receiver(fixture.config);
    auto request = stripe_request(*fixture.config.scheme, fixture.clock.now());
    auto [response, receipt] = receiver.handle(request);
    CHECK(response.status == 200);
    CHECK(receipt.record.received_at == fixture.clock.now());
    REQUIRE(receipt.record.verify.has_value());
    CHECK(receipt.record.verify->ok);
    CHECK(receipt.event_type == "invoice.paid");
    CHECK(receipt.record.response_status == 200);

    // The same delivery ten minutes later is outside Stripe's five-minute tolerance.
    auto late = stripe_request(*fixture.config.scheme, fixture.clock.now());
    fixture.clock.advance(10min);
    auto [late_response, late_receipt] = receiver.handle(late);
    REQUIRE(late_receipt.record.verify.has_value());
    CHECK_FALSE(late_receipt.record.verify->ok);
    CHECK(late_receipt.record.verify->reason.find("600") != std::string::npos);
    CHECK(late_receipt.is_redelivery);
}

TEST_CASE("a sender's retries: --fail-first fails each delivery id N times, then answers",
          "[listen]") {
    Fixture fixture;
    fixture.config.fail_first = 2;
    fixture.config.fail_status = 503;
    listen::Receiver receiver(fixture.config);
    std::vector<int> statuses;
    std::vector<bool> redeliveries;
    for (const char* id : {"evt_a", "evt_a", "evt_b", "evt_a", "evt_b", "evt_b"}) {
        auto request = incoming(R"({"id":")" + std::string(id) + R"(","type":"ping"})", {});
        auto [response, receipt] = receiver.handle(request);
        statuses.push_back(response.status);
        redeliveries.push_back(receipt.is_redelivery);
        CHECK(receipt.record.response_status == response.status);
    }
    CHECK(statuses == std::vector<int>{503, 503, 503, 200, 503, 200});
    CHECK(redeliveries == std::vector<bool>{false, true, false, true, true, true});
}

TEST_CASE("an app that cannot be reached or times out gets the sender a 502 saying why",
          "[listen]") {
    Fixture fixture;
    fixture.config.forward_to = url_of("http://127.0.0.1:3000/app");

    testing::FakeTransport unreachable;
    unreachable.fail_connect(
        Error{ErrorKind::input, http::connect_failure("http://127.0.0.1:3000").message});
    fixture.config.transport = &unreachable;
    listen::Receiver cut_off(fixture.config);
    auto request = incoming("{}", {});
    auto [response, receipt] = cut_off.handle(request);
    CHECK(response.status == 502);
    REQUIRE(receipt.forward.has_value());
    CHECK(receipt.forward->url == "http://127.0.0.1:3000/app");
    CHECK(response.body == "hooks listen could not forward: " + receipt.forward->error + "\n");
    CHECK(receipt.forward->error.find("127.0.0.1:3000") != std::string::npos);

    testing::FakeTransport slow;
    slow.set_default(tl::unexpected(http::response_timeout("http://127.0.0.1:3000", 5s)));
    fixture.config.transport = &slow;
    listen::Receiver timing_out(fixture.config);
    auto again = incoming("{}", {});
    auto [slow_response, slow_receipt] = timing_out.handle(again);
    CHECK(slow_response.status == 502);
    CHECK(slow.sent().size() == 1);
    CHECK(slow_receipt.record.response_status == 502);
}

TEST_CASE("a forwarded delivery reaches the app as it came, and the app's answer goes back",
          "[listen]") {
    Fixture fixture;
    fixture.config.forward_to = url_of("http://127.0.0.1:3000");
    testing::FakeTransport app;
    app.set_default(app_answer(201, R"({"queued":true})"));
    fixture.config.transport = &app;
    listen::Receiver receiver(fixture.config);
    auto request = incoming("{}", {{"X-B", "1"}, {"Expect", "100-continue"}, {"x-a", "2"}});
    request.message.trailers = {{"X-Sig", "s"}};
    auto [response, receipt] = receiver.handle(request);
    CHECK(response.status == 201);
    CHECK(response.body == R"({"queued":true})");
    CHECK(response.headers == std::vector<message::Header>{{"Content-Type", "application/json"}});
    auto sent = app.sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].target == "/hooks");
    CHECK(sent[0].headers ==
          std::vector<message::Header>{{"Host", "127.0.0.1:3000"}, {"X-B", "1"}, {"x-a", "2"}});
    CHECK(sent[0].trailers == std::vector<message::Header>{{"X-Sig", "s"}});
    CHECK(receipt.forward->status == 201);
}

TEST_CASE("a --respond rule answers what it matches instead of the app", "[listen]") {
    Fixture fixture;
    fixture.config.forward_to = url_of("http://127.0.0.1:3000");
    testing::FakeTransport app;
    app.set_default(app_answer(201, ""));
    fixture.config.transport = &app;
    http::Response canned = listen::answer_with(202);
    canned.headers = {{"X-Canned", "1"}};
    canned.body = "ok";
    fixture.config.respond_rules = {{"/health*", true, listen::answer_with(204)},
                                    {"invoice.*", false, canned}};
    listen::Receiver receiver(fixture.config);

    auto paid = stripe_request(*fixture.config.scheme, fixture.clock.now());
    auto [paid_response, paid_receipt] = receiver.handle(paid);
    CHECK(paid_response.status == 202);
    CHECK(paid_response.headers == canned.headers);
    CHECK(paid_response.body == "ok");
    CHECK_FALSE(paid_receipt.forward.has_value());

    auto health = incoming("{}", {});
    health.message.target = "/health/live?x=1";
    CHECK(receiver.handle(health).first.status == 204);

    auto other = incoming(R"({"type":"charge.failed"})", {});
    CHECK(receiver.handle(other).first.status == 201);
    CHECK(app.sent().size() == 1);
}

namespace {

// A request of `provider` signed with `secret` at the fixture clock's time.
http::IncomingRequest signed_request(Fixture& fixture, const std::string& provider,
                                     const std::string& secret, const std::string& body,
                                     std::vector<message::Header> extra = {}) {
    auto scheme = fixture.registry.find(provider);
    REQUIRE(scheme.has_value());
    std::vector<providers::Secret> secrets = {{secret, "--secret #1"}};
    providers::SignInput input;
    input.body = body;
    input.secrets = secrets;
    input.id = "f3b2c1d0-0000-4000-8000-000000000001";
    input.timestamp =
        std::chrono::duration_cast<providers::UnixMillis>(fixture.clock.now().time_since_epoch());
    auto signature = (*scheme)->sign(input);
    REQUIRE(signature.has_value());
    extra.insert(extra.end(), signature->headers.begin(), signature->headers.end());
    return incoming(body, std::move(extra));
}

} // namespace

TEST_CASE("listen answers Zoom's URL validation with the secret that verified", "[listen]") {
    Fixture fixture;
    fixture.config.scheme = *fixture.registry.find("zoom");
    fixture.config.secrets = {{"old-token", "--secret #1"}, {"zoom-token", "--secret #2"}};
    listen::Receiver receiver(fixture.config);
    const std::string body = R"({"event":"endpoint.url_validation","event_ts":1,)"
                             R"("payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}})";
    auto request = signed_request(fixture, "zoom", "zoom-token", body);
    auto [response, receipt] = receiver.handle(request);
    CHECK(receipt.is_handshake);
    CHECK(response.status == 200);
    // hex HMAC-SHA256("zoom-token", "qgg8vlvZRS6UYooatFL8Aw"), computed apart from hooks.
    CHECK(response.body ==
          R"({"encryptedToken":")" +
              crypto::hex_encode(crypto::hmac(crypto::DigestAlgorithm::sha256, "zoom-token",
                                              "qgg8vlvZRS6UYooatFL8Aw")) +
              R"(","plainToken":"qgg8vlvZRS6UYooatFL8Aw"})");
    // Signed with a token listen does not have: not answered, as a correct app would not.
    auto forged = signed_request(fixture, "zoom", "someone-else", body);
    auto [refused, refused_receipt] = receiver.handle(forged);
    CHECK_FALSE(refused_receipt.is_handshake);
    CHECK(refused.body.empty());
}

TEST_CASE("listen answers Twitch's, Slack's and Dropbox's challenges", "[listen]") {
    Fixture fixture;
    fixture.config.secrets = {{"twitch-secret-1", "--secret #1"}};
    fixture.config.scheme = *fixture.registry.find("twitch");
    {
        listen::Receiver receiver(fixture.config);
        auto request =
            signed_request(fixture, "twitch", "twitch-secret-1",
                           R"({"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}})",
                           {{"Twitch-Eventsub-Message-Type", "webhook_callback_verification"}});
        auto [response, receipt] = receiver.handle(request);
        CHECK(receipt.is_handshake);
        CHECK(response.body == "pogchamp-kappa-360noscope-vohiyo");
        CHECK(response.headers.at(0).value == "text/plain; charset=utf-8");
        // A notification is not a handshake.
        auto notification =
            signed_request(fixture, "twitch", "twitch-secret-1", R"({"challenge":"x"})",
                           {{"Twitch-Eventsub-Message-Type", "notification"}});
        CHECK_FALSE(receiver.handle(notification).second.is_handshake);
    }
    fixture.config.scheme = *fixture.registry.find("slack");
    fixture.config.secrets.clear();
    {
        listen::Receiver receiver(fixture.config);
        auto request =
            incoming(R"({"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV"})", {});
        CHECK(receiver.handle(request).first.body == "3eZbrw1aBm2rZgRNFdxV");
    }
    fixture.config.scheme = *fixture.registry.find("dropbox");
    {
        listen::Receiver receiver(fixture.config);
        auto request = incoming("", {});
        request.message.method = "GET";
        request.message.target = "/hooks?challenge=a%20b%2Bc";
        auto [response, receipt] = receiver.handle(request);
        CHECK(receipt.is_handshake);
        CHECK(response.body == "a b+c");
        CHECK(response.headers.back().name == "X-Content-Type-Options");
        CHECK(response.headers.back().value == "nosniff");
    }
}

TEST_CASE("a handshake goes to the app when listen forwards", "[listen]") {
    Fixture fixture;
    fixture.config.scheme = *fixture.registry.find("slack");
    fixture.config.secrets.clear();
    testing::FakeTransport app;
    app.set_default(app_answer(200, "from the app"));
    fixture.config.transport = &app;
    fixture.config.forward_to = url_of("http://127.0.0.1:9/app");
    listen::Receiver receiver(fixture.config);
    auto request = incoming(R"({"type":"url_verification","challenge":"abc"})", {});
    auto [response, receipt] = receiver.handle(request);
    CHECK_FALSE(receipt.is_handshake);
    CHECK(response.body == "from the app");
}
