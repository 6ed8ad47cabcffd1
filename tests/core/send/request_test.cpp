// SPDX-License-Identifier: MIT
#include "core/send/request.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace std::chrono_literals;

namespace {

send::Plan stripe_plan() {
    send::Plan plan;
    plan.url_text = "http://127.0.0.1:9/stripe?x=1";
    plan.url = *http::parse_url(plan.url_text);
    plan.scheme = &testing::builtin_provider("stripe");
    plan.secrets = {{"whsec_test", "--secret #1"}};
    plan.build.provider = "stripe";
    plan.build.event = "invoice.paid";
    plan.user_agent = "hooks/test";
    return plan;
}

std::vector<std::string> values(const message::Message& request, const std::string& name) {
    std::vector<std::string> found;
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, name)) {
            found.push_back(header.value);
        }
    }
    return found;
}

} // namespace

TEST_CASE("an unsigned request carries the envelope, the provider's headers and the target",
          "[send]") {
    auto request = send::build_unsigned(stripe_plan(), "evt_1", 1'700'000'000'000ms);
    REQUIRE(request);
    CHECK(request->method == "POST");
    CHECK(request->target == "/stripe?x=1");
    // Stripe's own User-Agent replaces the plan's.
    REQUIRE(values(*request, "User-Agent").size() == 1);
    CHECK(values(*request, "User-Agent")[0].starts_with("Stripe/"));
    CHECK(values(*request, "Content-Type").size() == 1);
    CHECK(request->body.find(R"("id":"evt_1")") != std::string::npos);
    CHECK(values(*request, "Stripe-Signature").empty());
}

TEST_CASE("an unsigned request of a provider without a User-Agent carries the plan's", "[send]") {
    send::Plan plan = stripe_plan();
    plan.build.provider = "standard";
    plan.build.event = "";
    auto request = send::build_unsigned(plan, "msg_1", 1'700'000'000'000ms);
    REQUIRE(request);
    CHECK(values(*request, "User-Agent") == std::vector<std::string>{"hooks/test"});
    CHECK(values(*request, "Accept") == std::vector<std::string>{"*/*"});
}

TEST_CASE("signing adds the scheme's headers, then -H replaces headers of its names", "[send]") {
    send::Plan plan = stripe_plan();
    plan.extra_headers = {{"user-agent", "curl/8"}, {"X-Tag", "a"}, {"X-Tag", "b"}};
    plan.method = "PUT";
    auto request = send::build_request(plan, "evt_1", 1'700'000'000'000ms, 1'700'000'005'000ms);
    REQUIRE(request);
    CHECK(request->method == "PUT");
    CHECK(values(*request, "User-Agent") == std::vector<std::string>{"curl/8"});
    CHECK(values(*request, "X-Tag") == std::vector<std::string>{"a", "b"});
    REQUIRE(values(*request, "Stripe-Signature").size() == 1);
    CHECK(values(*request, "Stripe-Signature")[0].starts_with("t=1700000005,"));
    CHECK(request->headers.back().name == "X-Tag");
}

TEST_CASE("signing fails on a -H header with CR or LF", "[send]") {
    send::Plan plan = stripe_plan();
    plan.extra_headers = {{"X-Bad", "a\r\nInjected: 1"}};
    auto request = send::build_request(plan, "evt_1", 1'700'000'000'000ms, 1'700'000'000'000ms);
    CHECK_FALSE(request);
}
