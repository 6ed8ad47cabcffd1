// SPDX-License-Identifier: MIT
#include "core/providers/registry.hpp"
#include "core/replay/request.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using message::Header;

namespace {

log::Record captured() {
    log::Record record;
    record.message.method = "POST";
    record.message.target = "/hooks?x=1";
    record.message.headers = {{"host", "127.0.0.1:8080"},
                              {"User-Agent", "Stripe/1.0"},
                              {"Content-Length", "999"},
                              {"Transfer-Encoding", "chunked"},
                              {"Connection", "keep-alive"},
                              {"Stripe-Signature", "t=1,v1=aa"},
                              {"X-Dup", "1"},
                              {"x-dup", "2"},
                              {"Expect", "100-continue"}};
    record.message.body = "{\"id\":\"evt_1\"}";
    return record;
}

http::Url url(const char* text) {
    auto parsed = http::parse_url(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

} // namespace

TEST_CASE("a captured request keeps order, case and duplicates, re-addressed", "[replay]") {
    message::Message request = replay::captured_request(captured(), url("http://127.0.0.1:9000"));
    CHECK(request.method == "POST");
    CHECK(request.target == "/hooks?x=1");
    CHECK(request.body == "{\"id\":\"evt_1\"}");
    CHECK(request.headers == std::vector<Header>{{"host", "127.0.0.1:9000"},
                                                 {"User-Agent", "Stripe/1.0"},
                                                 {"Content-Length", "14"},
                                                 {"Stripe-Signature", "t=1,v1=aa"},
                                                 {"X-Dup", "1"},
                                                 {"x-dup", "2"}});
}

TEST_CASE("a destination path replaces the recorded target; Host is added when missing",
          "[replay]") {
    log::Record record = captured();
    record.message.headers = {{"A", "1"}};
    message::Message request =
        replay::captured_request(record, url("https://example.test/other?y"));
    CHECK(request.target == "/other?y");
    CHECK(request.headers == std::vector<Header>{{"Host", "example.test"}, {"A", "1"}});
}

TEST_CASE("replace_header sets in place and drops later duplicates", "[replay]") {
    std::vector<Header> headers = {{"a", "1"}, {"B", "2"}, {"A", "3"}, {"c", "4"}};
    replay::replace_header(headers, {"A", "9"});
    CHECK(headers == std::vector<Header>{{"a", "9"}, {"B", "2"}, {"c", "4"}});
    replay::replace_header(headers, {"D", "5"});
    CHECK(headers.back() == Header{"D", "5"});
}

TEST_CASE("signing again replaces the stale signature in its place", "[replay]") {
    auto registry = providers::Registry::builtin();
    auto scheme = registry.find("stripe");
    REQUIRE(scheme.has_value());
    std::vector<providers::Secret> secrets = {{"whsec_test", "--secret"}};
    message::Message request = replay::captured_request(captured(), url("http://127.0.0.1:9"));
    auto done = replay::sign_again(request, **scheme, secrets, "evt_1",
                                   providers::UnixMillis(1'795'000'000'000), "http://x/");
    REQUIRE(done.has_value());
    REQUIRE(request.headers.size() == 6);
    CHECK(request.headers[3].name == "Stripe-Signature");
    CHECK(request.headers[3].value.starts_with("t=1795000000,v1="));

    providers::VerifyInput input(request, secrets);
    input.now = providers::UnixMillis(1'795'000'010'000);
    auto verdict = (*scheme)->verify(input);
    REQUIRE(verdict.has_value());
    CHECK(verdict->is_valid);
}

TEST_CASE("trailer fields go with the captured request; signing again drops a stale one",
          "[replay]") {
    log::Record record = captured();
    record.message.headers.erase(record.message.headers.begin() + 5); // the header signature
    record.message.trailers = {{"stripe-signature", "t=1,v1=aa"}, {"X-Checksum", "c"}};
    message::Message request = replay::captured_request(record, url("http://127.0.0.1:9"));
    CHECK(request.trailers == record.message.trailers);

    auto registry = providers::Registry::builtin();
    auto scheme = registry.find("stripe");
    REQUIRE(scheme.has_value());
    std::vector<providers::Secret> secrets = {{"whsec_test", "--secret"}};
    auto done = replay::sign_again(request, **scheme, secrets, "evt_1",
                                   providers::UnixMillis(1'795'000'000'000), "http://x/");
    REQUIRE(done.has_value());
    CHECK(request.trailers == std::vector<Header>{{"X-Checksum", "c"}});
    CHECK(request.first_header("Stripe-Signature").has_value());
}
