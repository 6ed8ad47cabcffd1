// SPDX-License-Identifier: MIT
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/profile_scheme.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;
using crypto::DigestAlgorithm;

namespace {
const std::string k_body = R"({"id":"evt_1","type":"invoice.paid"})";
const std::string k_whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr long long k_time = 1'700'000'000;

std::string value_of(const std::vector<message::Header>& headers, const std::string& name) {
    for (const auto& header : headers) {
        if (message::names_equal(header.name, name)) {
            return header.value;
        }
    }
    return {};
}
} // namespace

TEST_CASE("every built-in HMAC provider verifies what it signs and rejects a changed byte",
          "[providers]") {
    for (const char* name : {"standard", "svix", "stripe", "github", "github-sha1", "slack",
                             "shopify", "paddle", "codenx", "cognexia", "fluxbase", "centrali"}) {
        INFO(name);
        auto headers = sign_with(name, k_whsec, k_body, k_time);
        CHECK(verify_with(name, make_message(headers, k_body), {k_whsec}, k_time + 1).is_valid);
        std::string tampered = k_body;
        tampered[5] = 'X';
        auto result = verify_with(name, make_message(headers, tampered), {k_whsec}, k_time + 1);
        CHECK_FALSE(result.is_valid);
        CHECK(result.check == "signature");
    }
}

TEST_CASE("standard whsec_ keys are the base64-decoded bytes, stripe uses whsec_ verbatim",
          "[providers]") {
    std::string decoded = crypto::base64_decode(k_whsec.substr(6)).value();
    auto standard = sign_with("standard", k_whsec, k_body, k_time);
    CHECK(value_of(standard, "webhook-signature") ==
          "v1," + crypto::base64_encode(crypto::hmac(DigestAlgorithm::sha256, decoded,
                                                     "msg_test.1700000000." + k_body)));
    auto stripe = sign_with("stripe", k_whsec, k_body, k_time);
    CHECK(value_of(stripe, "Stripe-Signature") ==
          "t=1700000000,v1=" + crypto::hex_encode(crypto::hmac(DigestAlgorithm::sha256, k_whsec,
                                                               "1700000000." + k_body)));
}

TEST_CASE("standard rejects timestamps too far in the future, stripe only in the past",
          "[providers]") {
    auto standard = make_message(sign_with("standard", k_whsec, k_body, k_time + 301), k_body);
    auto future = verify_with("standard", standard, {k_whsec}, k_time);
    CHECK_FALSE(future.is_valid);
    CHECK(future.check == "timestamp");
    CHECK(future.skew_seconds == -301);
    CHECK_THAT(future.reason, Catch::Contains("future") && Catch::Contains("301 s"));
    CHECK(verify_with("standard", standard, {k_whsec}, k_time + 300).is_valid);

    auto stripe = make_message(sign_with("stripe", k_whsec, k_body, k_time + 3600), k_body);
    CHECK(verify_with("stripe", stripe, {k_whsec}, k_time).is_valid);
    auto old = verify_with("stripe", stripe, {k_whsec}, k_time + 3600 + 301);
    CHECK_FALSE(old.is_valid);
    CHECK_THAT(old.reason, Catch::Contains("too old") && Catch::Contains("301 s ago"));
}

TEST_CASE("stripe ignores every scheme but v1 and accepts any matching v1", "[providers]") {
    std::string mac =
        crypto::hex_encode(crypto::hmac(DigestAlgorithm::sha256, k_whsec, "1700000000." + k_body));
    auto v0_only = make_message({{"Stripe-Signature", "t=1700000000,v0=" + mac}}, k_body);
    auto result = verify_with("stripe", v0_only, {k_whsec}, k_time);
    CHECK_FALSE(result.is_valid);
    CHECK(result.check == "version");
    CHECK_THAT(result.reason, Catch::Contains("v0") && Catch::Contains("only v1"));
    auto two = make_message(
        {{"Stripe-Signature", "t=1700000000,v1=" + std::string(64, '0') + ",v1=" + mac}}, k_body);
    CHECK(verify_with("stripe", two, {k_whsec}, k_time).is_valid);
}

TEST_CASE("slack's current scheme is literally v0", "[providers]") {
    auto headers = sign_with("slack", "slack-secret", k_body, k_time);
    CHECK(value_of(headers, "X-Slack-Signature").rfind("v0=", 0) == 0);
    CHECK(value_of(headers, "X-Slack-Request-Timestamp") == "1700000000");
}

TEST_CASE("paddle signs ts:body in a semicolon list with h1 entries", "[providers]") {
    auto headers = sign_with("paddle", "pdl_ntfset_secret", k_body, k_time);
    CHECK(value_of(headers, "Paddle-Signature") ==
          "ts=1700000000;h1=" +
              crypto::hex_encode(crypto::hmac(DigestAlgorithm::sha256, "pdl_ntfset_secret",
                                              "1700000000:" + k_body)));
}

