// SPDX-License-Identifier: MIT
#include "core/providers/scheme_profile.hpp"

#include <catch2/catch.hpp>

using namespace hooks::providers;

TEST_CASE("the built-in profiles all parse", "[providers]") {
    auto profiles = parse_scheme_profiles(builtin_profiles_json());
    REQUIRE(profiles);
    CHECK(profiles->size() >= 12);
}

TEST_CASE("a user profile fills defaults and reads every field", "[providers]") {
    auto profile = parse_scheme_profile(R"({
        "name": "acme", "signature_header": "X-Acme-Signature",
        "signed_content": "{timestamp}.{body}", "timestamp_header": "X-Acme-Time",
        "timestamp_unit": "milliseconds", "algorithm": "sha512", "encoding": "base64",
        "tolerance_seconds": 60, "rejects_future": true, "key_format": "hex"})");
    REQUIRE(profile);
    CHECK(profile->title == "acme");
    CHECK(profile->algorithm == hooks::crypto::DigestAlgorithm::sha512);
    CHECK(profile->encoding == SignatureEncoding::base64);
    CHECK(profile->timestamp_unit == TimestampUnit::milliseconds);
    CHECK(profile->tolerance == std::chrono::seconds(60));
    CHECK(profile->rejects_future);
    CHECK(profile->key_format == KeyFormat::hex);
    CHECK(profile->is_timestamped());
}

TEST_CASE("invalid profiles fail naming the problem", "[providers]") {
    auto message_of = [](const char* json) {
        auto profile = parse_scheme_profile(json);
        REQUIRE_FALSE(profile);
        return profile.error().message;
    };
    CHECK_THAT(message_of("not json"), Catch::Contains("not valid JSON"));
    CHECK_THAT(message_of(R"({"signature_header":"X","signed_content":"{body}"})"),
               Catch::Contains("'name'"));
    CHECK_THAT(message_of(R"({"name":"a","signature_header":"X","signed_content":"{bdy}"})"),
               Catch::Contains("unknown placeholder"));
    CHECK_THAT(message_of(R"({"name":"a","signature_header":"X","signed_content":"{timestamp}"})"),
               Catch::Contains("timestamp_header"));
    CHECK_THAT(message_of(R"({"name":"a","signature_header":"X","signed_content":"{body}",
                              "encoding":"base32"})"),
               Catch::Contains("'encoding' must be one of hex, base64"));
    CHECK_THAT(message_of(R"({"name":"A B","signature_header":"X","signed_content":"{body}"})"),
               Catch::Contains("profile name"));
    CHECK_THAT(message_of(R"({"name":"a","signature_header":"X","signed_content":"{body}",
                              "tolerance_seconds":-5})"),
               Catch::Contains("tolerance_seconds"));
}

TEST_CASE("a profile file may hold an array and names the bad element", "[providers]") {
    auto profiles = parse_scheme_profiles(
        R"([{"name":"a","signature_header":"X","signed_content":"{body}"},{"name":"b"}])");
    REQUIRE_FALSE(profiles);
    CHECK_THAT(profiles.error().message, Catch::Contains("profile #2"));
}

TEST_CASE("profiles the fuzzer broke are refused when loaded", "[providers]") {
    auto message_of = [](const std::string& fields) {
        auto profile = parse_scheme_profile(
            R"({"name":"a","signature_header":"X-Sig","signed_content":"{body}",)" + fields + "}");
        REQUIRE_FALSE(profile);
        return profile.error().message;
    };
    // Signing a plain or key-value profile with a whsk_ key had nowhere to put the signature.
    CHECK_THAT(message_of(R"("ed25519_version":"v1a")"), Catch::Contains("ed25519_version"));
    CHECK_THAT(message_of(R"("signature_format":"versioned","signature_version":"v1",
                             "ed25519_version":"v1")"),
               Catch::Contains("other than 'signature_version'"));
    // json_pointer throws on a '~' not followed by 0 or 1: verify() did for every delivery.
    CHECK_THAT(message_of(R"("timestamp_field":"/a~2b")"), Catch::Contains("JSON Pointer"));
    CHECK_THAT(message_of(R"("timestamp_field":"/a~")"), Catch::Contains("JSON Pointer"));
    // Errors and verify reasons are one line; a field's CR or LF would break it.
    for (const char* field :
         {R"("title":"A\nB")", R"("encoding":"hex\nbase64")",
          R"("timestamp_header":"X-T\r\nX-U: 1")", R"("fixed_headers":[["X-V","1\n"]])",
          R"("detect_headers":["X-\tEvent"])"}) {
        std::string message = message_of(field);
        CHECK_THAT(message, Catch::Contains("control characters"));
        CHECK(message.find_first_of("\r\n") == std::string::npos);
    }
}

TEST_CASE("a profile's signed content may span lines and JSON Pointers take ~0 and ~1",
          "[providers]") {
    auto profile = parse_scheme_profile(R"({"name":"a","signature_header":"X-Sig",
        "signed_content":"{method}\n{body}", "timestamp_field":"/a~1b/~0c"})");
    REQUIRE(profile);
    CHECK(profile->signed_content == "{method}\n{body}");
    CHECK(profile->timestamp_field == "/a~1b/~0c");
}

TEST_CASE("a profile that names one header for two roles is refused", "[providers]") {
    auto twice = hooks::providers::parse_scheme_profile(
        R"({"name":"acme","signature_header":"X-Acme","signed_content":"{timestamp}.{body}",)"
        R"("timestamp_header":"x-acme"})");
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message == "profile 'acme' names header 'X-Acme' twice");
    auto fixed = hooks::providers::parse_scheme_profile(
        R"({"name":"acme","signature_header":"X-Acme","signed_content":"{body}",)"
        R"("fixed_headers":[["X-Acme-Version","1"],["x-acme-version","2"]]})");
    REQUIRE_FALSE(fixed);
    CHECK_THAT(fixed.error().message, Catch::Contains("twice"));
    CHECK_FALSE(hooks::providers::parse_scheme_profile(
        R"({"name":"acme","signature_header":"","signed_content":"{body}"})"));
}
