// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/explain.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {
const std::string k_body = R"({"id":"evt_1","amount":100})";

providers::Explanation explain_for(const std::string& name, const message::Message& message,
                                   const std::string& secret, long long now = 1'700'000'000) {
    std::vector<providers::Secret> secrets{{secret, "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    input.now = providers::UnixMillis(now * 1000);
    const auto& scheme = builtin_provider(name);
    auto result = scheme.verify(input);
    REQUIRE(result);
    return providers::explain(scheme, input, *result);
}

bool has_finding(const providers::Explanation& explanation, const std::string& text) {
    for (const auto& finding : explanation.findings) {
        if (finding.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}
} // namespace

TEST_CASE("explain shows the signed content shape without the body", "[providers]") {
    auto headers = sign_with("standard", "whsec_c2VjcmV0", k_body, 1'700'000'000);
    auto explanation = explain_for("standard", make_message(headers, k_body), "whsec_c2VjcmV0");
    CHECK(explanation.signed_content == "msg_test.1700000000.<27-byte body>");
    CHECK(explanation.body_shape == "27 bytes, compact JSON, no trailing newline");
    CHECK(explanation.findings.empty());
}

TEST_CASE("explain finds a trailing newline the sender did not sign", "[providers]") {
    auto headers = sign_with("github", "s", k_body, 0);
    auto explanation = explain_for("github", make_message(headers, k_body + "\n"), "s");
    CHECK(has_finding(explanation, "without its trailing newline"));
}

TEST_CASE("explain finds line endings changed after signing, either way", "[providers]") {
    // Form fields or text signed with CRLF, saved by an editor with LF; and the other way.
    std::string crlf = "name=a\r\nline=b\r\nend";
    std::string lf = "name=a\nline=b\nend";
    auto signed_crlf = sign_with("github", "s", crlf, 0);
    auto to_lf = explain_for("github", make_message(signed_crlf, lf), "s");
    CHECK(has_finding(to_lf, "CRLF line endings instead of LF"));
    auto signed_lf = sign_with("github", "s", lf, 0);
    auto to_crlf = explain_for("github", make_message(signed_lf, crlf), "s");
    CHECK(has_finding(to_crlf, "LF line endings instead of CRLF"));
    // Nothing is claimed when the line endings are not the cause.
    auto other =
        explain_for("github", make_message(sign_with("github", "s", "x\ny", 0), crlf), "s");
    CHECK_FALSE(has_finding(other, "line endings"));
}

TEST_CASE("explain finds a body re-serialized after signing", "[providers]") {
    auto headers = sign_with("codenx", "s", k_body, 0);
    std::string pretty = "{\n  \"id\": \"evt_1\",\n  \"amount\": 100\n}";
    auto explanation = explain_for("codenx", make_message(headers, pretty), "s");
    CHECK(has_finding(explanation, "re-serialized as compact JSON"));
}

TEST_CASE("explain finds whitespace around the secret", "[providers]") {
    auto headers = sign_with("shopify", "s3cret", k_body, 0);
    auto explanation = explain_for("shopify", make_message(headers, k_body), " s3cret\n");
    CHECK(has_finding(explanation, "matches once it is trimmed"));
}

TEST_CASE("explain finds a whsec_ key used the other provider's way", "[providers]") {
    const std::string whsec = "whsec_c2VjcmV0LWtleS1ieXRlcw==";
    // Signed the Standard Webhooks way, checked as Stripe.
    std::string decoded = crypto::base64_decode(whsec.substr(6)).value();
    std::string mac = crypto::hex_encode(
        crypto::hmac(crypto::DigestAlgorithm::sha256, decoded, "1700000000." + k_body));
    auto stripe = make_message({{"Stripe-Signature", "t=1700000000,v1=" + mac}}, k_body);
    CHECK(has_finding(explain_for("stripe", stripe, whsec), "the Standard Webhooks way"));
    // Signed the Stripe way, checked as Standard Webhooks.
    std::string verbatim = crypto::base64_encode(
        crypto::hmac(crypto::DigestAlgorithm::sha256, whsec, "m.1700000000." + k_body));
    auto standard = make_message({{"webhook-id", "m"},
                                  {"webhook-timestamp", "1700000000"},
                                  {"webhook-signature", "v1," + verbatim}},
                                 k_body);
    CHECK(has_finding(explain_for("standard", standard, whsec), "verbatim as the key"));
}

TEST_CASE("explain says a stale timestamp is the only problem", "[providers]") {
    auto headers = sign_with("stripe", "s", k_body, 1'700'000'000);
    auto explanation =
        explain_for("stripe", make_message(headers, k_body), "s", 1'700'000'000 + 3600);
    CHECK(has_finding(explanation, "the signature itself matches"));
    CHECK(has_finding(explanation, "3600 s behind"));
}

TEST_CASE("explain never repeats a secret's value", "[providers]") {
    auto headers = sign_with("github", "right", k_body, 0);
    auto explanation =
        explain_for("github", make_message(headers, k_body + "\n"), " wrong-canary ");
    for (const auto& finding : explanation.findings) {
        CHECK(finding.find("wrong-canary") == std::string::npos);
    }
}

TEST_CASE("explain spots a millisecond timestamp where seconds are expected", "[providers]") {
    // A sender that signs and sends Date.now() instead of seconds.
    std::string mac = crypto::base64_encode(
        crypto::hmac(crypto::DigestAlgorithm::sha256, "secret", "m.1700000000000." + k_body));
    auto message = make_message({{"webhook-id", "m"},
                                 {"webhook-timestamp", "1700000000000"},
                                 {"webhook-signature", "v1," + mac}},
                                k_body);
    auto explanation = explain_for("standard", message, "whsec_c2VjcmV0");
    CHECK(has_finding(explanation, "looks like milliseconds"));
}
