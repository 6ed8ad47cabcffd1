// SPDX-License-Identifier: MIT
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/discord_scheme.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {
const std::string k_seed(32, '\x2a');
const std::string k_body = R"({"type":1})";
} // namespace

TEST_CASE("discord signs timestamp + body with Ed25519 and verifies with the public key",
          "[providers]") {
    std::string seed_hex = crypto::hex_encode(k_seed);
    std::string public_hex = crypto::hex_encode(crypto::ed25519_public_key(k_seed).value());
    auto headers = sign_with("discord", seed_hex, k_body, 1'700'000'000);
    REQUIRE(headers.size() == 2);
    CHECK(headers[1].value == "1700000000");
    std::string expected =
        crypto::hex_encode(crypto::ed25519_sign(k_seed, "1700000000" + k_body).value());
    CHECK(headers[0].value == expected);
    auto message = make_message(headers, k_body);
    CHECK(verify_with("discord", message, {public_hex}, 1'700'000'000).is_valid);
    CHECK(verify_with("discord", message, {seed_hex + public_hex}, 1'700'000'000).is_valid);
    CHECK_FALSE(
        verify_with("discord", make_message(headers, k_body + "\n"), {public_hex}, 1'700'000'000)
            .is_valid);
}

TEST_CASE("discord rejects a malformed signature and a non-hex key", "[providers]") {
    std::string public_hex = crypto::hex_encode(crypto::ed25519_public_key(k_seed).value());
    auto message = make_message(
        {{"X-Signature-Ed25519", "zz"}, {"X-Signature-Timestamp", "1700000000"}}, k_body);
    auto result = verify_with("discord", message, {public_hex}, 1'700'000'000);
    CHECK_FALSE(result.is_valid);
    CHECK_THAT(result.reason, Catch::Contains("undecodable"));
    std::vector<providers::Secret> secrets{{"not-hex", "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    auto bad_key = builtin_provider("discord").verify(input);
    REQUIRE_FALSE(bad_key);
    CHECK_THAT(bad_key.error().message, Catch::Contains("64 or 128 hex digits"));
}

TEST_CASE("discord names the timestamp header when it is missing, doubled or not a time",
          "[providers]") {
    std::string seed_hex = crypto::hex_encode(k_seed);
    std::string public_hex = crypto::hex_encode(crypto::ed25519_public_key(k_seed).value());
    auto headers = sign_with("discord", seed_hex, k_body, 1'700'000'000);
    REQUIRE(headers.size() == 2);
    message::Header signature = headers[0];

    auto missing =
        verify_with("discord", make_message({signature}, k_body), {public_hex}, 1'700'000'000);
    CHECK(missing.check == "header");
    CHECK(missing.reason == "missing header X-Signature-Timestamp");

    auto doubled = verify_with("discord",
                               make_message({signature,
                                             {"X-Signature-Timestamp", "1700000000"},
                                             {"X-Signature-Timestamp", "1700000001"}},
                                            k_body),
                               {public_hex}, 1'700'000'000);
    CHECK(doubled.check == "ambiguous");
    CHECK_THAT(doubled.reason, Catch::Contains("2 differing X-Signature-Timestamp headers"));

    auto not_a_time =
        verify_with("discord", make_message({signature, {"X-Signature-Timestamp", "17e8"}}, k_body),
                    {public_hex}, 1'700'000'000);
    CHECK_FALSE(not_a_time.is_valid);
    CHECK(not_a_time.check == "timestamp");
    CHECK_THAT(not_a_time.reason, Catch::StartsWith("malformed timestamp '17e8': "));
}