TEST_CASE("standard signature lists are space separated and any entry may match", "[providers]") {
    auto headers = sign_with("standard", k_whsec, k_body, k_time);
    std::string good = value_of(headers, "webhook-signature");
    auto message = make_message({{"webhook-id", "msg_test"},
                                 {"webhook-timestamp", "1700000000"},
                                 {"webhook-signature", "v1,AAAA v2,xyz " + good}},
                                k_body);
    CHECK(verify_with("standard", message, {k_whsec}, k_time).is_valid);
}

TEST_CASE("an empty signature never matches", "[providers]") {
    auto standard = make_message({{"webhook-id", "msg_test"},
                                  {"webhook-timestamp", "1700000000"},
                                  {"webhook-signature", "v1,"}},
                                 k_body);
    auto result = verify_with("standard", standard, {k_whsec}, k_time);
    CHECK_FALSE(result.is_valid);
    CHECK_THAT(result.reason, Catch::Contains("empty"));
    auto github = make_message({{"X-Hub-Signature-256", "sha256="}}, "");
    CHECK_FALSE(verify_with("github", github, {"s"}, k_time).is_valid);
    auto stripe = make_message({{"Stripe-Signature", "t=1700000000,v1="}}, k_body);
    CHECK_FALSE(verify_with("stripe", stripe, {k_whsec}, k_time).is_valid);
}

TEST_CASE("two differing signature headers are ambiguous, identical copies are fine",
          "[providers]") {
    auto headers = sign_with("github", "s", k_body, k_time);
    auto doubled =
        make_message({headers[0], {headers[0].name, "sha256=" + std::string(64, 'a')}}, k_body);
    auto result = verify_with("github", doubled, {"s"}, k_time);
    CHECK_FALSE(result.is_valid);
    CHECK(result.check == "ambiguous");
    CHECK(verify_with("github", make_message({headers[0], headers[0]}, k_body), {"s"}, k_time)
              .is_valid);
}

TEST_CASE("verification names the missing header, malformed timestamp and wrong prefix",
          "[providers]") {
    auto missing = verify_with("github", make_message({}, k_body), {"s"}, k_time);
    CHECK(missing.check == "header");
    CHECK(missing.reason == "missing header X-Hub-Signature-256");
    auto no_id = verify_with(
        "standard",
        make_message({{"webhook-signature", "v1,AAAA"}, {"webhook-timestamp", "1700000000"}},
                     k_body),
        {k_whsec}, k_time);
    CHECK(no_id.reason == "missing header webhook-id");
    auto bad_time = verify_with(
        "slack",
        make_message({{"X-Slack-Signature", "v0=00"}, {"X-Slack-Request-Timestamp", "17e8"}},
                     k_body),
        {"s"}, k_time);
    CHECK(bad_time.check == "timestamp");
    CHECK_THAT(bad_time.reason, Catch::Contains("malformed timestamp '17e8'"));
    auto wrong_prefix = verify_with(
        "centrali", make_message({{"x-centrali-signature", "abcdef"}}, k_body), {"s"}, k_time);
    CHECK(wrong_prefix.check == "format");
    CHECK_THAT(wrong_prefix.reason, Catch::Contains("'sha256='"));
}

TEST_CASE("with several secrets any one matching passes and is named", "[providers]") {
    auto message = make_message(sign_with("codenx", "new-secret", k_body, k_time), k_body);
    auto result = verify_with("codenx", message, {"old-secret", "new-secret"}, k_time);
    CHECK(result.is_valid);
    CHECK(result.matched_secret == "--secret #2");
    auto none = verify_with("codenx", message, {"a", "b"}, k_time);
    CHECK_THAT(none.reason, Catch::Contains("none of 2 secrets (--secret #1, --secret #2)"));
}

TEST_CASE("a hex signature in upper case still matches", "[providers]") {
    auto headers = sign_with("codenx", "s", k_body, k_time);
    std::string upper = headers[0].value;
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK(verify_with("codenx", make_message({{headers[0].name, upper}}, k_body), {"s"}, k_time)
              .is_valid);
}

TEST_CASE("undecodable or empty secrets are input errors, not invalid results", "[providers]") {
    const auto& standard = builtin_provider("standard");
    auto message = make_message({}, k_body);
    const std::pair<std::string, std::string> cases[] = {
        {"whsec_", "=canary"}, {"", "***canary"}, {"whsk_", "AAAA"}, {"whpk_", "!!canary"}};
    for (const auto& [prefix, rest] : cases) {
        std::vector<providers::Secret> secrets{{prefix + rest, "--secret #1"}};
        message.headers = {{"webhook-id", "m"},
                           {"webhook-timestamp", "1700000000"},
                           {"webhook-signature", "v1,AAAA"}};
        providers::VerifyInput with_headers(message, secrets);
        auto result = standard.verify(with_headers);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == ErrorKind::input);
        CHECK(result.error().message.find(rest) == std::string::npos);
    }
}

