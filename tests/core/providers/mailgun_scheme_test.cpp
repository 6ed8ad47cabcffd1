// SPDX-License-Identifier: MIT
// Mailgun signs timestamp + token inside the body; the event data is not signed.
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {

// mailgun/mailgun-go webhooks_test.go (d7f2dd4) TestVerifyWebhookSignature: its inputs are
// fixed (key from domains_test.go), its signature computed at run time; this is that value.
const std::string k_key = "WEBHOOK_SIGNING_KEY";
const std::string k_signature = "be636525fcbffba547491ce8a6ff04cbfbf0811aa7031db14147de41be62ffe0";

std::string body_with(const std::string& signature, const std::string& event = "delivered") {
    return R"({"signature":{"timestamp":"123456789","token":"token","signature":")" + signature +
           R"("},"event-data":{"event":")" + event + R"("}})";
}

} // namespace

TEST_CASE("mailgun verifies the signature object of a JSON body", "[providers]") {
    auto valid = verify_with("mailgun", make_message({}, body_with(k_signature)), {k_key}, 0);
    CHECK(valid.is_valid);
    CHECK_THAT(valid.reason, Catch::Contains("not the event data"));
    CHECK_FALSE(valid.has_replay_protection);
    // The event data is not signed: a changed event still verifies. Said, not hidden.
    CHECK(verify_with("mailgun", make_message({}, body_with(k_signature, "failed")), {k_key}, 0)
              .is_valid);
    auto wrong_key = verify_with("mailgun", make_message({}, body_with(k_signature)), {"other"}, 0);
    CHECK_FALSE(wrong_key.is_valid);
    CHECK(wrong_key.check == "signature");
    // The Go SDK's negative case: the hex of "badsignature".
    CHECK_FALSE(
        verify_with("mailgun", make_message({}, body_with("626164736967")), {k_key}, 0).is_valid);
    CHECK(verify_with("mailgun", make_message({}, body_with("")), {k_key}, 0).check == "signature");
    CHECK(verify_with("mailgun", make_message({}, R"({"event-data":{}})"), {k_key}, 0).check ==
          "format");
    CHECK(verify_with("mailgun", make_message({}, "not json"), {k_key}, 0).check == "format");
}

TEST_CASE("mailgun verifies legacy form fields and checks the time only when told", "[providers]") {
    auto form = make_message({}, "event=delivered&timestamp=123456789&token=token&signature=" +
                                     k_signature);
    CHECK(verify_with("mailgun", form, {k_key}, 0).is_valid);
    auto tampered = make_message({}, "event=delivered&timestamp=123456780&token=token&signature=" +
                                         k_signature);
    CHECK_FALSE(verify_with("mailgun", tampered, {k_key}, 0).is_valid);
    // The timestamp is signed; with --tolerance it is checked.
    std::vector<providers::Secret> secrets{{k_key, "--secret #1"}};
    providers::VerifyInput input(form, secrets);
    input.now = providers::UnixMillis(123'456'789'000LL + 400'000);
    input.tolerance = std::chrono::seconds(300);
    auto stale = builtin_provider("mailgun").verify(input);
    REQUIRE(stale);
    CHECK(stale->check == "timestamp");
    CHECK(stale->has_replay_protection);
}

TEST_CASE("mailgun signs by filling in signature.signature, the rest byte for byte",
          "[providers]") {
    const std::string body = R"({"signature": {"timestamp": "123456789", "token": "token", )"
                             R"("signature": ""},  "event-data": {"event": "opened"}})";
    std::vector<providers::Secret> secrets{{k_key, "--secret #1"}};
    providers::SignInput input;
    input.body = body;
    input.secrets = secrets;
    auto output = builtin_provider("mailgun").sign(input);
    REQUIRE(output);
    CHECK(output->headers.empty());
    REQUIRE(output->body);
    CHECK(*output->body == R"({"signature": {"timestamp": "123456789", "token": "token", )"
                           R"("signature": ")" +
                               k_signature + R"("},  "event-data": {"event": "opened"}})");
    // A signature key elsewhere in the body is left alone.
    input.body = R"({"event-data":{"signature":""},"signature":{"timestamp":"123456789",)"
                 R"("token":"token","signature":"x"}})";
    auto nested = builtin_provider("mailgun").sign(input);
    REQUIRE(nested);
    CHECK(*nested->body == R"({"event-data":{"signature":""},"signature":{"timestamp":"123456789",)"
                           R"("token":"token","signature":")" +
                               k_signature + R"("}})");
    input.body = R"({"event-data":{}})";
    auto refused = builtin_provider("mailgun").sign(input);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
}

TEST_CASE("mailgun is detected by its body only when nothing stronger is there", "[providers]") {
    const auto registry = providers::Registry::builtin();
    auto alone = registry.detect(make_message({}, body_with(k_signature)));
    REQUIRE(alone);
    CHECK(alone->scheme->info().name == "mailgun");
    CHECK(alone->decided_by == "the body's signature object (timestamp, token, signature)");
    auto stripe =
        registry.detect(make_message({{"Stripe-Signature", "t=1,v1=ab"}}, body_with(k_signature)));
    REQUIRE(stripe);
    CHECK(stripe->scheme->info().name == "stripe");
}
