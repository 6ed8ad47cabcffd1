// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/twilio_scheme.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {
const std::string k_url = "https://example.test/twilio/voice?foo=1";
const std::string k_form = "To=%2B15005550006&From=%2B15005550001&Body=Hello+there&CallSid=CA1";
} // namespace

TEST_CASE("twilio signs the URL followed by the sorted form parameters", "[providers]") {
    auto headers = sign_with("twilio", "token", k_form, 0, k_url);
    std::string content = k_url + "BodyHello thereCallSidCA1From+15005550001To+15005550006";
    CHECK(headers.at(0).value ==
          crypto::base64_encode(crypto::hmac(crypto::DigestAlgorithm::sha1, "token", content)));
    CHECK(verify_with("twilio", make_message(headers, k_form), {"token"}, 0, k_url).is_valid);
    CHECK_FALSE(verify_with("twilio", make_message(headers, k_form + "&X=1"), {"token"}, 0, k_url)
                    .is_valid);
    CHECK_FALSE(verify_with("twilio", make_message(headers, k_form), {"token"}, 0,
                            "https://example.test/twilio/voice?foo=2")
                    .is_valid);
}

TEST_CASE("twilio accepts the URL with or without the default port", "[providers]") {
    auto headers =
        sign_with("twilio", "token", k_form, 0, "https://example.test:443/twilio/voice?foo=1");
    CHECK(verify_with("twilio", make_message(headers, k_form), {"token"}, 0, k_url).is_valid);
}

TEST_CASE("twilio JSON bodies are signed through bodySHA256 in the URL", "[providers]") {
    const std::string body = R"({"event":"call.completed"})";
    std::string hash = crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, body));
    std::string url = "https://example.test/hook?bodySHA256=" + hash;
    auto headers = sign_with("twilio", "token", body, 0, url);
    CHECK(headers.at(0).value ==
          crypto::base64_encode(crypto::hmac(crypto::DigestAlgorithm::sha1, "token", url)));
    CHECK(verify_with("twilio", make_message(headers, body), {"token"}, 0, url).is_valid);
    auto tampered = verify_with("twilio", make_message(headers, body + " "), {"token"}, 0, url);
    CHECK_FALSE(tampered.is_valid);
    CHECK_THAT(tampered.reason, Catch::Contains("bodySHA256"));
}

TEST_CASE("twilio sign adds bodySHA256 for a JSON body and says where to send it", "[providers]") {
    std::vector<providers::Secret> secrets{{"token", "--secret #1"}};
    providers::SignInput input;
    input.body = R"({"a":1})";
    input.secrets = secrets;
    input.url = "https://example.test/hook";
    auto output = builtin_provider("twilio").sign(input);
    REQUIRE(output);
    REQUIRE(output->notes.size() == 1);
    CHECK_THAT(output->notes[0], Catch::Contains("https://example.test/hook?bodySHA256="));
}

TEST_CASE("form parsing decodes plus and percent escapes and rejects broken ones", "[providers]") {
    auto params = providers::parse_form("a=1+2&b=%41%2b&c&=x&&");
    REQUIRE(params);
    REQUIRE(params->size() == 4);
    CHECK((*params)[0] == std::pair<std::string, std::string>{"a", "1 2"});
    CHECK((*params)[1] == std::pair<std::string, std::string>{"b", "A+"});
    CHECK((*params)[2] == std::pair<std::string, std::string>{"c", ""});
    CHECK((*params)[3] == std::pair<std::string, std::string>{"", "x"});
    CHECK_FALSE(providers::parse_form("a=%4"));
    CHECK_FALSE(providers::parse_form("a=%zz"));
}

TEST_CASE("twilio without a URL is a usage error", "[providers]") {
    auto message = make_message({{"X-Twilio-Signature", "abc="}}, k_form);
    std::vector<providers::Secret> secrets{{"token", "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    auto result = builtin_provider("twilio").verify(input);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::usage);
}