TEST_CASE("standard v1a signs with whsk_ Ed25519 keys and verifies with whpk_", "[providers]") {
    std::string seed(32, '\x07');
    std::string public_key = crypto::ed25519_public_key(seed).value();
    std::string whsk = "whsk_" + crypto::base64_encode(seed);
    std::string whpk = "whpk_" + crypto::base64_encode(public_key);
    auto headers = sign_with("standard", whsk, k_body, k_time);
    CHECK(value_of(headers, "webhook-signature").rfind("v1a,", 0) == 0);
    auto message = make_message(headers, k_body);
    CHECK(verify_with("standard", message, {whpk}, k_time).is_valid);
    CHECK(verify_with("standard", message, {whsk}, k_time).is_valid);
    std::string libsodium_form = "whsk_" + crypto::base64_encode(seed + public_key);
    CHECK(verify_with("standard", message, {libsodium_form}, k_time).is_valid);
    CHECK_FALSE(
        verify_with("standard", make_message(headers, k_body + " "), {whpk}, k_time).is_valid);
    // An HMAC key does not verify an Ed25519 signature.
    CHECK_FALSE(verify_with("standard", message, {k_whsec}, k_time).is_valid);
}

TEST_CASE("a millisecond profile signs and checks milliseconds", "[providers]") {
    auto profile = providers::parse_scheme_profile(R"({"name":"ms","signature_header":"X-Sig",
        "signed_content":"{timestamp}.{body}","timestamp_header":"X-Ts",
        "timestamp_unit":"milliseconds","tolerance_seconds":60})");
    REQUIRE(profile);
    providers::ProfileScheme scheme(*profile);
    std::vector<providers::Secret> secrets{{"s", "--secret #1"}};
    providers::SignInput sign_input;
    sign_input.body = k_body;
    sign_input.secrets = secrets;
    sign_input.timestamp = providers::UnixMillis(1'700'000'000'123);
    auto signed_headers = scheme.sign(sign_input);
    REQUIRE(signed_headers);
    CHECK(value_of(signed_headers->headers, "X-Ts") == "1700000000123");
    auto message = make_message(signed_headers->headers, k_body);
    providers::VerifyInput input(message, secrets);
    input.now = providers::UnixMillis(1'700'000'061'000);
    auto late = scheme.verify(input);
    REQUIRE(late);
    CHECK_FALSE(late->is_valid);
    CHECK(late->skew_seconds == 60);
    input.now = providers::UnixMillis(1'700'000'060'000);
    CHECK(scheme.verify(input)->is_valid);
}

TEST_CASE("a tolerance of zero disables the timestamp check", "[providers]") {
    auto message = make_message(sign_with("stripe", k_whsec, k_body, k_time), k_body);
    std::vector<providers::Secret> secrets{{k_whsec, "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    input.now = providers::UnixMillis((k_time + 86400) * 1000);
    input.tolerance = std::chrono::seconds(0);
    auto result = builtin_provider("stripe").verify(input);
    REQUIRE(result);
    CHECK(result->is_valid);
    CHECK(result->skew_seconds == 86400);
}

TEST_CASE("a send time only the body carries is not looked for with a tolerance of zero",
          "[providers]") {
    auto message = make_message(
        {{"Linear-Signature", sign_with("linear", "SECRET", "{}", 0).back().value}}, "{}");
    std::vector<providers::Secret> secrets{{"SECRET", "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    CHECK(builtin_provider("linear").verify(input)->check == "timestamp");
    input.tolerance = std::chrono::seconds(0);
    auto result = builtin_provider("linear").verify(input);
    REQUIRE(result);
    CHECK(result->is_valid);
    CHECK_FALSE(result->has_replay_protection);
}

TEST_CASE("a timestamp_field that indexes past an array body is missing, not an exception",
          "[providers]") {
    for (const char* pointer : {"/", "/99999999999999999999999"}) {
        auto profile = providers::parse_scheme_profile(
            std::string(R"({"name":"a","signature_header":"X-Sig","signed_content":"{body}",)") +
            R"("tolerance_seconds":60,"timestamp_field":")" + pointer + "\"}");
        REQUIRE(profile);
        providers::ProfileScheme scheme(*profile);
        auto message = make_message({{"X-Sig", "00"}}, "[1]");
        std::vector<providers::Secret> secrets{{"SECRET", "--secret #1"}};
        auto result = scheme.verify(providers::VerifyInput(message, secrets));
        REQUIRE(result);
        CHECK(result->check == "timestamp");
    }
}
