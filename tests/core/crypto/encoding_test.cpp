// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"

#include <catch2/catch.hpp>
#include <utility>

using namespace hooks::crypto;

TEST_CASE("hex encodes lower-case and decodes either case", "[crypto]") {
    CHECK(hex_encode(std::string("\x00\x7f\xff", 3)) == "007fff");
    CHECK(hex_decode("007FfF").value() == std::string("\x00\x7f\xff", 3));
    CHECK(hex_decode("").value().empty());
}

TEST_CASE("hex rejects odd length and non-hex characters", "[crypto]") {
    CHECK_FALSE(hex_decode("abc"));
    CHECK_FALSE(hex_decode("zz"));
    CHECK_FALSE(hex_decode("0:"));
    CHECK_FALSE(hex_decode(" 00"));
}

TEST_CASE("base64 round-trips the RFC 4648 test vectors", "[crypto]") {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64_encode(plain) == encoded);
        CHECK(base64_decode(encoded).value() == plain);
    }
}

TEST_CASE("base64 accepts missing padding and keeps zero bytes", "[crypto]") {
    CHECK(base64_decode("Zg").value() == "f");
    CHECK(base64_decode("AAA=").value() == std::string(2, '\0'));
}

TEST_CASE("base64 rejects whitespace, url-safe alphabet, bad padding and loose bits", "[crypto]") {
    CHECK_FALSE(base64_decode("Zm9v\n"));
    CHECK_FALSE(base64_decode("Zm9v YmFy"));
    CHECK_FALSE(base64_decode("-_8="));
    CHECK_FALSE(base64_decode("Zg==="));
    CHECK_FALSE(base64_decode("Z=g="));
    CHECK_FALSE(base64_decode("Zm9vY"));
    CHECK_FALSE(base64_decode("Zh=="));
}

TEST_CASE("base64 names the first problem it finds", "[crypto]") {
    const std::pair<const char*, const char*> cases[] = {
        {"Zg===", "base64 has misplaced '=' padding"},
        {"Zg=", "base64 has misplaced '=' padding"},
        {"Z=g=", "base64 contains a character outside its alphabet"},
        {"Zm9vY!", "base64 contains a character outside its alphabet"},
        {"\xc3\xa9"
         "AAA",
         "base64 contains a character outside its alphabet"},
        {"Zm9vY", "base64 has a truncated final group"},
        {"Zh==", "base64 has non-zero trailing bits"},
        {"Zm9=", "base64 has non-zero trailing bits"},
        {"Zm9vYmF", "base64 has non-zero trailing bits"},
    };
    for (const auto& [text, message] : cases) {
        INFO(text);
        auto decoded = base64_decode(text);
        REQUIRE_FALSE(decoded.has_value());
        CHECK(decoded.error().message == message);
    }
    CHECK(base64_decode("Zm8").value() == "fo");
    CHECK(base64_decode("/+/+").value() == "\xff\xef\xfe");
}
