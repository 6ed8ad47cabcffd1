// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"

#include <catch2/catch.hpp>

using namespace hooks::crypto;

TEST_CASE("hmac matches RFC 4231 and RFC 2202 test case 2", "[crypto]") {
    const std::string data = "what do ya want for nothing?";
    CHECK(hex_encode(hmac(DigestAlgorithm::sha256, "Jefe", data)) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hex_encode(hmac(DigestAlgorithm::sha1, "Jefe", data)) ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(hex_encode(hmac(DigestAlgorithm::sha512, "Jefe", data)) ==
          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d03"
          "4f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST_CASE("hmac covers every byte, including NUL and a trailing newline", "[crypto]") {
    std::string with_nul("a\0b", 3);
    CHECK(hmac(DigestAlgorithm::sha256, "k", with_nul) != hmac(DigestAlgorithm::sha256, "k", "a"));
    CHECK(hmac(DigestAlgorithm::sha256, "k", "{}\n") != hmac(DigestAlgorithm::sha256, "k", "{}"));
}

TEST_CASE("digest matches the SHA-256 of abc", "[crypto]") {
    CHECK(hex_encode(digest(DigestAlgorithm::sha256, "abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("constant_time_equal compares contents and lengths", "[crypto]") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK(constant_time_equal("", ""));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "ab"));
    CHECK_FALSE(constant_time_equal("", "a"));
}

TEST_CASE("digest algorithm names parse and unknown ones fail", "[crypto]") {
    CHECK(parse_digest_algorithm("sha1").value() == DigestAlgorithm::sha1);
    CHECK(parse_digest_algorithm("sha512").value() == DigestAlgorithm::sha512);
    CHECK_FALSE(parse_digest_algorithm("md5"));
    CHECK(digest_name(DigestAlgorithm::sha256) == "sha256");
}

TEST_CASE("random_bytes returns the requested count and differs between calls", "[crypto]") {
    CHECK(random_bytes(32).size() == 32);
    CHECK(random_bytes(16) != random_bytes(16));
}
