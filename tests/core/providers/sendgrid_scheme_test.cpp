// SPDX-License-Identifier: MIT
// SendGrid's ECDSA P-256 event webhook: published vectors, and signing with a test key.
#include "core/crypto/ecdsa.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {

// sendgrid/sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js (498e232): the body
// is JSON.stringify of the events followed by CRLF, as SendGrid sends it.
const std::string k_public_key =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/"
    "7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
const std::string k_signature = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+"
                                "uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
const std::string k_body =
    R"([{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}])"
    "\r\n";

// A P-256 key generated for these tests (openssl ecparam -name prime256v1 -genkey | pkcs8).
const std::string k_test_private = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFCjA3fkBWIEEJ2PC
SaZ97RiAvP8iZtk7UI7gQ7G/9oWhRANCAARFNCBkr5cypXBPxFSmMfLxjG3wWVKX
pR8ngREXfhihgTUbbKJVGFZQ9UodhiMChnjHCQ+AlGldUdNEOo8YcfKa
-----END PRIVATE KEY-----
)";
const std::string k_test_public = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERTQgZK+XMqVwT8RUpjHy8Yxt8FlS
l6UfJ4ERF34YoYE1G2yiVRhWUPVKHYYjAoZ4xwkPgJRpXVHTRDqPGHHymg==
-----END PUBLIC KEY-----
)";

message::Message delivery(std::string timestamp, std::string signature, std::string body) {
    return make_message({{"X-Twilio-Email-Event-Webhook-Signature", std::move(signature)},
                         {"X-Twilio-Email-Event-Webhook-Timestamp", std::move(timestamp)}},
                        std::move(body));
}

} // namespace

TEST_CASE("sendgrid's published vector verifies, its negatives do not", "[providers]") {
    auto valid = verify_with("sendgrid", delivery("1600112502", k_signature, k_body),
                             {k_public_key}, 1'600'112'502);
    CHECK(valid.is_valid);
    CHECK_FALSE(valid.has_replay_protection);
    // The same file's negative cases: another key, another payload, another signature, a
    // timestamp that is not one; and the body without its CRLF.
    CHECK_FALSE(verify_with("sendgrid", delivery("1600112502", k_signature, k_body),
                            {"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZ"
                             "kLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=="},
                            0)
                    .is_valid);
    CHECK_FALSE(
        verify_with("sendgrid", delivery("1600112502", k_signature, "payload"), {k_public_key}, 0)
            .is_valid);
    CHECK_FALSE(verify_with("sendgrid",
                            delivery("1600112502",
                                     "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a"
                                     "8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=",
                                     k_body),
                            {k_public_key}, 0)
                    .is_valid);
    CHECK(verify_with("sendgrid", delivery("timestamp", k_signature, k_body), {k_public_key}, 0)
              .check == "timestamp");
    CHECK_FALSE(
        verify_with("sendgrid",
                    delivery("1600112502", k_signature, k_body.substr(0, k_body.size() - 2)),
                    {k_public_key}, 0)
            .is_valid);
    CHECK(verify_with("sendgrid", delivery("1600112502", "not base64!", k_body), {k_public_key}, 0)
              .check == "format");
}

TEST_CASE("sendgrid's key may be PEM or bare base64, and must be P-256", "[providers]") {
    CHECK(crypto::P256Key::parse(k_public_key));
    CHECK_FALSE(crypto::P256Key::parse(k_public_key)->is_private());
    CHECK(crypto::P256Key::parse(k_test_public));
    CHECK(crypto::P256Key::parse(k_test_private)->is_private());
    auto junk = crypto::P256Key::parse("cnry-not-a-key");
    REQUIRE_FALSE(junk);
    CHECK(junk.error().message.find("cnry") == std::string::npos);
    // An Ed25519 public key in SPKI form is not P-256.
    auto ed25519 =
        crypto::P256Key::parse("MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    REQUIRE_FALSE(ed25519);
    CHECK(ed25519.error().message == "not a P-256 (prime256v1) ECDSA key");
}

TEST_CASE("sendgrid signs with a test private key and verifies with its public key",
          "[providers]") {
    auto headers = sign_with("sendgrid", k_test_private, k_body, 1'700'000'000);
    REQUIRE(headers.size() == 2);
    CHECK(headers[1].value == "1700000000");
    auto message = make_message(headers, k_body);
    CHECK(verify_with("sendgrid", message, {k_test_public}, 1'700'000'000).is_valid);
    // A private key verifies as well (it holds the public one).
    CHECK(verify_with("sendgrid", message, {k_test_private}, 1'700'000'000).is_valid);
    CHECK_FALSE(verify_with("sendgrid", message, {k_public_key}, 1'700'000'000).is_valid);
    // With a tolerance, the signed time is checked; SendGrid documents none.
    std::vector<providers::Secret> secrets{{k_test_public, "--secret #1"}};
    providers::VerifyInput input(message, secrets);
    input.now = providers::UnixMillis(1'700'000'400'000);
    input.tolerance = std::chrono::seconds(300);
    CHECK(builtin_provider("sendgrid").verify(input)->check == "timestamp");
    // Signing with the public key: SendGrid keeps its private key.
    std::vector<providers::Secret> public_only{{k_public_key, "--secret #1"}};
    providers::SignInput sign;
    sign.body = k_body;
    sign.secrets = public_only;
    auto refused = builtin_provider("sendgrid").sign(sign);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("can only be verified"));
}
