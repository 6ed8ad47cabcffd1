// SPDX-License-Identifier: MIT
#include "core/providers/signature_header.hpp"

#include <catch2/catch.hpp>

using namespace hooks::providers;

TEST_CASE("versioned lists split on spaces, then at the first comma", "[providers]") {
    auto entries = parse_versioned_list("v1,abc= v1a,de,f  v2");
    REQUIRE(entries.size() == 3);
    CHECK(entries[0] == SignatureEntry{"v1", "abc="});
    CHECK(entries[1] == SignatureEntry{"v1a", "de,f"});
    CHECK(entries[2] == SignatureEntry{"v2", ""});
}

TEST_CASE("key-value lists keep repeated keys in order and trim spaces", "[providers]") {
    auto entries = parse_key_value_list("t=1700000000, v1=aa ,v1=bb,v0=cc", ',');
    REQUIRE(entries.size() == 4);
    CHECK(entries[0] == SignatureEntry{"t", "1700000000"});
    CHECK(entries[1] == SignatureEntry{"v1", "aa"});
    CHECK(entries[2] == SignatureEntry{"v1", "bb"});
    CHECK(entries[3] == SignatureEntry{"v0", "cc"});
}

TEST_CASE("paddle-style lists use semicolons", "[providers]") {
    auto entries = parse_key_value_list("ts=1671552777;h1=eb4d;h1=0f", ';');
    REQUIRE(entries.size() == 3);
    CHECK(entries[2] == SignatureEntry{"h1", "0f"});
}

TEST_CASE("empty and degenerate lists parse without entries or crashes", "[providers]") {
    CHECK(parse_versioned_list("").empty());
    CHECK(parse_versioned_list("   ").empty());
    CHECK(parse_key_value_list(",,,", ',').empty());
    CHECK(parse_key_value_list("=", ',').size() == 1);
}
