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
