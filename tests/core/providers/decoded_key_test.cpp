// SPDX-License-Identifier: MIT
#include "core/providers/decoded_key.hpp"

#include <catch2/catch.hpp>

using namespace hooks::providers;

namespace {
SchemeProfile profile_with(KeyFormat format, std::string ed25519_version = "") {
    SchemeProfile profile;
    profile.name = "test";
    profile.key_format = format;
    profile.ed25519_version = std::move(ed25519_version);
    return profile;
}
} // namespace

TEST_CASE("key formats decode the secret text into key bytes", "[providers]") {
    CHECK(decode_key(profile_with(KeyFormat::raw), {"whsec_abc", "s"})->bytes == "whsec_abc");
    CHECK(decode_key(profile_with(KeyFormat::whsec_base64), {"whsec_c2VjcmV0", "s"})->bytes ==
          "secret");
    CHECK(decode_key(profile_with(KeyFormat::whsec_base64), {"c2VjcmV0", "s"})->bytes == "secret");
    CHECK(decode_key(profile_with(KeyFormat::base64), {"c2VjcmV0", "s"})->bytes == "secret");
    CHECK(decode_key(profile_with(KeyFormat::hex), {"736563726574", "s"})->bytes == "secret");
}

TEST_CASE("undecodable keys fail naming the label, not the value", "[providers]") {
    for (auto format : {KeyFormat::whsec_base64, KeyFormat::base64, KeyFormat::hex}) {
        auto key = decode_key(profile_with(format), {"not*valid", "--secret-file k.txt"});
        REQUIRE_FALSE(key);
        CHECK_THAT(key.error().message, Catch::Contains("--secret-file k.txt"));
        CHECK(key.error().message.find("not*valid") == std::string::npos);
    }
    CHECK_FALSE(decode_key(profile_with(KeyFormat::raw), {"", "s"}));
}

TEST_CASE("whsk_ and whpk_ keys are Ed25519 only where the profile signs v1a", "[providers]") {
    std::string seed_b64 = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
    auto with_ed25519 =
        decode_key(profile_with(KeyFormat::whsec_base64, "v1a"), {"whsk_" + seed_b64, "s"});
    REQUIRE(with_ed25519);
    CHECK(with_ed25519->kind == DecodedKey::Kind::ed25519_private);
    CHECK(with_ed25519->bytes.size() == 32);
    auto public_key =
        decode_key(profile_with(KeyFormat::whsec_base64, "v1a"), {"whpk_" + seed_b64, "s"});
    CHECK(public_key->kind == DecodedKey::Kind::ed25519_public);
    auto without = decode_key(profile_with(KeyFormat::raw), {"whsk_" + seed_b64, "s"});
    CHECK(without->kind == DecodedKey::Kind::hmac);
}
