// SPDX-License-Identifier: MIT
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"

#include <catch2/catch.hpp>

using namespace hooks::crypto;

namespace {
// RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
const std::string k_seed =
    hex_decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb").value();
const std::string k_public =
    hex_decode("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c").value();
const std::string k_signature =
    hex_decode("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e"
               "458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        .value();
} // namespace

TEST_CASE("ed25519 reproduces RFC 8032 test 2", "[crypto]") {
    CHECK(ed25519_public_key(k_seed).value() == k_public);
    CHECK(ed25519_sign(k_seed, "\x72").value() == k_signature);
    CHECK(ed25519_verify(k_public, "\x72", k_signature));
}

TEST_CASE("ed25519 rejects a changed message, signature or key", "[crypto]") {
    CHECK_FALSE(ed25519_verify(k_public, "\x73", k_signature));
    std::string flipped = k_signature;
    flipped[10] = static_cast<char>(flipped[10] ^ 1);
    CHECK_FALSE(ed25519_verify(k_public, "\x72", flipped));
    CHECK_FALSE(ed25519_verify(k_public.substr(1), "\x72", k_signature));
    CHECK_FALSE(ed25519_verify(k_public, "\x72", k_signature.substr(1)));
}

TEST_CASE("ed25519 signing fails on a wrong-sized seed", "[crypto]") {
    CHECK_FALSE(ed25519_sign("short", "m"));
    CHECK_FALSE(ed25519_public_key(std::string(33, 'x')));
}
